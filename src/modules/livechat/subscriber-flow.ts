// The UChat-style /api/flow/… routes: a bot's custom fields, tags, sub-flows, inbound webhooks
// and contact counts. Lists page by `page` and `limit` (all at once without either) and filter
// by part of a `name`.
import { Elysia, t } from "elysia";
import { documented, pageLimit } from "../../http/schema";
import { errors } from "../../http/errors";
import { tagToJson } from "../contacts/tags";
import { FIELD_TYPES } from "../../lib/coerce";
import { bearerAuth } from "../tokens/index";
import { example, flowNs, subscriberContext, type SubscriberDeps } from "./subscriber";
import { FieldDefinitionSchema, SubFlowSchema, TagSchema, ok, okListSchema, okSchema, pageNumber, pageSlice } from "./subscriber-json";

const listQuery = t.Object({ flow_ns: flowNs, page: pageNumber(), limit: pageLimit(), name: t.Optional(t.String({ maxLength: 200, description: "Only items whose name contains this" })) });
const InboundWebhookSchema = t.Object({
  id: t.Integer(),
  name: t.String(),
  hook_uid: t.String({ description: "The webhook's token (the last part of url)" }),
  sub_flow_ns: t.Null({ description: "Always null: a webhook runs its own actions" }),
  status: t.UnionEnum(["active", "inactive"]),
  active: t.Boolean(),
  url: t.String(),
}, { title: "InboundWebhook" });
const CONTACT_STATES = ["open", "pending", "spam", "done"] as const;

export function subscriberFlowApi(deps: SubscriberDeps) {
  const { contacts, fields, tags, subFlows, webhooks } = deps;
  const { botFor, fieldByVarNs } = subscriberContext(deps);
  const fieldJson = (field: { id: number; name: string; type: string }) => ({ var_ns: `v${field.id}`, name: field.name, var_type: field.type });

  return new Elysia({ name: "subscriber-flow-api", prefix: "/api", detail: { tags: ["Subscriber API (UChat-style)"] } })
    .use(bearerAuth({ tokens: deps.tokens }))
    .get("/flow/user-fields", ({ query, apiToken }) => ({ status: "ok" as const, ...pageSlice(fields.list(botFor(apiToken, query.flow_ns).id).map(fieldJson), query, (field) => field.name) }), {
      query: listQuery,
      detail: { summary: "The bot's custom fields", description: example("GET /api/flow/user-fields", { status: "ok", data: [{ var_ns: "v12", name: "party_size", var_type: "number" }], meta: { current_page: 1, per_page: 1, total: 1, last_page: 1 } }), responses: documented({ 200: okListSchema(FieldDefinitionSchema) }) },
    })
    .post("/flow/create-user-field", ({ body, apiToken, set }) => {
      const bot = botFor(apiToken, body.flow_ns);
      set.status = 201;
      return ok(fieldJson(fields.create(bot.id, { name: body.name, type: body.var_type as never })));
    }, {
      body: t.Object({
        flow_ns: flowNs,
        name: t.String({ pattern: "^[A-Za-z][A-Za-z0-9_]{0,63}$", error: "name must be letters, digits and _, starting with a letter" }),
        var_type: t.UnionEnum(FIELD_TYPES as unknown as [string, ...string[]], { default: undefined, error: `var_type must be one of: ${FIELD_TYPES.join(", ")}` }),
      }),
      detail: { summary: "Create a custom field", description: example({ name: "party_size", var_type: "number" }, { status: "ok", data: { var_ns: "v12", name: "party_size", var_type: "number" } }), responses: documented({ 201: okSchema(FieldDefinitionSchema) }, { 409: "The bot has a field with that name, or it is a system field (`field_exists`)." }) },
    })
    .delete("/flow/delete-user-field", ({ body, apiToken }) => {
      const bot = botFor(apiToken, body.flow_ns);
      const field = fieldByVarNs(bot, body.var_ns);
      fields.remove(bot.id, field.id);
      return ok(fieldJson(field));
    }, {
      body: t.Object({ flow_ns: flowNs, var_ns: t.String({ maxLength: 32 }) }),
      detail: { summary: "Delete a custom field by var_ns, with every contact's value", responses: documented({ 200: okSchema(FieldDefinitionSchema) }) },
    })
    .delete("/flow/delete-user-field-by-name", ({ body, apiToken }) => {
      const bot = botFor(apiToken, body.flow_ns);
      const field = fields.byName(bot.id).get(body.name.trim());
      if (!field) throw errors.notFound("custom field", body.name);
      fields.remove(bot.id, field.id);
      return ok(fieldJson(field));
    }, {
      body: t.Object({ flow_ns: flowNs, name: t.String({ minLength: 1, maxLength: 64 }) }),
      detail: { summary: "Delete a custom field by name, with every contact's value", responses: documented({ 200: okSchema(FieldDefinitionSchema) }) },
    })
    .get("/flow/tags", ({ query, apiToken }) => ({ status: "ok" as const, ...pageSlice(tags.list(botFor(apiToken, query.flow_ns).id).map(tagToJson), query, (tag) => tag.name) }), {
      query: listQuery,
      detail: { summary: "The bot's tags: every tag a contact has carried or create-tag made, until deleted", description: example("GET /api/flow/tags?page=1&limit=100", { status: "ok", data: [{ name: "lead", tag_ns: "t3" }], meta: { current_page: 1, per_page: 100, total: 1, last_page: 1 } }), responses: documented({ 200: okListSchema(TagSchema) }) },
    })
    .post("/flow/create-tag", ({ body, apiToken, set }) => {
      const { tag, created } = tags.ensure(botFor(apiToken, body.flow_ns).id, body.name);
      set.status = created ? 201 : 200;
      return ok(tagToJson(tag));
    }, {
      body: t.Object({ flow_ns: flowNs, name: t.String({ minLength: 1, maxLength: 100 }) }),
      detail: { summary: "Create a tag (201); an existing name answers that tag (200)", description: example({ name: "vip" }, { status: "ok", data: { name: "vip", tag_ns: "t4" } }), responses: documented({ 200: okSchema(TagSchema), 201: okSchema(TagSchema) }) },
    })
    .delete("/flow/delete-tag", ({ body, apiToken }) => {
      const tag = tags.byNs(botFor(apiToken, body.flow_ns).id, body.tag_ns);
      tags.remove(tag);
      return ok(tagToJson(tag));
    }, {
      body: t.Object({ flow_ns: flowNs, tag_ns: t.String({ maxLength: 32 }) }),
      detail: { summary: "Delete a tag by tag_ns; every contact loses it", responses: documented({ 200: okSchema(TagSchema) }) },
    })
    .delete("/flow/delete-tag-by-name", ({ body, apiToken }) => {
      const tag = tags.byName(botFor(apiToken, body.flow_ns).id, body.name);
      tags.remove(tag);
      return ok(tagToJson(tag));
    }, {
      body: t.Object({ flow_ns: flowNs, name: t.String({ minLength: 1, maxLength: 100 }) }),
      detail: { summary: "Delete a tag by name; every contact loses it", responses: documented({ 200: okSchema(TagSchema) }) },
    })
    .get("/flow/subflows", ({ query, apiToken }) => ({ status: "ok" as const, ...pageSlice(subFlows.list(botFor(apiToken, query.flow_ns).id).map((flow) => ({ name: flow.name, sub_flow_ns: flow.sub_flow_ns })), query, (flow) => flow.name) }), {
      query: listQuery,
      detail: { summary: "The bot's sub-flows (saved action lists; run one with send-sub-flow)", description: example("GET /api/flow/subflows", { status: "ok", data: [{ name: "Follow up", sub_flow_ns: "s4f5g6h7j8k9" }], meta: { current_page: 1, per_page: 1, total: 1, last_page: 1 } }), responses: documented({ 200: okListSchema(SubFlowSchema) }) },
    })
    .get("/flow/inbound-webhooks", ({ query, apiToken }) => {
      const bot = botFor(apiToken, query.flow_ns);
      const hooks = webhooks.listForBot(bot.id).map((w) => ({ id: w.id, name: w.name, hook_uid: w.token, sub_flow_ns: null, status: w.active === 1 ? ("active" as const) : ("inactive" as const), active: w.active === 1, url: `${deps.publicUrl()}/hooks/${w.token}` }));
      return { status: "ok" as const, ...pageSlice(hooks, query, (hook) => hook.name) };
    }, {
      query: listQuery,
      detail: { summary: "The bot's inbound webhooks", description: example("GET /api/flow/inbound-webhooks", { status: "ok", data: [{ id: 1, name: "Website form", hook_uid: "…", sub_flow_ns: null, status: "active", active: true, url: "https://hub.example.com/hooks/…" }], meta: { current_page: 1, per_page: 1, total: 1, last_page: 1 } }), responses: documented({ 200: okListSchema(InboundWebhookSchema) }) },
    })
    .get("/flow/bot-users-count", ({ query, apiToken }) => {
      const { total, paused } = contacts.counts(botFor(apiToken, query.flow_ns).id);
      // UChat's conversation states: a paused contact talks to a person (open); the rest are with the bot (done).
      const num = { open: paused, pending: 0, spam: 0, done: total - paused };
      return ok(CONTACT_STATES.map((status) => ({ status, num: num[status] })));
    }, {
      query: t.Object({ flow_ns: flowNs }),
      detail: {
        summary: "How many contacts the bot has by conversation state: open (bot paused, a person answers), done (with the bot); pending and spam are always 0",
        description: example("GET /api/flow/bot-users-count", { status: "ok", data: [{ status: "open", num: 2 }, { status: "pending", num: 0 }, { status: "spam", num: 0 }, { status: "done", num: 40 }] }),
        responses: documented({ 200: okSchema(t.Array(t.Object({ status: t.UnionEnum([...CONTACT_STATES]), num: t.Integer() }))) }),
      },
    });
}
