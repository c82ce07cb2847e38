// Random public ids and secrets. Everything random goes through here so the alphabet and
// entropy of each kind of id are decided in one place.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A lowercase alphanumeric id: `prefix` + `length` random characters (36^length choices). */
export function publicId(prefix: string, length: number): string {
  const bytes = randomBytes(length * 2);
  let out = prefix;
  // Reject bytes above the largest multiple of 36 so every character is equally likely.
  for (let i = 0; out.length < prefix.length + length; i++) {
    if (i >= bytes.length) return publicId(prefix, length);
    const byte = bytes[i]!;
    if (byte < 252) out += ALPHANUMERIC[byte % 36];
  }
  return out;
}

/** A URL-safe secret with `bytes * 8` bits of entropy. */
export function secretToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Secrets are stored only as their SHA-256; high-entropy tokens need no slow hash. */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Compare two secrets without leaking where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const newFlowNs = () => publicId("f", 10);
export const newUserNs = () => publicId("u", 14);
export const newApiToken = () => `sb_${secretToken(32)}`;
