// `{{name}}` templates for action texts, URLs and bodies. A name is a contact's system field
// (first_name, last_name, phone, email, user_ns), a custom field, or `payload.<path>` into the
// request body. A missing value renders as an empty string.
import { readAt } from "./json-path";

export interface TemplateContext {
  contact: Record<string, unknown>;
  fields: Record<string, unknown>;
  payload: unknown;
}

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

function lookup(name: string, context: TemplateContext): unknown {
  if (name === "payload") return context.payload;
  if (name.startsWith("payload.") || name.startsWith("payload[")) return readAt(context.payload, name.slice("payload".length).replace(/^\./, ""));
  if (Object.hasOwn(context.fields, name)) return context.fields[name];
  if (Object.hasOwn(context.contact, name)) return context.contact[name];
  return undefined;
}

/** `context` may be a function: it is then called only when the template has a placeholder. */
export function renderTemplate(template: string, context: TemplateContext | (() => TemplateContext)): string {
  let resolved: TemplateContext | null = null;
  return template.replace(PLACEHOLDER, (_, name: string) => {
    resolved ??= typeof context === "function" ? context() : context;
    const value = lookup(name, resolved);
    if (value === undefined || value === null) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
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
