// Twilio's request signature (X-Twilio-Signature): base64 HMAC-SHA1, keyed with the auth
// token, of the full URL followed by every POST parameter's name and value, sorted by name.
// A repeated name contributes each of its distinct values, sorted, as Twilio's own helper
// libraries compute it (so a request they validate is valid here too).
import { createHmac, timingSafeEqual } from "node:crypto";

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function twilioSignature(authToken: string, url: string, params: [string, string][]): string {
  const values = new Map<string, Set<string>>();
  for (const [key, value] of params) {
    const set = values.get(key);
    if (set) set.add(value);
    else values.set(key, new Set([value]));
  }
  let data = url;
  for (const key of [...values.keys()].sort(byCodeUnit)) for (const value of [...values.get(key)!].sort(byCodeUnit)) data += key + value;
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

export function verifyTwilioSignature(authToken: string, url: string, params: [string, string][], signature: string | null): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
