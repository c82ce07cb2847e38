// A webhook's own answer to its caller (n8n's "Respond to Webhook"): a status and a JSON body
// template rendered after the run, so a web form or a partner system gets back what it needs.
import { placeholderNames, readPlaceholder, renderTemplate, type TemplateContext } from "../../lib/template";

export const REPLY_STATUSES = [200, 201, 202] as const;
export interface Reply {
  status: (typeof REPLY_STATUSES)[number];
  body: unknown;
}

const MAX_REPLY_BYTES = 16 * 1024;

/** Why a reply cannot be saved (`where` is the part at fault), or the reply as stored. */
export function validateReply(raw: unknown): { ok: true; reply: Reply | null } | { ok: false; where: string; message: string } {
  if (raw === null) return { ok: true, reply: null };
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { ok: false, where: "reply", message: "is an object with 'status' and 'body', or null for the default answer" };
  const { status = 200, body } = raw as { status?: unknown; body?: unknown };
  if (!(REPLY_STATUSES as readonly unknown[]).includes(status)) return { ok: false, where: "reply.status", message: `is one of ${REPLY_STATUSES.join(", ")}` };
  if (body === undefined) return { ok: false, where: "reply.body", message: "is the JSON to answer with; strings in it may hold {{placeholders}}" };
  if (JSON.stringify(body).length > MAX_REPLY_BYTES) return { ok: false, where: "reply.body", message: `is at most ${MAX_REPLY_BYTES} bytes of JSON` };
  return { ok: true, reply: { status: status as Reply["status"], body } };
}

/**
 * Renders every string of the body. A string that is one placeholder and nothing else takes the
 * value as it is (a number stays a number, tags stay a list); a missing value renders as "".
 * Keys stay as written.
 */
export function renderReply(body: unknown, context: TemplateContext | (() => TemplateContext)): unknown {
  if (typeof body === "string") {
    const whole = readPlaceholder(body, context);
    if (whole.placeholder) return whole.value ?? "";
    return renderTemplate(body, context);
  }
  if (Array.isArray(body)) return body.map((item) => renderReply(item, context));
  if (body && typeof body === "object") return Object.fromEntries(Object.entries(body).map(([key, item]) => [key, renderReply(item, context)]));
  return body;
}

const namesByBody = new WeakMap<object, Set<string>>();

/** Every placeholder name in the reply's strings (worked out once per saved reply). */
export function replyNames(reply: Reply): Set<string> {
  let names = namesByBody.get(reply);
  if (!names) {
    names = new Set();
    const visit = (value: unknown): void => {
      if (typeof value === "string") for (const name of placeholderNames(value)) names!.add(name);
      else if (value && typeof value === "object") for (const item of Object.values(value)) visit(item);
    };
    visit(reply.body);
    namesByBody.set(reply, names);
  }
  return names;
}
