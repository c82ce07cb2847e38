// What an audit row shows of a change: the fields that differ, before and after, with secrets
// masked. A secret is never copied into the log: only whether it was set, and that it changed.
import { MASK, withoutCredentials } from "./write-only";

// Keys whose values are secrets wherever they appear (nested too), and header lists, whose
// values often carry credentials.
const SECRET_KEY = /secret|password|token|auth|credential|api[_-]?key|totp|hash|signature|cookie|^confirm$|^code$/i;
const HEADERS_KEY = /^headers$/i;
// Fields that move on their own (a bucket refilling, a clock): not a change anyone made.
const VOLATILE = new Set(["updated_at", "bucket_tokens", "bucket_updated_at", "last_used_at"]);
const CHANGED_SECRET = `${MASK} (changed)`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The value with every secret replaced by the mask (null and empty stay as they are). */
export function masked(value: unknown, secret = false): Json {
  if (value === undefined || value === null) return null;
  if (secret) return value === "" ? "" : MASK;
  if (Array.isArray(value)) return value.map((item) => masked(item));
  if (isObject(value)) {
    // A {name, value} pair (a header, a form field) hides its value when its name is a secret's.
    const pairSecret = typeof value.name === "string" && "value" in value && SECRET_KEY.test(value.name);
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !VOLATILE.has(key))
        .map(([key, item]) => [key, HEADERS_KEY.test(key) ? maskHeaders(item) : masked(item, SECRET_KEY.test(key) || (pairSecret && key === "value"))]),
    );
  }
  if (typeof value === "string") return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? withoutCredentials(value) : value;
  if (typeof value === "number" || typeof value === "boolean") return value;
  return String(value);
}

/** Header values, as a name → value object or a list of {name, value}: every value masked. */
function maskHeaders(headers: unknown): Json {
  if (isObject(headers)) return Object.fromEntries(Object.keys(headers).map((name) => [name, MASK]));
  if (Array.isArray(headers)) return headers.map((pair) => (isObject(pair) ? { ...(masked(pair) as Record<string, Json>), ...("value" in pair ? { value: MASK } : {}) } : MASK));
  return masked(headers);
}

/**
 * The change from `before` to `after` (null: did not exist). Of two objects, only the fields
 * that differ are kept; a secret that changed shows as changed, never as its value.
 */
export function changeOf(before: unknown, after: unknown): { before: Json; after: Json } {
  if (!isObject(before) || !isObject(after)) return { before: masked(before), after: masked(after) };
  const was: Record<string, Json> = {};
  const is: Record<string, Json> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (VOLATILE.has(key) || JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    const wrapped = masked({ [key]: before[key] }) as Record<string, Json>;
    const now = masked({ [key]: after[key] }) as Record<string, Json>;
    was[key] = wrapped[key] ?? null;
    // Masks alike on both sides would hide that a secret changed.
    is[key] = JSON.stringify(wrapped[key]) === JSON.stringify(now[key]) ? CHANGED_SECRET : (now[key] ?? null);
  }
  return { before: was, after: is };
}
