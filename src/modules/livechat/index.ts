// v1 routes for live chat: the integration webhook, pausing and resuming a contact's bot,
// assigning agents, and sub-flows.
import { Elysia, t } from "elysia";
import { documented, numericId, refuseUnknownFields } from "../../http/schema";
import { contactJson as contactSchema } from "../contacts/model";
import { errors } from "../../http/errors";
import type { Bots } from "../bots/service";
import { scopedBot } from "../bots/index";
import { contactToJson, type Contacts } from "../contacts/service";
import { scopedContact } from "../contacts/index";
import type { Webhooks } from "../inbound/service";
import type { BearerAuth } from "../tokens/index";
import type { TokenScope } from "../tokens/scope";
import { integrationToJson, type Integration } from "./integration";
import type { Clock } from "../../lib/clock";
import { DEFAULT_OVERLAP_HOURS } from "../../lib/secret-rotation";
import type { Relay } from "./relay";
import { subFlowToJson, type SubFlows } from "./subflows";

const integrationBody = t.Object({
  url: t.Optional(t.Nullable(t.String({ maxLength: 2048 }))),
  headers: t.Optional(t.Union([t.Array(t.Object({ name: t.String(), value: t.String() }), { maxItems: 50 }), t.Record(t.String(), t.String())])),
  secret: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
  enabled: t.Optional(t.Boolean()),
});

const integrationJson = t.Object({
  url: t.Nullable(t.String()),
  headers: t.Array(t.Object({ name: t.String(), value: t.String({ description: "Always ********: write-only" }) })),
  secret: t.Nullable(t.String({ description: "******** when set: write-only" })),
  previous_secret_expires_at: t.Nullable(t.String({ description: "After a rotation: until when relays also carry the previous secret's signature" })),
  enabled: t.Boolean(),
}, { title: "IntegrationWebhook" });
const subFlowJson = t.Object({ sub_flow_ns: t.String(), name: t.String(), actions: t.Array(t.Record(t.String(), t.Any())), created_at: t.String() }, { title: "SubFlowV1" });
const contactAnswer = documented({ 200: contactSchema });

export function liveChatApi({ auth, clock, bots, contacts, integration, relay, subFlows, webhooks }: { auth: BearerAuth; clock: Clock; bots: Bots; contacts: Contacts; integration: Integration; relay: Relay; subFlows: SubFlows; webhooks: Webhooks }) {
  const contactJson = ({ contact, bot }: ReturnType<Contacts["get"]>) => contactToJson(contact, bot, contacts.fieldValues(contact.id));
  // Checked before the body is: a scoped token learns nothing about the integration.
  const installationWide = { transform: ({ scope }: { scope: TokenScope }) => scope.installation() };
  /** The contact's user_ns, once the token is known to reach its bot. */
  const reach = (scope: TokenScope, userNs: string) => scopedContact(contacts, scope, userNs).contact.user_ns;
  return new Elysia({ name: "livechat-api", detail: { tags: ["Live chat"] } })
    .use(auth)
    .get("/integrations/webhook", () => integrationToJson(integration.get(), clock.now()), {
      ...installationWide, detail: { summary: "The live-chat integration webhook (header values and secret masked)", responses: documented({ 200: integrationJson }) } })
    .put("/integrations/webhook", ({ body }) => integrationToJson(integration.put(body), clock.now()), {
      transform: [installationWide.transform, refuseUnknownFields(integrationBody)],
      body: integrationBody,
      detail: { summary: "Set the integration webhook: url, headers (name/value pairs), secret (whsec_…), enabled", responses: documented({ 200: integrationJson }) },
    })
    .post("/integrations/webhook/rotate-secret", ({ body }) => {
      const { integration: rotated, secret } = integration.rotateSecret(body?.overlap_hours ?? DEFAULT_OVERLAP_HOURS);
      return { secret, previous_secret_expires_at: integrationToJson(rotated, clock.now()).previous_secret_expires_at };
    }, {
      ...installationWide,
      body: t.Optional(t.Object({ overlap_hours: t.Optional(t.Integer({ minimum: 0, maximum: 168, default: 24, description: "How long relays also carry the current secret's signature (0: not at all)" })) })),
      detail: {
        summary: "A new signing secret for the integration (shown once); for overlap_hours (default 24) every relay carries both signatures, space-separated",
        responses: documented({ 200: t.Object({ secret: t.String(), previous_secret_expires_at: t.Nullable(t.String()) }, { title: "RotatedIntegrationSecret" }) }),
      },
    })
    .post("/integrations/webhook/test", () => {
      if (!integration.get().url) throw errors.integrationNotConfigured();
      return { delivery_id: relay.sendTestEvent() };
    }, { ...installationWide, detail: { summary: "Queue a sample payload to the integration webhook; follow it at /api/v1/deliveries/{delivery_id} (409 integration_not_configured without a url)", responses: documented({ 200: t.Object({ delivery_id: t.String() }) }, { 409: "The integration has no url (`integration_not_configured`)." }) } })
    .post("/contacts/:user_ns/pause", ({ params, body, scope }) => contactJson(contacts.pause(reach(scope, params.user_ns), body?.minutes ? body.minutes : null)), {
      body: t.Optional(t.Object({ minutes: t.Optional(t.Nullable(t.Integer({ minimum: 0, maximum: 525_600 }))) })),
      detail: { summary: "Pause the bot for the contact for `minutes` (absent, null or 0: until resumed)", responses: contactAnswer },
    })
    .post("/contacts/:user_ns/resume", ({ params, scope }) => contactJson(contacts.resume(reach(scope, params.user_ns))), { detail: { summary: "Resume the bot for the contact", responses: contactAnswer } })
    .post("/contacts/:user_ns/assign", ({ params, body, scope }) => contactJson(contacts.assignAgent(reach(scope, params.user_ns), body.agent_id)), {
      body: t.Object({ agent_id: t.Nullable(t.Integer({ minimum: 1 })) }),
      detail: { summary: "Assign an agent to the contact (null: unassign)", responses: contactAnswer },
    })
    .post("/bots/:flow_ns/sub-flows", ({ params, body, set, scope }) => {
      const bot = scopedBot(bots, scope, params.flow_ns);
      set.status = 201;
      return subFlowToJson(subFlows.create(bot.id, body.name, body.actions));
    }, { body: t.Object({ name: t.String(), actions: t.Array(t.Any(), { maxItems: 50 }) }), detail: { summary: "Save a named list of actions as a sub-flow", responses: documented({ 201: subFlowJson }, { 409: "The bot has a sub-flow with that name (`sub_flow_exists`)." }) } })
    .get("/bots/:flow_ns/sub-flows", ({ params, scope }) => ({ data: subFlows.list(scopedBot(bots, scope, params.flow_ns).id).map(subFlowToJson) }), { detail: { summary: "A bot's sub-flows", responses: documented({ 200: t.Object({ data: t.Array(subFlowJson) }) }) } })
    .post("/inbound-webhooks/:id/sub-flow", ({ params, body, set, scope }) => {
      const webhook = webhooks.get(params.id);
      scope.owns(webhook.bot_id, () => errors.notFound("inbound webhook", String(params.id)));
      set.status = 201;
      return subFlowToJson(subFlows.create(webhook.bot_id, body.name, webhook.actions));
    }, { params: t.Object({ id: numericId("id") }), body: t.Object({ name: t.String() }), detail: { summary: "Save an inbound webhook's actions as a named sub-flow", responses: documented({ 201: subFlowJson }, { 409: "The bot has a sub-flow with that name (`sub_flow_exists`)." }) } });
}
