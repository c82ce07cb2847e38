// The UChat-style subscriber API under /api: the paths, bodies and answers of UChat's hosted
// API, so companies' existing code works here with another base URL and token. A token scoped
// to a bot acts on that bot; an installation-wide token names the bot with `flow_ns` where one
// must be known. The /api/flow/… routes are in subscriber-flow.ts, the shapes in subscriber-json.ts.
import { Elysia, t } from "elysia";
import { documented, pageLimit } from "../../http/schema";
import { errors } from "../../http/errors";
import { coerceFieldValue } from "../../lib/coerce";
import { normaliseEmail, normalisePhone } from "../../lib/contact-identity";
import type { Bot, Bots } from "../bots/service";
import { type Contact, type Contacts } from "../contacts/service";
import type { Tags } from "../contacts/tags";
import type { CustomField, Fields } from "../fields/service";
import type { Webhooks } from "../inbound/service";
import { MAX_TAGS } from "../inbound/actions";
import type { Messages } from "../messages/service";
import type { ApiToken, Tokens } from "../tokens/service";
import { bearerAuth } from "../tokens/index";
import { scopeOf } from "../tokens/scope";
import { scopedContact } from "../contacts/index";
import type { LiveChat } from "./service";
import type { SubFlows } from "./subflows";
import {
  ChatMessageSchema, PageMetaSchema, SubscriberSchema, chatMessageJson, ok, okListSchema, okSchema, pageMeta, pageNumber, subscriberJson,
} from "./subscriber-json";

export interface SubscriberDeps {
  tokens: Tokens;
  bots: Bots;
  contacts: Contacts;
  fields: Fields;
  tags: Tags;
  messages: Messages;
  webhooks: Webhooks;
  subFlows: SubFlows;
  liveChat: LiveChat;
  publicUrl: () => string;
}

const userNs = t.String({ minLength: 1, maxLength: 64 });
export const flowNs = t.Optional(t.String({ minLength: 1, maxLength: 64, description: "The bot. Required with an installation-wide token (else 422 flow_ns_required)." }));
const MEDIA_TYPES = ["image", "file", "audio", "video"] as const;
/** UChat takes up to 20 items in one call. */
const batch = <T extends ReturnType<typeof t.Object> | ReturnType<typeof t.Union>>(item: T) => t.Array(item, { minItems: 1, maxItems: 20 });
const tagName = t.String({ minLength: 1, maxLength: 100 });
const gender = t.Optional(t.Nullable(t.UnionEnum(["male", "female"], { default: undefined, error: "gender must be male or female" })));
const contactNames = {
  name: t.Optional(t.String({ maxLength: 401, description: "The whole name: the first word becomes first_name, the rest last_name (unless those are given)." })),
  first_name: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
  last_name: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
  gender,
};

export function example(request: unknown, response: unknown) {
  return `Example request:\n\n\`\`\`json\n${JSON.stringify(request, null, 2)}\n\`\`\`\n\nExample response:\n\n\`\`\`json\n${JSON.stringify(response, null, 2)}\n\`\`\``;
}
const CONTACT_EXAMPLE = {
  user_ns: "u3k9x2m1q8w7e4r", user_id: "14155552671", flow_ns: "f1a2b3c4d5e", name: "Ada", first_name: "Ada", last_name: null, gender: null, phone: "+14155552671", email: null,
  subscribed: "2026-11-23 12:00:00", tags: [{ name: "lead", tag_ns: "t3" }], user_fields: [{ var_ns: "v12", name: "party_size", type: "number", var_type: "number", value: 4 }],
  fields: { party_size: 4 }, paused_until: null, assigned_agent_id: null, assigned_agent_name: null,
};
const MESSAGE_EXAMPLE = { id: 41, _id: "m8d7f6g5h4j3k2l1q", type: "out", msg_type: "text", content: "Hi! An agent here.", sender_id: "f1a2b3c4d5e", agent_id: 7, agent_name: null, ts: 1795435200, delivery_state: "pending" };

/** `name` split the way UChat stores it, unless the caller gave first_name or last_name. */
function splitName<T extends { name?: string; first_name?: string | null; last_name?: string | null }>(body: T) {
  const { name, ...rest } = body;
  const words = name?.trim().split(/\s+/).filter(Boolean) ?? [];
  if (words.length === 0 || rest.first_name !== undefined || rest.last_name !== undefined) return rest;
  return { ...rest, first_name: words[0]!, last_name: words.slice(1).join(" ") || null };
}

/** What the subscriber routes share: the bot a call is about, the contact, the answer shape. */
export function subscriberContext({ bots, contacts, fields, tags }: Pick<SubscriberDeps, "bots" | "contacts" | "fields" | "tags">) {
  const botFor = (token: ApiToken, flow?: string): Bot => {
    if (token.bot_id !== null) {
      const bot = bots.getById(token.bot_id)!;
      if (flow && flow !== bot.flow_ns) throw errors.notFound("bot", flow);
      return bot;
    }
    if (!flow) throw errors.flowNsRequired();
    return bots.get(flow);
  };
  const contactFor = (token: ApiToken, user: string): { contact: Contact; bot: Bot } => scopedContact(contacts, scopeOf(token), user);
  const viewOf = (bot: Bot) => ({ fields: fields.list(bot.id), tags: new Map(tags.list(bot.id).map((tag) => [tag.name, tag])) });
  const info = ({ contact, bot }: { contact: Contact; bot: Bot }) => subscriberJson(contact, bot, { ...viewOf(bot), values: contacts.fieldValues(contact.id) });
  /** A contact by its channel id: a phone in any format (or the bare digits of user_id), or an email. */
  const byUserId = (bot: Bot, userId: string): Contact => {
    const digits = /^\d{6,15}$/.test(userId.trim()) ? contacts.findByPhone(bot.id, `+${userId.trim()}`) : null;
    const phone = normalisePhone(userId, bot.default_country);
    const email = normaliseEmail(userId);
    const contact = digits ?? (phone.ok ? contacts.findByPhone(bot.id, phone.value) : null) ?? (email.ok ? contacts.findByEmail(bot.id, email.value) : null);
    if (!contact) throw errors.notFound("contact", userId);
    return contact;
  };
  const fieldByVarNs = (bot: Bot, varNs: string): CustomField => {
    const id = /^v(\d{1,15})$/.exec(varNs)?.[1];
    const field = fields.list(bot.id).find((f) => String(f.id) === id);
    if (!field) throw errors.notFound("custom field", varNs);
    return field;
  };
  return { botFor, contactFor, viewOf, info, byUserId, fieldByVarNs };
}

export function subscriberApi(deps: SubscriberDeps) {
  const { contacts, messages, liveChat, tags } = deps;
  const context = subscriberContext(deps);
  const { botFor, contactFor, info, byUserId, fieldByVarNs } = context;

  /** Writes custom field values by name, all or none, and answers the contact. */
  const setFields = (token: ApiToken, user: string, values: Record<string, unknown>) => {
    contactFor(token, user);
    return ok(info(contacts.update(user, { fields: values })));
  };
  /** Adds and removes tags by name, and answers the contact. */
  const retag = (token: ApiToken, user: string, add: string[], remove: string[]) => {
    const { contact } = contactFor(token, user);
    const removed = new Set(remove.map((name) => name.trim()));
    const next = new Set((JSON.parse(contact.tags) as string[]).filter((name) => !removed.has(name)));
    for (const name of add) next.add(name.trim());
    if (next.size > MAX_TAGS) throw errors.validation(`A contact carries at most ${MAX_TAGS} tags.`);
    return ok(info(contacts.update(user, { tags: [...next] })));
  };
  const tagNamesByNs = (token: ApiToken, user: string, nsList: string[]) => {
    const { bot } = contactFor(token, user);
    return nsList.map((ns) => tags.byNs(bot.id, ns).name);
  };
  const varNames = (token: ApiToken, user: string, nsList: string[]) => {
    const { bot } = contactFor(token, user);
    return nsList.map((ns) => fieldByVarNs(bot, ns).name);
  };
  const sendMessages = (token: ApiToken, user: string, inputs: Parameters<LiveChat["send"]>[2]) => {
    const { contact, bot } = contactFor(token, user);
    return liveChat.send(bot, contact, inputs).map((message) => chatMessageJson(message, contact, bot));
  };
  const subscriber = documented({ 200: okSchema(SubscriberSchema) });

  return new Elysia({ name: "subscriber-api", prefix: "/api", detail: { tags: ["Subscriber API (UChat-style)"] } })
    .use(bearerAuth({ tokens: deps.tokens }))
    // Sending
    .post("/subscriber/send-text", ({ body, apiToken }) => ok(sendMessages(apiToken, body.user_ns, [{ msgType: "text", content: body.content, payload: { text: body.content }, agentId: apiToken.agent_id }])[0]), {
      body: t.Object({ user_ns: userNs, content: t.String({ minLength: 1, maxLength: 4096 }) }),
      detail: { summary: "Send a text to the contact through the bot's channel", description: example({ user_ns: "u3k9x2m1q8w7e4r", content: "Hi! An agent here." }, { status: "ok", data: MESSAGE_EXAMPLE }), responses: documented({ 200: okSchema(ChatMessageSchema) }) },
    })
    .post("/subscriber/send-content", ({ body, apiToken }) => {
      const inputs = body.data.content.messages.map((m) => {
        if (m.type === "text") {
          if (!m.text) throw errors.validation("A text message needs 'text'.");
          return { msgType: "text", content: m.text, payload: { text: m.text }, agentId: apiToken.agent_id };
        }
        if (!m.url) throw errors.validation(`An ${m.type} message needs 'url'.`);
        return { msgType: m.type, content: m.url, payload: { url: m.url }, agentId: apiToken.agent_id };
      });
      return ok(sendMessages(apiToken, body.user_ns, inputs));
    }, {
      body: t.Object({
        user_ns: userNs,
        data: t.Object({
          version: t.Optional(t.Literal("v1")),
          content: t.Object({
            messages: t.Array(t.Object({ type: t.UnionEnum(["text", ...MEDIA_TYPES], { default: undefined }), text: t.Optional(t.String({ maxLength: 4096 })), url: t.Optional(t.String({ maxLength: 2048 })) }), { minItems: 1, maxItems: 10 }),
          }),
        }),
      }),
      detail: {
        summary: "Send text and media messages",
        description: example(
          { user_ns: "u3k9x2m1q8w7e4r", data: { version: "v1", content: { messages: [{ type: "text", text: "Here is the menu" }, { type: "image", url: "https://example.com/menu.png" }] } } },
          { status: "ok", data: [{ ...MESSAGE_EXAMPLE, content: "Here is the menu" }, { ...MESSAGE_EXAMPLE, id: 42, msg_type: "image", content: "https://example.com/menu.png" }] },
        ),
        responses: documented({ 200: okSchema(t.Array(ChatMessageSchema)) }),
      },
    })
    .post("/subscriber/send-sub-flow", ({ body, apiToken }) => {
      const { contact, bot } = contactFor(apiToken, body.user_ns);
      return ok(liveChat.runSubFlow(bot, contact, body.sub_flow_ns));
    }, {
      body: t.Object({ user_ns: userNs, sub_flow_ns: t.String({ minLength: 1, maxLength: 64 }) }),
      detail: { summary: "Run a saved sub-flow (action list) for the contact", description: example({ user_ns: "u3k9x2m1q8w7e4r", sub_flow_ns: "s4f5g6h7j8k9" }, { status: "ok", data: { notes: [] } }), responses: documented({ 200: okSchema(t.Object({ notes: t.Array(t.String()) })) }) },
    })
    .post("/subscriber/send-sub-flow-by-flow-name", ({ body, apiToken }) => {
      const { contact, bot } = contactFor(apiToken, body.user_ns);
      const flow = deps.subFlows.list(bot.id).find((candidate) => candidate.name === body.flow_name.trim());
      if (!flow) throw errors.notFound("sub-flow", body.flow_name);
      return ok(liveChat.runSubFlow(bot, contact, flow.sub_flow_ns));
    }, {
      body: t.Object({ user_ns: userNs, flow_name: t.String({ minLength: 1, maxLength: 100 }) }),
      detail: { summary: "Run the bot's sub-flow with this name for the contact", responses: documented({ 200: okSchema(t.Object({ notes: t.Array(t.String()) })) }) },
    })
    .post("/subscriber/send-sub-flow-by-user-id", ({ body, apiToken }) => {
      const bot = botFor(apiToken, body.flow_ns);
      return ok(liveChat.runSubFlow(bot, byUserId(bot, body.user_id), body.sub_flow_ns));
    }, {
      body: t.Object({ user_id: t.String({ minLength: 1, maxLength: 254 }), sub_flow_ns: t.String({ minLength: 1, maxLength: 64 }), flow_ns: flowNs }),
      detail: { summary: "Run a sub-flow for the contact with this phone (any format, or user_id's digits) or email", responses: documented({ 200: okSchema(t.Object({ notes: t.Array(t.String()) })) }) },
    })
    // Contacts
    .get("/subscribers", ({ query, apiToken }) => {
      const bot = botFor(apiToken, query.flow_ns);
      const field = query.user_field_ns ? fieldByVarNs(bot, query.user_field_ns) : null;
      const fieldValue = field ? coerceFieldValue(field.type, query.user_field_value ?? "") : null;
      if (fieldValue && !fieldValue.ok) throw errors.invalidFieldValue(field!.name, fieldValue.reason);
      const limit = query.limit ?? 50;
      const page = query.cursor ? undefined : (query.page ?? 1);
      const found = contacts.list(bot, {
        limit, cursor: query.cursor, page, q: query.q ?? query.name, phone: query.phone, email: query.email,
        tag: query.tag_ns ? tags.byNs(bot.id, query.tag_ns).name : undefined,
        field: field && fieldValue?.ok ? { id: field.id, value: JSON.stringify(fieldValue.value) } : undefined,
      });
      const view = context.viewOf(bot);
      const data = found.data.map((contact) => subscriberJson(contact, bot, { ...view, values: contacts.fieldValues(contact.id) }));
      const meta = page === undefined ? { next_cursor: found.next_cursor } : { ...pageMeta(page, limit, found.total!), next_cursor: found.next_cursor };
      return { status: "ok" as const, data, meta };
    }, {
      query: t.Object({
        flow_ns: flowNs,
        page: pageNumber(),
        limit: pageLimit(),
        cursor: t.Optional(t.String({ description: "meta.next_cursor of the previous page (instead of page)" })),
        q: t.Optional(t.String({ maxLength: 200, description: "Part of a name, phone or email, or the whole user_ns" })),
        name: t.Optional(t.String({ maxLength: 200, description: "As q (UChat's name search)" })),
        phone: t.Optional(t.String({ maxLength: 50, description: "This phone, in any format" })),
        email: t.Optional(t.String({ maxLength: 254 })),
        tag_ns: t.Optional(t.String({ maxLength: 32, description: "Only contacts carrying this tag" })),
        user_field_ns: t.Optional(t.String({ maxLength: 32, description: "Only contacts whose custom field (var_ns) holds user_field_value" })),
        user_field_value: t.Optional(t.String({ maxLength: 1000 })),
      }),
      detail: {
        summary: "List the bot's contacts, newest first: by page (meta.current_page, last_page, total) or by cursor (meta.next_cursor)",
        description: example("GET /api/subscribers?page=1&limit=50", { status: "ok", data: [CONTACT_EXAMPLE], meta: { current_page: 1, per_page: 50, total: 1, last_page: 1, next_cursor: null } }),
        responses: documented({ 200: okListSchema(SubscriberSchema, t.Object({ ...PageMetaSchema.properties, current_page: t.Optional(t.Integer()), per_page: t.Optional(t.Integer()), total: t.Optional(t.Integer()), last_page: t.Optional(t.Integer()), next_cursor: t.Nullable(t.String()) })) }),
      },
    })
    .get("/subscriber/get-info", ({ query, apiToken }) => ok(info(contactFor(apiToken, query.user_ns))), {
      query: t.Object({ user_ns: userNs }),
      detail: { summary: "A contact by user_ns", description: example("GET /api/subscriber/get-info?user_ns=u3k9x2m1q8w7e4r", { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber },
    })
    .get("/subscriber/get-info-by-user-id", ({ query, apiToken }) => {
      const bot = botFor(apiToken, query.flow_ns);
      return ok(info({ contact: byUserId(bot, query.user_id), bot }));
    }, {
      query: t.Object({ user_id: t.String({ minLength: 1, maxLength: 254 }), flow_ns: flowNs }),
      detail: { summary: "A contact by phone (any format, or user_id's digits) or email", description: example("GET /api/subscriber/get-info-by-user-id?user_id=14155552671", { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber },
    })
    .post("/subscriber/create", ({ body, apiToken, set }) => {
      const bot = botFor(apiToken, body.flow_ns);
      const contact = contacts.create(bot, splitName(body));
      set.status = 201;
      return ok(info({ contact, bot }));
    }, {
      body: t.Object({ flow_ns: flowNs, phone: t.Optional(t.String({ maxLength: 50 })), email: t.Optional(t.String({ maxLength: 254 })), ...contactNames }),
      detail: { summary: "Create a contact (a phone or an email is needed)", description: example({ phone: "+14155552671", name: "Ada Lovelace", gender: "female" }, { status: "ok", data: { ...CONTACT_EXAMPLE, name: "Ada Lovelace", last_name: "Lovelace", gender: "female" } }), responses: documented({ 201: okSchema(SubscriberSchema) }, { 409: "The bot has a contact with that phone or email (`contact_exists`)." }) },
    })
    .put("/subscriber/update", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      const { user_ns, ...patch } = body;
      return ok(info(contacts.update(user_ns, splitName(patch))));
    }, {
      body: t.Object({ user_ns: userNs, phone: t.Optional(t.Nullable(t.String({ maxLength: 50 }))), email: t.Optional(t.Nullable(t.String({ maxLength: 254 }))), ...contactNames }),
      detail: { summary: "Change a contact's name, gender, phone or email", description: example({ user_ns: "u3k9x2m1q8w7e4r", last_name: "Lovelace" }, { status: "ok", data: { ...CONTACT_EXAMPLE, name: "Ada Lovelace", last_name: "Lovelace" } }), responses: documented({ 200: okSchema(SubscriberSchema) }, { 409: "Another contact of the bot has that phone or email (`contact_exists`)." }) },
    })
    .delete("/subscriber/delete", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      contacts.remove(body.user_ns);
      return ok({ user_ns: body.user_ns, deleted: true });
    }, {
      body: t.Object({ user_ns: userNs }),
      detail: { summary: "Delete a contact with its messages and field values", description: example({ user_ns: "u3k9x2m1q8w7e4r" }, { status: "ok", data: { user_ns: "u3k9x2m1q8w7e4r", deleted: true } }), responses: documented({ 200: okSchema(t.Object({ user_ns: t.String(), deleted: t.Literal(true) })) }) },
    })
    // Custom fields
    .put("/subscriber/set-user-field", ({ body, apiToken }) => setFields(apiToken, body.user_ns, { [varNames(apiToken, body.user_ns, [body.var_ns])[0]!]: body.value }), {
      body: t.Object({ user_ns: userNs, var_ns: t.String({ maxLength: 32 }), value: t.Any() }),
      detail: { summary: "Set a custom field by its var_ns (coerced to its type)", description: example({ user_ns: "u3k9x2m1q8w7e4r", var_ns: "v12", value: 4 }, { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber },
    })
    .put("/subscriber/set-user-fields", ({ body, apiToken }) => {
      const names = varNames(apiToken, body.user_ns, body.data.map((item) => item.var_ns));
      return setFields(apiToken, body.user_ns, Object.fromEntries(body.data.map((item, i) => [names[i]!, item.value])));
    }, {
      body: t.Object({ user_ns: userNs, data: batch(t.Object({ var_ns: t.String({ maxLength: 32 }), value: t.Any() })) }),
      detail: { summary: "Set up to 20 custom fields by var_ns; all or none", description: example({ user_ns: "u3k9x2m1q8w7e4r", data: [{ var_ns: "v12", value: 4 }] }, { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber },
    })
    .put("/subscriber/set-user-field-by-name", ({ body, apiToken }) => setFields(apiToken, body.user_ns, { [body.field_name]: body.value }), {
      body: t.Object({ user_ns: userNs, field_name: t.String({ maxLength: 64 }), value: t.Any() }),
      detail: { summary: "Set a custom field by name (coerced to its type)", description: example({ user_ns: "u3k9x2m1q8w7e4r", field_name: "party_size", value: "4" }, { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber },
    })
    .put("/subscriber/set-user-fields-by-name", ({ body, apiToken }) => setFields(apiToken, body.user_ns, Object.fromEntries(body.data.map((item) => [item.name, item.value]))), {
      body: t.Object({ user_ns: userNs, data: t.Array(t.Object({ name: t.String({ maxLength: 64 }), value: t.Any() }), { maxItems: 100 }) }),
      detail: { summary: "Set several custom fields by name; all or none", description: example({ user_ns: "u3k9x2m1q8w7e4r", data: [{ name: "party_size", value: 4 }, { name: "plan", value: "gold" }] }, { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber },
    })
    .delete("/subscriber/clear-user-field", ({ body, apiToken }) => setFields(apiToken, body.user_ns, { [varNames(apiToken, body.user_ns, [body.var_ns])[0]!]: null }), {
      body: t.Object({ user_ns: userNs, var_ns: t.String({ maxLength: 32 }) }),
      detail: { summary: "Clear a custom field by var_ns", responses: subscriber },
    })
    .delete("/subscriber/clear-user-fields", ({ body, apiToken }) => setFields(apiToken, body.user_ns, Object.fromEntries(varNames(apiToken, body.user_ns, body.data.map((item) => item.var_ns)).map((name) => [name, null]))), {
      body: t.Object({ user_ns: userNs, data: batch(t.Object({ var_ns: t.String({ maxLength: 32 }) })) }),
      detail: { summary: "Clear up to 20 custom fields by var_ns", responses: subscriber },
    })
    .delete("/subscriber/clear-user-field-by-name", ({ body, apiToken }) => setFields(apiToken, body.user_ns, { [body.field_name]: null }), {
      body: t.Object({ user_ns: userNs, field_name: t.String({ maxLength: 64 }) }),
      detail: { summary: "Clear a custom field by name", description: example({ user_ns: "u3k9x2m1q8w7e4r", field_name: "party_size" }, { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber },
    })
    .delete("/subscriber/clear-user-fields-by-name", ({ body, apiToken }) => setFields(apiToken, body.user_ns, Object.fromEntries(body.data.map((item) => [item.name, null]))), {
      body: t.Object({ user_ns: userNs, data: batch(t.Object({ name: t.String({ maxLength: 64 }) })) }),
      detail: { summary: "Clear up to 20 custom fields by name", responses: subscriber },
    })
    // Tags
    .post("/subscriber/add-tag", ({ body, apiToken }) => retag(apiToken, body.user_ns, tagNamesByNs(apiToken, body.user_ns, [body.tag_ns]), []), {
      body: t.Object({ user_ns: userNs, tag_ns: t.String({ maxLength: 32 }) }),
      detail: { summary: "Add a tag by tag_ns", responses: subscriber },
    })
    .post("/subscriber/add-tags", ({ body, apiToken }) => retag(apiToken, body.user_ns, tagNamesByNs(apiToken, body.user_ns, body.data.map((item) => item.tag_ns)), []), {
      body: t.Object({ user_ns: userNs, data: batch(t.Object({ tag_ns: t.String({ maxLength: 32 }) })) }),
      detail: { summary: "Add up to 20 tags by tag_ns", responses: subscriber },
    })
    .post("/subscriber/add-tag-by-name", ({ body, apiToken }) => retag(apiToken, body.user_ns, [body.tag_name], []), {
      body: t.Object({ user_ns: userNs, tag_name: tagName }),
      detail: { summary: "Add a tag by name (created when new)", description: example({ user_ns: "u3k9x2m1q8w7e4r", tag_name: "vip" }, { status: "ok", data: { ...CONTACT_EXAMPLE, tags: [{ name: "lead", tag_ns: "t3" }, { name: "vip", tag_ns: "t4" }] } }), responses: subscriber },
    })
    .post("/subscriber/add-tags-by-name", ({ body, apiToken }) => retag(apiToken, body.user_ns, body.data.map((item) => (typeof item === "string" ? item : item.tag_name)), []), {
      body: t.Object({ user_ns: userNs, data: batch(t.Union([t.Object({ tag_name: tagName }), tagName])) }),
      detail: { summary: "Add up to 20 tags by name (created when new); items are {tag_name} or names", description: example({ user_ns: "u3k9x2m1q8w7e4r", data: [{ tag_name: "vip" }, { tag_name: "newsletter" }] }, { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber },
    })
    .delete("/subscriber/remove-tag", ({ body, apiToken }) => retag(apiToken, body.user_ns, [], tagNamesByNs(apiToken, body.user_ns, [body.tag_ns])), {
      body: t.Object({ user_ns: userNs, tag_ns: t.String({ maxLength: 32 }) }),
      detail: { summary: "Remove a tag by tag_ns", responses: subscriber },
    })
    .delete("/subscriber/remove-tags", ({ body, apiToken }) => retag(apiToken, body.user_ns, [], tagNamesByNs(apiToken, body.user_ns, body.data.map((item) => item.tag_ns))), {
      body: t.Object({ user_ns: userNs, data: batch(t.Object({ tag_ns: t.String({ maxLength: 32 }) })) }),
      detail: { summary: "Remove up to 20 tags by tag_ns", responses: subscriber },
    })
    .delete("/subscriber/remove-tag-by-name", ({ body, apiToken }) => retag(apiToken, body.user_ns, [], [body.tag_name]), {
      body: t.Object({ user_ns: userNs, tag_name: tagName }),
      detail: { summary: "Remove a tag by name", description: example({ user_ns: "u3k9x2m1q8w7e4r", tag_name: "vip" }, { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber },
    })
    .delete("/subscriber/remove-tags-by-name", ({ body, apiToken }) => retag(apiToken, body.user_ns, [], body.data.map((item) => (typeof item === "string" ? item : item.tag_name))), {
      body: t.Object({ user_ns: userNs, data: batch(t.Union([t.Object({ tag_name: tagName }), tagName])) }),
      detail: { summary: "Remove up to 20 tags by name; items are {tag_name} or names", responses: subscriber },
    })
    // Live chat
    .post("/subscriber/pause-bot", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      return ok(info(contacts.pause(body.user_ns, body.minutes ? body.minutes : null)));
    }, {
      body: t.Object({ user_ns: userNs, minutes: t.Optional(t.Nullable(t.Integer({ minimum: 0, maximum: 525_600 }))) }),
      detail: { summary: "Pause the bot: the contact's messages go to the integration webhook (absent or 0 minutes: until resumed)", description: example({ user_ns: "u3k9x2m1q8w7e4r", minutes: 30 }, { status: "ok", data: { ...CONTACT_EXAMPLE, paused_until: "2026-11-23T12:30:00.000Z" } }), responses: subscriber },
    })
    .post("/subscriber/resume-bot", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      return ok(info(contacts.resume(body.user_ns)));
    }, { body: t.Object({ user_ns: userNs }), detail: { summary: "Resume the bot", description: example({ user_ns: "u3k9x2m1q8w7e4r" }, { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber } })
    .post("/subscriber/assign-agent", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      return ok(info(contacts.assignAgent(body.user_ns, body.agent_id)));
    }, { body: t.Object({ user_ns: userNs, agent_id: t.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }), detail: { summary: "Assign an agent (shown as agent_id in relays)", description: example({ user_ns: "u3k9x2m1q8w7e4r", agent_id: 7 }, { status: "ok", data: { ...CONTACT_EXAMPLE, assigned_agent_id: 7 } }), responses: subscriber } })
    .post("/subscriber/unassign-agent", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      return ok(info(contacts.assignAgent(body.user_ns, null)));
    }, { body: t.Object({ user_ns: userNs }), detail: { summary: "Unassign the agent", description: example({ user_ns: "u3k9x2m1q8w7e4r" }, { status: "ok", data: CONTACT_EXAMPLE }), responses: subscriber } })
    .get("/subscriber/chat-messages", ({ query, apiToken }) => {
      if (!query.user_ns && !query.user_id) throw errors.validation("Name the contact with user_ns or user_id.");
      const { contact, bot } = query.user_ns ? contactFor(apiToken, query.user_ns) : (() => {
        const bot = botFor(apiToken, query.flow_ns);
        return { contact: byUserId(bot, query.user_id!), bot };
      })();
      return ok(messages.recent(contact.id, query.limit ?? 50).map((message) => chatMessageJson(message, contact, bot)));
    }, {
      query: t.Object({ user_ns: t.Optional(userNs), user_id: t.Optional(t.String({ minLength: 1, maxLength: 254, description: "Instead of user_ns: a phone or email" })), flow_ns: flowNs, limit: pageLimit() }),
      detail: { summary: "The conversation, newest first", description: example("GET /api/subscriber/chat-messages?user_ns=u3k9x2m1q8w7e4r&limit=20", { status: "ok", data: [{ ...MESSAGE_EXAMPLE, type: "in", sender_id: "u3k9x2m1q8w7e4r", agent_id: 0, content: "Hello?", delivery_state: "received" }] }), responses: documented({ 200: okSchema(t.Array(ChatMessageSchema)) }) },
    });
}
