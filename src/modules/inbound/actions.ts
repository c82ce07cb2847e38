// The actions a webhook runs after mapping (its "subflow"): validated when saved, run inside
// the request's transaction. Anything that goes over the network is only queued.
import { errors } from "../../http/errors";
import { coerceFieldValue } from "../../lib/coerce";
import { normaliseEmail, normalisePhone } from "../../lib/contact-identity";
import { bodyEncoder, hasPlaceholder, renderDeep, renderTemplate, renderUrl, urlTemplateProblem, type TemplateContext } from "../../lib/template";
import { sha256Hex } from "../../lib/ids";
import { parsePath, readAt } from "../../lib/json-path";
import { AppError } from "../../http/errors";
import type { Bot } from "../bots/service";
import { PAUSED_FOREVER, type Contact, type Contacts } from "../contacts/service";
import type { Credentials, Deliveries } from "../deliveries/service";
import { SYSTEM_FIELDS, type CustomField } from "../fields/service";
import type { Channels } from "../channels/service";
import type { StageTimes } from "../../lib/stage-times";
import { ConditionError, evaluateConditions, explainFailure, newBudget, validateConditions, type Budget, type Conditions } from "../../lib/conditions";

export type Action = (
  | { type: "send_text"; text: string }
  | { type: "add_tag"; tag: string }
  | { type: "remove_tag"; tag: string }
  | { type: "set_field"; field: string; value: string }
  | { type: "pause_bot"; minutes: number | null }
  | { type: "resume_bot" }
  | { type: "http_request"; url: string; method: string; headers: Record<string, string>; body: unknown; response?: ResponseConfig }
) & {
  /** Run this action only when the payload meets these (one webhook can branch like a subflow). */
  when?: Conditions;
};

/**
 * What an http_request does with its answer (see response-handling.ts): paths into the
 * response's JSON written to fields and added as tags on success, and follow-up actions by
 * outcome. Follow-ups make no HTTP requests of their own.
 */
export interface ResponseConfig {
  mappings: { path: string; field: string }[];
  tags: string[];
  on_success: Action[];
  on_client_error: Action[];
  on_server_error: Action[];
  on_failure: Action[];
}
const FOLLOW_UP_BRANCHES = ["on_success", "on_client_error", "on_server_error", "on_failure"] as const;

export const ACTION_TYPES = ["send_text", "add_tag", "remove_tag", "set_field", "pause_bot", "resume_bot", "http_request"] as const;
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

const invalid = errors.invalidAction;

/** What a contact may hold, as the API enforces it: a template's result is held to it too. */
export const MAX_TAG_LENGTH = 100;
export const MAX_TAGS = 200;
export const MAX_NAME_LENGTH = 200;
export const MAX_FIELD_TEXT_LENGTH = 4096;
const LINE_BREAK = /[\r\n\0]/;

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
    const action = validateAction(item as Record<string, unknown>, index, fieldsByName);
    const when = (item as { when?: unknown }).when;
    if (when === undefined || when === null) return action;
    try {
      return { ...action, when: validateConditions(when, `actions[${index}].when`)! };
    } catch (error) {
      if (error instanceof ConditionError) throw errors.invalidCondition(error.where, error.message);
      throw error;
    }
  });
}

function validateAction(action: Record<string, unknown>, index: number, fieldsByName: Map<string, CustomField>): Action {
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
      const problem = urlTemplateProblem(url);
      if (problem) throw invalid(index, `http_request 'url' ${problem}`);
      const method = String(action.method ?? "POST").toUpperCase();
      if (!HTTP_METHODS.includes(method)) throw invalid(index, `http_request 'method' must be one of ${HTTP_METHODS.join(", ")}`);
      const headers = action.headers ?? {};
      if (typeof headers !== "object" || Array.isArray(headers) || Object.values(headers as object).some((v) => typeof v !== "string")) {
        throw invalid(index, "http_request 'headers' is an object of string values");
      }
      for (const [name, value] of Object.entries(headers as Record<string, string>)) {
        if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw invalid(index, `'${name}' is not a valid header name`);
        if (LINE_BREAK.test(value)) throw invalid(index, `the value of header '${name}' may not contain line breaks`);
      }
      const response = action.response === undefined || action.response === null ? undefined : validateResponse(action.response, index, fieldsByName);
      return { type: "http_request", url, method, headers: headers as Record<string, string>, body: action.body ?? null, ...(response ? { response } : {}) };
    }
    default:
      throw invalid(index, `unknown type '${String(action.type)}'; use one of ${ACTION_TYPES.join(", ")}`);
  }
}

function validateResponse(raw: unknown, index: number, fieldsByName: Map<string, CustomField>): ResponseConfig {
  const refuse = (part: string, message: string) => invalid(index, `response${part}: ${message}`);
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw refuse("", "an object with mappings, tags, on_success, on_client_error, on_server_error, on_failure");
  const given = raw as Record<string, unknown>;
  const list = (key: string, max: number): unknown[] => {
    const value = given[key] ?? [];
    if (!Array.isArray(value)) throw refuse(`.${key}`, "a list");
    if (value.length > max) throw refuse(`.${key}`, `at most ${max}`);
    return value;
  };
  const path = (value: unknown, part: string): string => {
    const parsed = typeof value === "string" ? parsePath(value) : null;
    if (!parsed?.ok) throw refuse(part, `'${String(value)}' is not a path into the response's JSON${parsed && !parsed.ok ? ` (${parsed.reason})` : ""}`);
    return (value as string).trim();
  };
  const mappings = list("mappings", 20).map((item, i) => {
    const mapping = (item ?? {}) as { path?: unknown; field?: unknown };
    const field = typeof mapping.field === "string" ? mapping.field.trim() : "";
    if (!fieldsByName.has(field) && !(SYSTEM_FIELDS as readonly string[]).includes(field)) throw refuse(`.mappings[${i}].field`, `this bot has no field named '${field}'`);
    return { path: path(mapping.path, `.mappings[${i}].path`), field };
  });
  const tags = list("tags", 10).map((item, i) => path(item, `.tags[${i}]`));
  const branches = Object.fromEntries(
    FOLLOW_UP_BRANCHES.map((branch) => {
      const actions = list(branch, 10);
      actions.forEach((action, i) => {
        if ((action as { type?: unknown } | null)?.type === "http_request") throw refuse(`.${branch}[${i}]`, "a follow-up makes no HTTP request of its own");
      });
      try {
        return [branch, validateActions(actions, fieldsByName)];
      } catch (error) {
        // Named from the action down: actions[0]: response.on_success[1]: …
        if (error instanceof AppError && error.code === "invalid_action") throw invalid(index, `response.${branch}${error.message.replace(/^actions/, "").replace(/\.$/, "")}`);
        throw error;
      }
    }),
  ) as Pick<ResponseConfig, (typeof FOLLOW_UP_BRANCHES)[number]>;
  return { mappings, tags, ...branches };
}

export interface ActionDeps {
  contacts: Contacts;
  channels: Channels;
  deliveries: Deliveries;
  now: () => number;
  /** The receiver counts where its time goes (see lib/stage-times). */
  stages?: StageTimes;
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
  /**
   * Where the actions are saved (`webhook:12`, `subflow:3`): a request's configured header
   * values stay there and are read again when it is sent, never copied into the queue.
   */
  savedIn: string | null;
  /** The request's regex budget, shared by its conditions and its actions' (lib/conditions). */
  budget: Budget;
}

type ContactColumn = "phone" | "email" | "first_name" | "last_name" | "tags" | "paused_until";

/** A run's starting state for a contact: `stored` false for one identification just created. */
export function newRun(bot: Bot, contact: Contact, stored: boolean, fieldsByName: Map<string, CustomField>, payload: unknown, notes: string[] = [], savedIn: string | null = null, budget = newBudget()): ActionRun {
  return { bot, contact, stored, changed: new Set(), pendingFields: new Map(), fieldsByName, payload, notes, written: {}, savedIn, budget };
}

type HttpRequest = Extract<Action, { type: "http_request" }>;

/** Tells a saved http_request apart from one edited since a delivery was queued from it. */
const fingerprint = (action: HttpRequest) => sha256Hex(JSON.stringify([action.url, action.method, Object.keys(action.headers).sort()])).slice(0, 16);

/** Header values written in the action itself (no placeholder): the owner's secrets. */
const configuredHeaders = (action: HttpRequest) => Object.fromEntries(Object.entries(action.headers).filter(([, value]) => !hasPlaceholder(value)));

/** The saved http_request a delivery was queued from (`index:fingerprint`), unless changed or removed since. */
export function savedAction(actions: Action[] | null, ref: string): HttpRequest | null {
  const [index, print] = ref.split(":");
  const action = actions?.[Number(index)];
  return action && action.type === "http_request" && fingerprint(action) === print ? action : null;
}

/**
 * The configured header values of the action a delivery was queued from, as saved now: the
 * credential source for http_request deliveries.
 */
export function actionCredentials(actions: Action[] | null, ref: string): Credentials {
  const action = savedAction(actions, ref);
  if (!action) return { ok: false, reason: "the action that queued it was changed or removed; its configured headers are not sent" };
  return { ok: true, headers: configuredHeaders(action), secret: null };
}

// What a request sets on its contact is kept in memory and written once, by storeContact: a new
// lead with a name, a tag and two fields is one INSERT and two field rows, and an UPDATE names
// only the columns that changed (each named column costs its index an update).
export function change(run: ActionRun, values: Partial<Pick<Contact, ContactColumn>>): void {
  for (const [key, value] of Object.entries(values) as [ContactColumn, never][]) {
    if (run.contact[key] === value) continue;
    run.contact = { ...run.contact, [key]: value };
    run.changed.add(key);
  }
}

/** Inserts or updates the contact's row and its pending field values; returns the stored contact. */
export function storeContact(run: ActionRun, deps: ActionDeps): Contact {
  const writeRow = () => {
    if (!run.stored) run.contact = deps.contacts.insertRow(run.contact);
    else if (run.changed.size > 0) run.contact = deps.contacts.updateColumns(run.contact, [...run.changed]);
  };
  const writeValues = () => {
    for (const [fieldId, { value }] of run.pendingFields) deps.contacts.setFieldValue(run.contact.id, fieldId, value);
  };
  if (deps.stages) {
    deps.stages.time("contact_write", writeRow);
    deps.stages.time("field_values", writeValues);
  } else {
    writeRow();
    writeValues();
  }
  run.stored = true;
  run.changed.clear();
  run.pendingFields.clear();
  return run.contact;
}

/** `readFields` false leaves the stored field values out (a template that names none). */
export function templateContext(run: ActionRun, deps: ActionDeps, readFields = true): TemplateContext {
  const contact = run.contact;
  const fields = run.stored && readFields ? deps.contacts.fieldValues(contact.id) : {};
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
    if (action.when) {
      const check = evaluateConditions(action.when, run.payload, run.budget);
      if (!check.holds) return void run.notes.push(`actions[${index}] ${action.type}: skipped, its condition did not hold (${explainFailure(action.when, check.results)})`);
    }
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
        if (action.type === "add_tag" && tag) {
          if (tag.length > MAX_TAG_LENGTH) return void run.notes.push(`actions[${index}] add_tag: the tag is longer than ${MAX_TAG_LENGTH} characters; not added`);
          if (!tags.has(tag) && tags.size >= MAX_TAGS) return void run.notes.push(`actions[${index}] add_tag: the contact has ${MAX_TAGS} tags already; not added`);
          tags.add(tag);
        } else tags.delete(tag);
        change(run, { tags: JSON.stringify([...tags]) });
        return;
      }
      case "set_field": {
        const value = renderTemplate(action.value, context);
        if (value.length > MAX_FIELD_TEXT_LENGTH) return void run.notes.push(`actions[${index}] set_field ${action.field}: the value is longer than ${MAX_FIELD_TEXT_LENGTH} characters; not set`);
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
        // Configured header values stay in the saved action (read again when sending); only
        // those rendered from the request are stored with the delivery.
        const byReference = run.savedIn !== null;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(action.headers)) {
          if (!byReference || hasPlaceholder(value)) headers[name] = renderTemplate(value, context);
        }
        const contentType = Object.entries(action.headers).find(([name]) => name.toLowerCase() === "content-type")?.[1];
        let body: string | null = null;
        if (action.body !== null && action.method !== "GET") {
          body = typeof action.body === "string" ? renderTemplate(action.body, context, bodyEncoder(contentType, action.body)) : JSON.stringify(renderDeep(action.body, context));
          if (typeof action.body !== "string" && contentType === undefined) headers["content-type"] = "application/json";
        }
        const target = renderUrl(action.url, context);
        const brokenHeader = Object.entries(headers).find(([, value]) => LINE_BREAK.test(value))?.[0];
        const failure = !target.ok ? target.reason : brokenHeader ? `the value rendered into header '${brokenHeader}' has a line break` : null;
        if (failure) run.notes.push(`actions[${index}] http_request: not sent: ${failure}`);
        deps.deliveries.enqueue({
          kind: "http_request",
          // One contact's requests go out in the order they were made (its messages and relays
          // keep orders of their own, so a slow CRM does not hold a chat).
          orderingKey: `http:${storeContact(run, deps).id}`,
          botId: run.bot.id,
          targetUrl: target.url,
          method: action.method,
          headers,
          body,
          secretRef: byReference ? `${run.savedIn}:${index}:${fingerprint(action)}` : null,
          failure: failure && `not sent: ${failure}`,
        });
        return;
      }
    }
  });
  storeContact(run, deps);
}

/**
 * Writes the values the mappings' paths find in `source` into the run's contact; what is
 * missing or cannot be stored is noted, named with `label` ("mapping", "response").
 */
export function writeMappings(mappings: readonly { path: string; field: string }[], source: unknown, label: string, run: ActionRun, deps: ActionDeps): void {
  for (const mapping of mappings) {
    const value = readAt(source, mapping.path);
    if (value === undefined) {
      run.notes.push(`${label} ${mapping.path} → ${mapping.field}: nothing at that path`);
      continue;
    }
    const skipped = writeField(mapping.field, value, run, deps);
    if (skipped) run.notes.push(`${label} ${mapping.path} → ${skipped}; skipped`);
  }
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
    if (value !== null && value.length > MAX_NAME_LENGTH) return `${field}: longer than ${MAX_NAME_LENGTH} characters`;
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
