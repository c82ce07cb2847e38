// The actions a webhook runs after mapping (its "subflow"): validated when saved, run inside
// the request's transaction. Anything that goes over the network is only queued.
import { AppError } from "../../http/errors";
import { coerceFieldValue } from "../../lib/coerce";
import { normaliseEmail, normalisePhone } from "../../lib/contact-identity";
import { renderDeep, renderTemplate, type TemplateContext } from "../../lib/template";
import type { Bot } from "../bots/service";
import { PAUSED_FOREVER, type Contact, type Contacts } from "../contacts/service";
import type { Deliveries } from "../deliveries/service";
import { SYSTEM_FIELDS, type CustomField } from "../fields/service";
import type { Channels } from "../channels/service";

export type Action =
  | { type: "send_text"; text: string }
  | { type: "add_tag"; tag: string }
  | { type: "remove_tag"; tag: string }
  | { type: "set_field"; field: string; value: string }
  | { type: "pause_bot"; minutes: number | null }
  | { type: "resume_bot" }
  | { type: "http_request"; url: string; method: string; headers: Record<string, string>; body: unknown };

export const ACTION_TYPES = ["send_text", "add_tag", "remove_tag", "set_field", "pause_bot", "resume_bot", "http_request"] as const;
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

const invalid = (index: number, message: string) => new AppError(422, "invalid_action", `actions[${index}]: ${message}.`);

function text(raw: Record<string, unknown>, key: string, index: number, max = 4096): string {
  const value = raw[key];
  if (typeof value !== "string" || value.trim() === "") throw invalid(index, `${raw.type} needs '${key}' (a non-empty string)`);
  if (value.length > max) throw invalid(index, `'${key}' is longer than ${max} characters`);
  return value;
}

/** Checks and normalises the actions a client sent; the message names the broken one. */
export function validateActions(raw: unknown[], fieldsByName: Map<string, CustomField>): Action[] {
  return raw.map((item, index): Action => {
    if (!item || typeof item !== "object" || Array.isArray(item)) throw invalid(index, "an action is an object with a 'type'");
    const action = item as Record<string, unknown>;
    switch (action.type) {
      case "send_text":
        return { type: "send_text", text: text(action, "text", index) };
      case "add_tag":
      case "remove_tag":
        return { type: action.type, tag: text(action, "tag", index, 100).trim() };
      case "set_field": {
        const field = text(action, "field", index, 64);
        if (!fieldsByName.has(field) && !(SYSTEM_FIELDS as readonly string[]).includes(field)) throw invalid(index, `this bot has no field named '${field}'`);
        const value = action.value;
        if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") throw invalid(index, "set_field needs 'value' (a string template, number or boolean)");
        return { type: "set_field", field, value: String(value) };
      }
      case "pause_bot": {
        const minutes = action.minutes ?? null;
        if (minutes !== null && (!Number.isInteger(minutes) || (minutes as number) < 1 || (minutes as number) > 525_600)) {
          throw invalid(index, "pause_bot 'minutes' is a whole number from 1 to 525600, or null for until resumed");
        }
        return { type: "pause_bot", minutes: minutes as number | null };
      }
      case "resume_bot":
        return { type: "resume_bot" };
      case "http_request": {
        const url = text(action, "url", index, 2048).trim();
        if (!/^https?:\/\/[^\s/]/i.test(url)) throw invalid(index, "http_request 'url' must start with http:// or https://");
        const method = String(action.method ?? "POST").toUpperCase();
        if (!HTTP_METHODS.includes(method)) throw invalid(index, `http_request 'method' must be one of ${HTTP_METHODS.join(", ")}`);
        const headers = action.headers ?? {};
        if (typeof headers !== "object" || Array.isArray(headers) || Object.values(headers as object).some((v) => typeof v !== "string")) {
          throw invalid(index, "http_request 'headers' is an object of string values");
        }
        for (const name of Object.keys(headers as object)) if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw invalid(index, `'${name}' is not a valid header name`);
        return { type: "http_request", url, method, headers: headers as Record<string, string>, body: action.body ?? null };
      }
      default:
        throw invalid(index, `unknown type '${String(action.type)}'; use one of ${ACTION_TYPES.join(", ")}`);
    }
  });
}

export interface ActionDeps {
  contacts: Contacts;
  channels: Channels;
  deliveries: Deliveries;
  now: () => number;
}

export interface ActionRun {
  bot: Bot;
  /** The contact as the run has left it so far; the source of truth until it is stored. */
  contact: Contact;
  /** False for a new contact until its row is inserted. */
  stored: boolean;
  /** Its own columns changed since the row was last written (and which). */
  changed: Set<ContactColumn>;
  /** Custom field values set but not written yet, by field id. */
  pendingFields: Map<number, { name: string; value: unknown }>;
  fieldsByName: Map<string, CustomField>;
  payload: unknown;
  notes: string[];
  written: Record<string, unknown>;
}

type ContactColumn = "phone" | "email" | "first_name" | "last_name" | "tags" | "paused_until";

/** A run's starting state for a contact: `stored` false for one identification just created. */
export function newRun(bot: Bot, contact: Contact, stored: boolean, fieldsByName: Map<string, CustomField>, payload: unknown, notes: string[] = []): ActionRun {
  return { bot, contact, stored, changed: new Set(), pendingFields: new Map(), fieldsByName, payload, notes, written: {} };
}

// What a request sets on its contact is kept in memory and written once, by storeContact: a new
// lead with a name, a tag and two fields is one INSERT and two field rows, and an UPDATE names
// only the columns that changed (each named column costs its index an update).
function change(run: ActionRun, values: Partial<Pick<Contact, ContactColumn>>): void {
  for (const [key, value] of Object.entries(values) as [ContactColumn, never][]) {
    if (run.contact[key] === value) continue;
    run.contact = { ...run.contact, [key]: value };
    run.changed.add(key);
  }
}

/** Inserts or updates the contact's row and its pending field values; returns the stored contact. */
export function storeContact(run: ActionRun, deps: ActionDeps): Contact {
  if (!run.stored) run.contact = deps.contacts.insertRow(run.contact);
  else if (run.changed.size > 0) run.contact = deps.contacts.updateColumns(run.contact, [...run.changed]);
  run.stored = true;
  run.changed.clear();
  for (const [fieldId, { value }] of run.pendingFields) deps.contacts.setFieldValue(run.contact.id, fieldId, value);
  run.pendingFields.clear();
  return run.contact;
}

function templateContext(run: ActionRun, deps: ActionDeps): TemplateContext {
  const contact = run.contact;
  const fields = run.stored ? deps.contacts.fieldValues(contact.id) : {};
  for (const { name, value } of run.pendingFields.values()) {
    if (value === null) delete fields[name];
    else fields[name] = value;
  }
  return {
    contact: { user_ns: contact.user_ns, first_name: contact.first_name, last_name: contact.last_name, phone: contact.phone, email: contact.email },
    fields,
    payload: run.payload,
  };
}

/** Runs the actions in order (a failing one is noted and the rest still run), then stores the contact. */
export function runActions(actions: Action[], run: ActionRun, deps: ActionDeps): void {
  actions.forEach((action, index) => {
    // Built only when a template has a placeholder: it reads the contact's field values.
    let built: TemplateContext | null = null;
    const context = () => (built ??= templateContext(run, deps));
    switch (action.type) {
      case "send_text": {
        const content = renderTemplate(action.text, context);
        if (!content.trim()) {
          run.notes.push(`actions[${index}] send_text: the text rendered empty; nothing sent`);
          return;
        }
        const message = deps.channels.sendOut(run.bot, storeContact(run, deps), { msgType: "text", content, payload: { text: content } });
        if (message.delivery_state === "failed") run.notes.push(`actions[${index}] send_text: the contact has no phone for this channel; not sent`);
        return;
      }
      case "add_tag":
      case "remove_tag": {
        const tag = renderTemplate(action.tag, context).trim();
        const tags = new Set(JSON.parse(run.contact.tags) as string[]);
        if (action.type === "add_tag" && tag) tags.add(tag);
        else tags.delete(tag);
        change(run, { tags: JSON.stringify([...tags]) });
        return;
      }
      case "set_field": {
        const value = renderTemplate(action.value, context);
        const outcome = writeField(action.field, value, run, deps);
        if (outcome) run.notes.push(`actions[${index}] set_field ${outcome}`);
        return;
      }
      case "pause_bot":
        change(run, { paused_until: action.minutes === null ? PAUSED_FOREVER : deps.now() + action.minutes * 60_000 });
        return;
      case "resume_bot":
        change(run, { paused_until: null });
        return;
      case "http_request": {
        const headers = Object.fromEntries(Object.entries(action.headers).map(([name, value]) => [name, renderTemplate(value, context)]));
        let body: string | null = null;
        if (action.body !== null && action.method !== "GET") {
          body = typeof action.body === "string" ? renderTemplate(action.body, context) : JSON.stringify(renderDeep(action.body, context));
          if (typeof action.body !== "string" && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
        }
        deps.deliveries.enqueue({ kind: "http_request", botId: run.bot.id, targetUrl: renderTemplate(action.url, context), method: action.method, headers, body });
        return;
      }
    }
  });
  storeContact(run, deps);
}

/**
 * Writes one value into a system or custom field of the run's contact, coerced to its type.
 * Returns a note when the value was skipped, or null when it was written.
 */
export function writeField(field: string, raw: unknown, run: ActionRun, deps: ActionDeps): string | null {
  if (field === "first_name" || field === "last_name") {
    const coerced = coerceFieldValue("text", raw);
    if (!coerced.ok) return `${field}: ${coerced.reason}`;
    const value = (coerced.value as string | null)?.trim() || null;
    change(run, { [field]: value });
    run.written[field] = value;
    return null;
  }
  if (field === "phone" || field === "email") {
    const normalised = field === "phone" ? normalisePhone(raw, run.bot.default_country) : normaliseEmail(raw);
    if (!normalised.ok) return `${field}: ${normalised.reason}`;
    const owner = field === "phone" ? deps.contacts.findByPhone(run.bot.id, normalised.value) : deps.contacts.findByEmail(run.bot.id, normalised.value);
    if (owner && owner.user_ns !== run.contact.user_ns) return `${field}: ${normalised.value} belongs to another contact (${owner.user_ns}); not changed`;
    change(run, { [field]: normalised.value });
    run.written[field] = normalised.value;
    return null;
  }
  const custom = run.fieldsByName.get(field);
  if (!custom) return `${field}: the field no longer exists`;
  const coerced = coerceFieldValue(custom.type, raw);
  if (!coerced.ok) return `${field}: ${coerced.reason}`;
  run.pendingFields.set(custom.id, { name: custom.name, value: coerced.value });
  run.written[field] = coerced.value;
  return null;
}
