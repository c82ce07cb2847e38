// `{{name}}` templates for action texts, URLs and bodies. A name is a contact's system field
// (first_name, last_name, phone, email, user_ns), a custom field, or `payload.<path>` into the
// request body. A missing value renders as an empty string. Values are hostile: each is
// encoded for where it lands (a URL's path or query, a JSON string, a form, XML), and none may
// choose a URL's scheme, host or port.
import { readAt } from "./json-path";

export interface TemplateContext {
  contact: Record<string, unknown>;
  fields: Record<string, unknown>;
  payload: unknown;
}

/** Turns one rendered value into text that is safe where the template puts it. */
export type Encoder = (value: string) => string;

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;
const asIs: Encoder = (value) => value;

function lookup(name: string, context: TemplateContext): unknown {
  if (name === "payload") return context.payload;
  if (name.startsWith("payload.") || name.startsWith("payload[")) return readAt(context.payload, name.slice("payload".length).replace(/^\./, ""));
  if (Object.hasOwn(context.fields, name)) return context.fields[name];
  if (Object.hasOwn(context.contact, name)) return context.contact[name];
  return undefined;
}

export const hasPlaceholder = (template: string) => template.search(PLACEHOLDER) !== -1;

/** The names a template's placeholders read, e.g. ["first_name", "payload.order.id"]. */
export const placeholderNames = (template: string): string[] => [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!);

/** `context` may be a function: it is then called only when the template has a placeholder. */
export function renderTemplate(template: string, context: TemplateContext | (() => TemplateContext), encode: Encoder = asIs): string {
  let resolved: TemplateContext | null = null;
  return template.replace(PLACEHOLDER, (_, name: string) => {
    resolved ??= typeof context === "function" ? context() : context;
    const value = lookup(name, resolved);
    if (value === undefined || value === null) return "";
    return encode(typeof value === "object" ? JSON.stringify(value) : String(value));
  });
}

const SOLE_PLACEHOLDER = /^\s*\{\{\s*([^{}]+?)\s*\}\}\s*$/;

/**
 * When `template` is one placeholder and nothing else, the value it names as it is (undefined
 * or null when missing); otherwise `placeholder` is false.
 */
export function readPlaceholder(template: string, context: TemplateContext | (() => TemplateContext)): { placeholder: boolean; value?: unknown } {
  const name = SOLE_PLACEHOLDER.exec(template)?.[1];
  if (name === undefined) return { placeholder: false };
  return { placeholder: true, value: lookup(name, typeof context === "function" ? context() : context) };
}

/** Renders every string inside a JSON value (keys stay as written). */
export function renderDeep(value: unknown, context: TemplateContext | (() => TemplateContext)): unknown {
  if (typeof value === "string") return renderTemplate(value, context);
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, context));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, context)]));
  }
  return value;
}

// scheme://userinfo@host:port: the part of a URL template that only the owner writes.
const URL_ORIGIN = /^https?:\/\/[^/?#]*/i;

/** Why a URL template cannot be saved, or null when it can. */
export function urlTemplateProblem(template: string): string | null {
  const origin = URL_ORIGIN.exec(template)?.[0];
  if (!origin) return "must start with http:// or https://";
  if (hasPlaceholder(origin) || origin.includes("{{")) return "may not have placeholders in its scheme, host or port (use them in the path or query)";
  try {
    new URL(template.replace(PLACEHOLDER, "x"));
  } catch {
    return "is not a valid URL";
  }
  return null;
}

export type RenderedUrl = { ok: true; url: string } | { ok: false; url: string; reason: string };

/**
 * A URL template rendered with every value percent-encoded, so a value is one piece of a path
 * segment or query value: it cannot add segments, walk up with `..`, start a query or reach
 * another host. A template whose origin holds a placeholder (saved before this rule) is refused.
 */
export function renderUrl(template: string, context: TemplateContext | (() => TemplateContext)): RenderedUrl {
  const origin = URL_ORIGIN.exec(template)?.[0] ?? "";
  let reason: string | null = hasPlaceholder(origin) ? "the URL template has a placeholder in its host" : null;
  const rest = renderTemplate(template.slice(origin.length), context, (value) => {
    const encoded = encodeURIComponent(value);
    // Alone in a segment, "." and ".." would be read as path steps, encoded or not.
    if (encoded === "." || encoded === "..") reason ??= `a value rendered into the URL is '${encoded}'`;
    return encoded;
  });
  const url = origin + rest;
  try {
    new URL(url);
  } catch {
    reason ??= "the rendered URL is not valid";
  }
  return reason ? { ok: false, url, reason } : { ok: true, url };
}

const escapeJsonString: Encoder = (value) => JSON.stringify(value).slice(1, -1);
export const escapeXml: Encoder = (value) => value.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);

/**
 * How values are encoded in a text body, by its content type (or, without one, by how the
 * template starts): JSON-escaped for JSON, so a value stays inside its string; form-encoded
 * for forms; XML-escaped for XML; as they are otherwise.
 */
export function bodyEncoder(contentType: string | undefined, template: string): Encoder {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json") || (!type && /^\s*[[{"]/.test(template))) return escapeJsonString;
  if (type === "application/x-www-form-urlencoded") return encodeURIComponent;
  if (type.endsWith("/xml") || type.endsWith("+xml") || (!type && /^\s*</.test(template))) return escapeXml;
  return asIs;
}
