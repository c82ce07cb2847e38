// Reading and parsing bodies that come from outside systems: bounded in size, nesting and
// encoding, and turned into a plain object (JSON or form-encoded).
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;
/** The API's and the admin's bodies: settings, actions and examples, never bulk data. */
export const MAX_API_BODY_BYTES = 1024 * 1024;
export const MAX_JSON_DEPTH = 64;

export type ReadBody = { ok: true; bytes: Uint8Array } | { ok: false; tooLarge: true; bytes: Uint8Array };

/** Reads a body of at most `max` bytes; a longer one is not read further (and not buffered). */
export async function readBodyCapped(request: Request, max: number): Promise<ReadBody> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) return { ok: false, tooLarge: true, bytes: new Uint8Array() };
  // With a Content-Length the server has already held the body to that length: read it whole.
  if (request.body && request.headers.has("content-length") && Number.isFinite(declared)) return { ok: true, bytes: await request.bytes() };
  return readStreamCapped(request.body, max);
}

/**
 * The first `max` bytes of a stream (a request's or a response's body), and whether there was
 * more; reading stops there and the rest is cancelled, never buffered.
 */
export async function readStreamCapped(stream: ReadableStream<Uint8Array> | null, max: number): Promise<ReadBody> {
  if (!stream) return { ok: true, bytes: new Uint8Array() };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return { ok: false, tooLarge: true, bytes: concat(chunks, max) };
    }
  }
  return { ok: true, bytes: concat(chunks, size) };
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(Math.min(size, chunks.reduce((n, c) => n + c.byteLength, 0)));
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= out.length) break;
    out.set(chunk.subarray(0, out.length - offset), offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** A form may carry this many name=value pairs, and repeat one name this often. */
export const MAX_FORM_FIELDS = 10_000;
export const MAX_FORM_REPEATS = 1_000;

/**
 * A form as an object; a repeated name becomes an array, as forms with several choices send
 * it. Linear in the body: values are collected per name, each array built once.
 */
function parseForm(text: string): ParsedBody {
  const byName = new Map<string, string[]>();
  let fields = 0;
  for (const [name, item] of new URLSearchParams(text)) {
    if (++fields > MAX_FORM_FIELDS) return invalidBody(`The form has more than ${MAX_FORM_FIELDS} fields.`);
    const values = byName.get(name);
    if (!values) byName.set(name, [item]);
    else if (values.push(item) > MAX_FORM_REPEATS) return invalidBody(`The form repeats '${name.slice(0, 40)}' more than ${MAX_FORM_REPEATS} times.`);
  }
  const value: Record<string, unknown> = {};
  for (const [name, values] of byName) {
    // defineProperty: a field named __proto__ is a field, not the object's prototype.
    Object.defineProperty(value, name, { value: values.length === 1 ? values[0] : values, enumerable: true, writable: true, configurable: true });
  }
  return { ok: true, value };
}

/** Why a body was refused, with the status and error code every surface answers it with. */
export type BodyFailure =
  | { ok: false; status: 400; code: "invalid_json" | "invalid_body"; reason: string }
  | { ok: false; status: 413; code: "payload_too_large"; reason: string }
  | { ok: false; status: 415; code: "unsupported_media_type"; reason: string };
export type ParsedBody = { ok: true; value: Record<string, unknown> } | BodyFailure;

const invalidBody = (reason: string): BodyFailure => ({ ok: false, status: 400, code: "invalid_body", reason });
export const tooLarge = (maxBytes: number): BodyFailure => ({ ok: false, status: 413, code: "payload_too_large", reason: `The body is larger than ${maxBytes / 1024} KiB.` });
export const notUtf8: BodyFailure = invalidBody("The body is not valid UTF-8.");

/** How deep brackets nest, counted on the text so a hostile body never reaches the parser. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

type BodyKind = "json" | "form" | { unsupported: string };

/** JSON (also text/plain and +json types, or no type), a form, or a type no surface takes. */
function kindOf(contentType: string | null): BodyKind {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return "form";
  if (type === "" || type === "application/json" || type === "text/plain" || type.endsWith("+json")) return "json";
  return { unsupported: type };
}

const unsupported = (type: string): BodyFailure => ({
  ok: false,
  status: 415,
  code: "unsupported_media_type",
  reason: `Content type '${type}' is not accepted: send JSON (application/json) or a form (application/x-www-form-urlencoded).`,
});

/** Any JSON value, bounded in depth; malformed JSON is `invalid_json` on every surface. */
function parseJson(text: string): { ok: true; value: unknown } | BodyFailure {
  if (jsonDepth(text) > MAX_JSON_DEPTH) return invalidBody(`The JSON nests deeper than ${MAX_JSON_DEPTH} levels.`);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, status: 400, code: "invalid_json", reason: `The body is not valid JSON (${(error as Error).message}).` };
  }
}

/** A webhook's or a channel's body: a JSON object or a form. */
export function parseObjectBody(text: string, contentType: string | null): ParsedBody {
  const kind = kindOf(contentType);
  if (kind === "form") return parseForm(text);
  if (typeof kind === "object") return unsupported(kind.unsupported);
  if (text.trim() === "") return invalidBody("The body is empty: send a JSON object.");
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return invalidBody(`The body must be a JSON object, not ${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`}.`);
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Whether an API or admin request's body may be parsed: within MAX_API_BODY_BYTES, UTF-8, JSON
 * (any value: the route's schema judges its shape) or a form within the form caps. Empty is fine.
 */
export async function checkRequestBody(request: Request): Promise<{ ok: true } | BodyFailure> {
  const kind = kindOf(request.headers.get("content-type"));
  const read = await readBodyCapped(request, MAX_API_BODY_BYTES);
  if (!read.ok) return tooLarge(MAX_API_BODY_BYTES);
  if (read.bytes.length === 0) return { ok: true };
  if (typeof kind === "object") return unsupported(kind.unsupported);
  const decoded = decodeUtf8(read.bytes);
  if (!decoded.ok) return notUtf8;
  const parsed = kind === "form" ? parseForm(decoded.text) : decoded.text.trim() === "" ? { ok: true as const } : parseJson(decoded.text);
  return parsed.ok ? { ok: true } : parsed;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");

export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; text: string } {
  try {
    return { ok: true, text: strictUtf8.decode(bytes) };
  } catch {
    return { ok: false, text: lenientUtf8.decode(bytes) };
  }
}
