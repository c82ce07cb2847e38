// Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
// `${id}.${timestamp}.${body}` with the secret's bytes (`whsec_` + base64), sent as
// `webhook-signature: v1,<base64>` (several may be space-separated).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const PREFIX = "whsec_";
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

/** The key bytes of a `whsec_…` secret, or null when it is not one. */
export function secretBytes(secret: string): Buffer | null {
  if (!secret.startsWith(PREFIX)) return null;
  const base64 = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  const bytes = Buffer.from(base64, "base64");
  return bytes.length >= 16 && bytes.length <= 128 ? bytes : null;
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = secretBytes(secret);
  if (!key) throw new Error("not a whsec_ secret");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
}

/** The `webhook-signature` header for several secrets at once (a rotation's overlap): one signature each. */
export function signAll(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
  return secrets.map((secret) => sign(secret, id, timestampSeconds, body)).join(" ");
}

export type Verification = { ok: true } | { ok: false; reason: string };

/** Verifies against each of `secrets` (a rotation's overlap): one matching signature is enough. */
export function verifyAny(secrets: readonly string[], headers: { id?: string | null; timestamp?: string | null; signature?: string | null }, body: string, nowMs: number): Verification {
  let last: Verification = { ok: false, reason: "no signing secret" };
  for (const secret of secrets) {
    last = verify(secret, headers, body, nowMs);
    if (last.ok) return last;
  }
  return last;
}

export function verify(secret: string, headers: { id?: string | null; timestamp?: string | null; signature?: string | null }, body: string, nowMs: number): Verification {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: "webhook-id, webhook-timestamp and webhook-signature headers are required" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "webhook-timestamp must be Unix seconds" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS) return { ok: false, reason: "webhook-timestamp is more than 5 minutes away from the server's clock" };
  const expected = Buffer.from(sign(secret, id, Number(timestamp), body).slice(3), "base64");
  for (const candidate of signature.split(" ")) {
    const [version, value] = candidate.split(",", 2);
    if (version !== "v1" || !value) continue;
    const given = Buffer.from(value, "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: "no webhook-signature matches the body" };
}
