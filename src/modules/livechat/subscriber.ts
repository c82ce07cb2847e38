// The UChat-style subscriber API under /api: the paths and bodies hosted chatbot platforms use,
// so companies' existing code works here. A token scoped to a bot acts on that bot; an
// installation-wide token names the bot with `flow_ns` where one must be known.
import { Elysia, t } from "elysia";
import { pageLimit } from "../../http/schema";
import { AppError, errors } from "../../http/errors";
import { FIELD_TYPES } from "../../lib/coerce";
import { normaliseEmail, normalisePhone } from "../../lib/contact-identity";
import type { Bot, Bots } from "../bots/service";
import { contactToJson, type Contact, type Contacts } from "../contacts/service";
import type { Fields } from "../fields/service";
import type { Webhooks } from "../inbound/service";
import { messageToJson, type Messages } from "../messages/service";
import type { ApiToken, Tokens } from "../tokens/service";
import { bearerAuth } from "../tokens/index";
import { scopeOf } from "../tokens/scope";
import { scopedContact } from "../contacts/index";
import type { LiveChat } from "./service";

export interface SubscriberDeps {
  tokens: Tokens;
  bots: Bots;
  contacts: Contacts;
  fields: Fields;
  messages: Messages;
  webhooks: Webhooks;
  liveChat: LiveChat;
  publicUrl: () => string;
}

const ok = <T>(data: T) => ({ status: "ok" as const, data });
const userNs = t.String({ minLength: 1, maxLength: 64 });
const flowNs = t.Optional(t.String({ maxLength: 64, description: "Required with an installation-wide token." }));
const MEDIA_TYPES = ["image", "file", "audio", "video"] as const;

function example(request: unknown, response: unknown) {
  return `Example request:\n\n\`\`\`json\n${JSON.stringify(request, null, 2)}\n\`\`\`\n\nExample response:\n\n\`\`\`json\n${JSON.stringify(response, null, 2)}\n\`\`\``;
}
const CONTACT_EXAMPLE = { user_ns: "u3k9x2m1q8w7e4r", flow_ns: "f1a2b3c4d5e", first_name: "Ada", last_name: null, phone: "+14155552671", email: null, tags: ["lead"], fields: { party_size: 4 }, paused_until: null, assigned_agent_id: null };

export function subscriberApi(deps: SubscriberDeps) {
  const { bots, contacts, fields, messages, webhooks, liveChat } = deps;

  const botFor = (token: ApiToken, flow?: string): Bot => {
    if (token.bot_id !== null) {
      const bot = bots.getById(token.bot_id)!;
      if (flow && flow !== bot.flow_ns) throw errors.notFound("bot", flow);
      return bot;
    }
    if (!flow) throw new AppError(422, "flow_ns_required", "This token is not scoped to a bot: name the bot with flow_ns.");
    return bots.get(flow);
  };
  const contactFor = (token: ApiToken, user: string): { contact: Contact; bot: Bot } => scopedContact(contacts, scopeOf(token), user);
  const info = ({ contact, bot }: { contact: Contact; bot: Bot }) => contactToJson(contact, bot, contacts.fieldValues(contact.id));
  const setField = (token: ApiToken, user: string, name: string, value: unknown) => {
    const found = contactFor(token, user);
    contacts.update(user, { fields: { [name]: value } });
    return info(contacts.get(found.contact.user_ns));
  };

  return new Elysia({ prefix: "/api", detail: { tags: ["Subscriber API (UChat-style)"] } })
    .use(bearerAuth({ tokens: deps.tokens }))
    // Sending
    .post("/subscriber/send-text", ({ body, apiToken }) => {
      const { contact, bot } = contactFor(apiToken, body.user_ns);
      const [message] = liveChat.send(bot, contact, [{ msgType: "text", content: body.content, payload: { text: body.content }, agentId: apiToken.agent_id }]);
      return ok(messageToJson(message!));
    }, {
      body: t.Object({ user_ns: userNs, content: t.String({ minLength: 1, maxLength: 4096 }) }),
      detail: { summary: "Send a text to the contact through the bot's channel", description: example({ user_ns: "u3k9x2m1q8w7e4r", content: "Hi! An agent here." }, { status: "ok", data: { _id: "m8d7f6g5h4j3k2l1q", type: "out", msg_type: "text", content: "Hi! An agent here.", delivery_state: "pending" } }) },
    })
    .post("/subscriber/send-content", ({ body, apiToken }) => {
      const { contact, bot } = contactFor(apiToken, body.user_ns);
      const inputs = body.data.content.messages.map((m) => {
        if (m.type === "text") {
          if (!m.text) throw new AppError(422, "validation_failed", "A text message needs 'text'.");
          return { msgType: "text", content: m.text, payload: { text: m.text }, agentId: apiToken.agent_id };
        }
        if (!m.url) throw new AppError(422, "validation_failed", `An ${m.type} message needs 'url'.`);
        return { msgType: m.type, content: m.url, payload: { url: m.url }, agentId: apiToken.agent_id };
      });
      return ok(liveChat.send(bot, contact, inputs).map(messageToJson));
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
          { status: "ok", data: [{ _id: "m1", msg_type: "text" }, { _id: "m2", msg_type: "image" }] },
        ),
      },
    })
    .post("/subscriber/send-sub-flow", ({ body, apiToken }) => {
      const { contact, bot } = contactFor(apiToken, body.user_ns);
      return ok(liveChat.runSubFlow(bot, contact, body.sub_flow_ns));
    }, { body: t.Object({ user_ns: userNs, sub_flow_ns: t.String() }), detail: { summary: "Run a saved sub-flow (action list) for the contact", description: example({ user_ns: "u3k9x2m1q8w7e4r", sub_flow_ns: "s4f5g6h7j8k9" }, { status: "ok", data: { notes: [] } }) } })
    // Contacts
    .get("/subscribers", ({ query, apiToken }) => {
      const bot = botFor(apiToken, query.flow_ns);
      const page = contacts.list(bot, { limit: query.limit ?? 50, cursor: query.cursor, q: query.q });
      return { status: "ok" as const, data: page.data.map((c) => info({ contact: c, bot })), meta: { next_cursor: page.next_cursor } };
    }, {
      query: t.Object({ flow_ns: flowNs, q: t.Optional(t.String({ maxLength: 200 })), limit: pageLimit(), cursor: t.Optional(t.String()) }),
      detail: { summary: "List the bot's contacts, newest first (meta.next_cursor pages)", description: example("GET /api/subscribers?limit=50", { status: "ok", data: [CONTACT_EXAMPLE], meta: { next_cursor: null } }) },
    })
    .get("/subscriber/get-info", ({ query, apiToken }) => ok(info(contactFor(apiToken, query.user_ns))), {
      query: t.Object({ user_ns: userNs }),
      detail: { summary: "A contact by user_ns", description: example("GET /api/subscriber/get-info?user_ns=u3k9x2m1q8w7e4r", { status: "ok", data: CONTACT_EXAMPLE }) },
    })
    .get("/subscriber/get-info-by-user-id", ({ query, apiToken }) => {
      const bot = botFor(apiToken, query.flow_ns);
      const phone = normalisePhone(query.user_id, bot.default_country);
      const email = normaliseEmail(query.user_id);
      const contact = (phone.ok ? contacts.findByPhone(bot.id, phone.value) : null) ?? (email.ok ? contacts.findByEmail(bot.id, email.value) : null);
      if (!contact) throw errors.notFound("contact", query.user_id);
      return ok(info({ contact, bot }));
    }, {
      query: t.Object({ user_id: t.String({ minLength: 1, maxLength: 254 }), flow_ns: flowNs }),
      detail: { summary: "A contact by phone (any format) or email", description: example("GET /api/subscriber/get-info-by-user-id?user_id=%2B14155552671", { status: "ok", data: CONTACT_EXAMPLE }) },
    })
    .post("/subscriber/create", ({ body, apiToken, set }) => {
      const bot = botFor(apiToken, body.flow_ns);
      const contact = contacts.create(bot, body);
      set.status = 201;
      return ok(info({ contact, bot }));
    }, {
      body: t.Object({ flow_ns: flowNs, phone: t.Optional(t.String({ maxLength: 50 })), email: t.Optional(t.String({ maxLength: 254 })), first_name: t.Optional(t.String({ maxLength: 200 })), last_name: t.Optional(t.String({ maxLength: 200 })) }),
      detail: { summary: "Create a contact", description: example({ phone: "+14155552671", first_name: "Ada" }, { status: "ok", data: CONTACT_EXAMPLE }) },
    })
    .put("/subscriber/update", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      const { user_ns, ...patch } = body;
      return ok(info(contacts.update(user_ns, patch)));
    }, {
      body: t.Object({ user_ns: userNs, phone: t.Optional(t.Nullable(t.String({ maxLength: 50 }))), email: t.Optional(t.Nullable(t.String({ maxLength: 254 }))), first_name: t.Optional(t.Nullable(t.String({ maxLength: 200 }))), last_name: t.Optional(t.Nullable(t.String({ maxLength: 200 }))) }),
      detail: { summary: "Change a contact's names, phone or email", description: example({ user_ns: "u3k9x2m1q8w7e4r", last_name: "Lovelace" }, { status: "ok", data: { ...CONTACT_EXAMPLE, last_name: "Lovelace" } }) },
    })
    .delete("/subscriber/delete", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      contacts.remove(body.user_ns);
      return ok({ user_ns: body.user_ns, deleted: true });
    }, { body: t.Object({ user_ns: userNs }), detail: { summary: "Delete a contact with its messages and field values", description: example({ user_ns: "u3k9x2m1q8w7e4r" }, { status: "ok", data: { user_ns: "u3k9x2m1q8w7e4r", deleted: true } }) } })
    // Fields and tags
    .put("/subscriber/set-user-field", ({ body, apiToken }) => {
      const { bot } = contactFor(apiToken, body.user_ns);
      const id = /^v(\d+)$/.exec(body.var_ns)?.[1];
      const field = fields.list(bot.id).find((f) => String(f.id) === id);
      if (!field) throw errors.notFound("custom field", body.var_ns);
      return ok(setField(apiToken, body.user_ns, field.name, body.value));
    }, { body: t.Object({ user_ns: userNs, var_ns: t.String(), value: t.Any() }), detail: { summary: "Set a custom field by its var_ns", description: example({ user_ns: "u3k9x2m1q8w7e4r", var_ns: "v12", value: 4 }, { status: "ok", data: CONTACT_EXAMPLE }) } })
    .put("/subscriber/set-user-field-by-name", ({ body, apiToken }) => ok(setField(apiToken, body.user_ns, body.field_name, body.value)), {
      body: t.Object({ user_ns: userNs, field_name: t.String(), value: t.Any() }),
      detail: { summary: "Set a custom field by name (coerced to its type)", description: example({ user_ns: "u3k9x2m1q8w7e4r", field_name: "party_size", value: "4" }, { status: "ok", data: CONTACT_EXAMPLE }) },
    })
    .put("/subscriber/set-user-fields-by-name", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      return ok(info(contacts.update(body.user_ns, { fields: Object.fromEntries(body.data.map((item) => [item.name, item.value])) })));
    }, {
      body: t.Object({ user_ns: userNs, data: t.Array(t.Object({ name: t.String(), value: t.Any() }), { maxItems: 100 }) }),
      detail: { summary: "Set several custom fields by name; all or none", description: example({ user_ns: "u3k9x2m1q8w7e4r", data: [{ name: "party_size", value: 4 }, { name: "plan", value: "gold" }] }, { status: "ok", data: CONTACT_EXAMPLE }) },
    })
    .delete("/subscriber/clear-user-field-by-name", ({ body, apiToken }) => ok(setField(apiToken, body.user_ns, body.field_name, null)), {
      body: t.Object({ user_ns: userNs, field_name: t.String() }),
      detail: { summary: "Clear a custom field", description: example({ user_ns: "u3k9x2m1q8w7e4r", field_name: "party_size" }, { status: "ok", data: CONTACT_EXAMPLE }) },
    })
    .post("/subscriber/add-tag-by-name", ({ body, apiToken }) => {
      const { contact } = contactFor(apiToken, body.user_ns);
      const tags = new Set(JSON.parse(contact.tags) as string[]).add(body.tag_name.trim());
      return ok(info(contacts.update(body.user_ns, { tags: [...tags] })));
    }, { body: t.Object({ user_ns: userNs, tag_name: t.String({ minLength: 1, maxLength: 100 }) }), detail: { summary: "Add a tag", description: example({ user_ns: "u3k9x2m1q8w7e4r", tag_name: "vip" }, { status: "ok", data: { ...CONTACT_EXAMPLE, tags: ["lead", "vip"] } }) } })
    .delete("/subscriber/remove-tag-by-name", ({ body, apiToken }) => {
      const { contact } = contactFor(apiToken, body.user_ns);
      const tags = (JSON.parse(contact.tags) as string[]).filter((tag) => tag !== body.tag_name.trim());
      return ok(info(contacts.update(body.user_ns, { tags })));
    }, { body: t.Object({ user_ns: userNs, tag_name: t.String({ minLength: 1, maxLength: 100 }) }), detail: { summary: "Remove a tag", description: example({ user_ns: "u3k9x2m1q8w7e4r", tag_name: "vip" }, { status: "ok", data: CONTACT_EXAMPLE }) } })
    .get("/flow/user-fields", ({ query, apiToken }) => ok(fields.list(botFor(apiToken, query.flow_ns).id).map((f) => ({ var_ns: `v${f.id}`, name: f.name, var_type: f.type }))), {
      query: t.Object({ flow_ns: flowNs }),
      detail: { summary: "The bot's custom fields", description: example("GET /api/flow/user-fields", { status: "ok", data: [{ var_ns: "v12", name: "party_size", var_type: "number" }] }) },
    })
    .post("/flow/create-user-field", ({ body, apiToken, set }) => {
      const bot = botFor(apiToken, body.flow_ns);
      const field = fields.create(bot.id, { name: body.name, type: body.var_type as never });
      set.status = 201;
      return ok({ var_ns: `v${field.id}`, name: field.name, var_type: field.type });
    }, {
      body: t.Object({ flow_ns: flowNs, name: t.String({ pattern: "^[A-Za-z][A-Za-z0-9_]{0,63}$", error: "name must be letters, digits and _, starting with a letter" }), var_type: t.UnionEnum(FIELD_TYPES as unknown as [string, ...string[]], { default: undefined, error: `var_type must be one of: ${FIELD_TYPES.join(", ")}` }) }),
      detail: { summary: "Create a custom field", description: example({ name: "party_size", var_type: "number" }, { status: "ok", data: { var_ns: "v12", name: "party_size", var_type: "number" } }) },
    })
    .get("/flow/tags", ({ query, apiToken }) => ok(contacts.tags(botFor(apiToken, query.flow_ns).id).map((name) => ({ name }))), {
      query: t.Object({ flow_ns: flowNs }),
      detail: { summary: "Tags in use on the bot's contacts", description: example("GET /api/flow/tags", { status: "ok", data: [{ name: "lead" }] }) },
    })
    .get("/flow/inbound-webhooks", ({ query, apiToken }) => {
      const bot = botFor(apiToken, query.flow_ns);
      return ok(webhooks.listForBot(bot.id).map((w) => ({ id: w.id, name: w.name, url: `${deps.publicUrl()}/hooks/${w.token}`, active: w.active === 1 })));
    }, { query: t.Object({ flow_ns: flowNs }), detail: { summary: "The bot's inbound webhooks", description: example("GET /api/flow/inbound-webhooks", { status: "ok", data: [{ id: 1, name: "Website form", url: "https://hub.example.com/hooks/…", active: true }] }) } })
    // Live chat
    .post("/subscriber/pause-bot", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      return ok(info(contacts.pause(body.user_ns, body.minutes ? body.minutes : null)));
    }, {
      body: t.Object({ user_ns: userNs, minutes: t.Optional(t.Nullable(t.Integer({ minimum: 0, maximum: 525_600 }))) }),
      detail: { summary: "Pause the bot: the contact's messages go to the integration webhook (absent or 0 minutes: until resumed)", description: example({ user_ns: "u3k9x2m1q8w7e4r", minutes: 30 }, { status: "ok", data: { ...CONTACT_EXAMPLE, paused_until: "2026-11-23T12:30:00.000Z" } }) },
    })
    .post("/subscriber/resume-bot", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      return ok(info(contacts.resume(body.user_ns)));
    }, { body: t.Object({ user_ns: userNs }), detail: { summary: "Resume the bot", description: example({ user_ns: "u3k9x2m1q8w7e4r" }, { status: "ok", data: CONTACT_EXAMPLE }) } })
    .post("/subscriber/assign-agent", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      return ok(info(contacts.assignAgent(body.user_ns, body.agent_id)));
    }, { body: t.Object({ user_ns: userNs, agent_id: t.Integer({ minimum: 1 }) }), detail: { summary: "Assign an agent (shown as agent_id in relays)", description: example({ user_ns: "u3k9x2m1q8w7e4r", agent_id: 7 }, { status: "ok", data: { ...CONTACT_EXAMPLE, assigned_agent_id: 7 } }) } })
    .post("/subscriber/unassign-agent", ({ body, apiToken }) => {
      contactFor(apiToken, body.user_ns);
      return ok(info(contacts.assignAgent(body.user_ns, null)));
    }, { body: t.Object({ user_ns: userNs }), detail: { summary: "Unassign the agent", description: example({ user_ns: "u3k9x2m1q8w7e4r" }, { status: "ok", data: CONTACT_EXAMPLE }) } })
    .get("/subscriber/chat-messages", ({ query, apiToken }) => {
      const { contact } = contactFor(apiToken, query.user_ns);
      return ok(messages.recent(contact.id, query.limit ?? 50).map(messageToJson));
    }, {
      query: t.Object({ user_ns: userNs, limit: pageLimit() }),
      detail: { summary: "The conversation, newest first", description: example("GET /api/subscriber/chat-messages?user_ns=u3k9x2m1q8w7e4r&limit=20", { status: "ok", data: [{ _id: "m1", type: "in", msg_type: "text", content: "Hello?", delivery_state: "received" }] }) },
    });
}
