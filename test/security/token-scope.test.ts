// Every API route × {installation-wide, scoped to bot A, scoped to bot B, read-only, and one
// installation-wide token per role} with the status each must answer. Requests aim at bot A's resources. The table is checked against the
// router, so a new /api route without a row here fails this test. Each state-changing request
// is also checked to leave its one row in the audit log.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { subjectOf } from "../../src/modules/audit/subjects";
import { apiCapabilityFor, can, type TokenRole } from "../../src/modules/admin/roles";

let server: TestServer;
let tokens: Record<TokenKind, string>;
let a: Fixture;
let b: Fixture;
let seq = 0;
const unique = () => ++seq;

type TokenKind = "unscoped" | "scopedA" | "scopedB" | "readOnly" | "asAdmin" | "asOperator" | "asAgent" | "asViewer";
/** Installation-wide tokens given a role: each reaches what an admin user of that role may. */
const ROLE_OF: Partial<Record<TokenKind, TokenRole>> = { asAdmin: "admin", asOperator: "operator", asAgent: "agent", asViewer: "viewer" };
const KINDS = ["unscoped", "scopedA", "scopedB", "readOnly", "asAdmin", "asOperator", "asAgent", "asViewer"] as TokenKind[];
interface Fixture {
  flowNs: string;
  userNs: string;
  phone: string;
  fieldId: number;
  webhookId: number;
  logId: number;
  deliveryId: string;
  subFlowNs: string;
  tagNs: string;
}

/**
 * `bot`: reaches bot A's resources (scoped to B: 404 as unknown). `installation`: refused to
 * scoped tokens (403 token_scope). `filtered`: answers every token, with only what it may see.
 */
type Reach = "bot" | "installation" | "filtered";
interface Row {
  reach: Reach;
  ok: number;
  /** The request, built anew for each token (deleting or creating needs fresh resources). */
  request: () => { path: string; body?: unknown } | Promise<{ path: string; body?: unknown }>;
}

const phone = () => `+1415555${String(1000 + unique()).padStart(4, "0")}`;

async function newContact(fx: Fixture) {
  const response = await server.api("POST", `/api/v1/bots/${fx.flowNs}/contacts`, { phone: phone() });
  return ((await response.json()) as { user_ns: string }).user_ns;
}
function failedDelivery(botId: number): string {
  const delivery = server.db.transaction(() => server.services.deliveries.enqueue({ kind: "http_request", botId, targetUrl: "http://127.0.0.1:9/" }))();
  server.db.query("UPDATE deliveries SET state = 'failed', next_attempt_at = ? WHERE id = ?").run(Number.MAX_SAFE_INTEGER, delivery.id);
  return delivery.public_id;
}
const botIdOf = (flowNs: string) => server.services.bots.get(flowNs).id;
const freshTag = (fx: Fixture) => server.services.tags.ensure(botIdOf(fx.flowNs), `tag ${unique()}`).tag;

const webhookOf = (id: number) => server.services.webhooks.get(id);
/** A fresh saved payload of webhook A (older ones cleared: a webhook keeps at most 20). */
function testPayload() {
  const { testPayloads } = server.services;
  for (const payload of testPayloads.list(a.webhookId).slice(10)) testPayloads.remove(a.webhookId, payload.id);
  return testPayloads.create(a.webhookId, { name: `t${unique()}`, body: { n: 1 } }).id;
}
/** What a preview of every logged request of webhook A says, as a start request's body. */
function replayConfirmation() {
  const preview = server.services.replays.preview(webhookOf(a.webhookId), {});
  return { until_log_id: preview.until_log_id, expected_count: preview.count };
}
/** A fresh upload to bot A, as its import's id. */
const contactImport = async () => (await server.services.csvImports.upload(server.services.bots.get(a.flowNs), "t.csv", new TextEncoder().encode(`phone\n+1415555${String(1000 + unique()).padStart(4, "0")}\n`))).id;
const bulkReplay = () => server.services.replays.start(webhookOf(a.webhookId), replayConfirmation()).id;

const TABLE: Record<string, Row> = {
  "POST /api/v1/bots": { reach: "installation", ok: 201, request: () => ({ path: "/api/v1/bots", body: { name: "New", channel: "sms" } }) },
  "GET /api/v1/bots": { reach: "filtered", ok: 200, request: () => ({ path: "/api/v1/bots" }) },
  "GET /api/v1/bots/:flow_ns": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/bots/${a.flowNs}` }) },
  "PATCH /api/v1/bots/:flow_ns": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/bots/${a.flowNs}`, body: { name: "Bot A" } }) },
  // Bot A's provider (test) signs nothing: the scope is checked before that 409.
  "POST /api/v1/bots/:flow_ns/rotate-secret": { reach: "bot", ok: 409, request: () => ({ path: `/api/v1/bots/${a.flowNs}/rotate-secret`, body: {} }) },
  "DELETE /api/v1/bots/:flow_ns": {
    reach: "installation",
    ok: 204,
    request: async () => {
      const doomed = (await createBot(server, { name: `Gone ${unique()}`, channel: "sms" })).flow_ns;
      return { path: `/api/v1/bots/${doomed}?confirm=${doomed}` };
    },
  },
  "POST /api/v1/bots/:flow_ns/fields": { reach: "bot", ok: 201, request: () => ({ path: `/api/v1/bots/${a.flowNs}/fields`, body: { name: `f${unique()}`, type: "text" } }) },
  "GET /api/v1/bots/:flow_ns/fields": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/bots/${a.flowNs}/fields` }) },
  "DELETE /api/v1/bots/:flow_ns/fields/:id": {
    reach: "bot",
    ok: 204,
    request: () => ({ path: `/api/v1/bots/${a.flowNs}/fields/${server.services.fields.create(botIdOf(a.flowNs), { name: `d${unique()}`, type: "text" }).id}` }),
  },
  "POST /api/v1/bots/:flow_ns/contacts": { reach: "bot", ok: 201, request: () => ({ path: `/api/v1/bots/${a.flowNs}/contacts`, body: { phone: phone() } }) },
  "GET /api/v1/bots/:flow_ns/contacts": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/bots/${a.flowNs}/contacts` }) },
  "GET /api/v1/bots/:flow_ns/contacts/export": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/bots/${a.flowNs}/contacts/export` }) },
  "POST /api/v1/bots/:flow_ns/contact-imports": { reach: "bot", ok: 201, request: () => ({ path: `/api/v1/bots/${a.flowNs}/contact-imports`, body: "phone,first_name\n+14155550100,Ada\n" }) },
  "GET /api/v1/bots/:flow_ns/contact-imports": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/bots/${a.flowNs}/contact-imports` }) },
  "GET /api/v1/contact-imports/:id": { reach: "bot", ok: 200, request: async () => ({ path: `/api/v1/contact-imports/${await contactImport()}` }) },
  "PATCH /api/v1/contact-imports/:id": { reach: "bot", ok: 200, request: async () => ({ path: `/api/v1/contact-imports/${await contactImport()}`, body: { existing: "skip" } }) },
  "POST /api/v1/contact-imports/:id/dry-run": { reach: "bot", ok: 202, request: async () => ({ path: `/api/v1/contact-imports/${await contactImport()}/dry-run` }) },
  "POST /api/v1/contact-imports/:id/run": { reach: "bot", ok: 202, request: async () => ({ path: `/api/v1/contact-imports/${await contactImport()}/run`, body: {} }) },
  "DELETE /api/v1/contact-imports/:id": { reach: "bot", ok: 204, request: async () => ({ path: `/api/v1/contact-imports/${await contactImport()}` }) },
  "GET /api/v1/contacts/:user_ns": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/contacts/${a.userNs}` }) },
  "PATCH /api/v1/contacts/:user_ns": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/contacts/${a.userNs}`, body: { first_name: "Ada" } }) },
  "GET /api/v1/settings": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/settings" }) },
  "PATCH /api/v1/settings": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/settings", body: { allow_private_targets: true } }) },
  "POST /api/v1/bots/:flow_ns/inbound-webhooks": { reach: "bot", ok: 201, request: () => ({ path: `/api/v1/bots/${a.flowNs}/inbound-webhooks`, body: { name: "More" } }) },
  "GET /api/v1/bots/:flow_ns/inbound-webhooks": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/bots/${a.flowNs}/inbound-webhooks` }) },
  "GET /api/v1/inbound-webhooks/:id": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}` }) },
  "PATCH /api/v1/inbound-webhooks/:id": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}`, body: { name: "Form A" } }) },
  "DELETE /api/v1/inbound-webhooks/:id": { reach: "bot", ok: 204, request: async () => ({ path: `/api/v1/inbound-webhooks/${(await createWebhook(server, a.flowNs)).id}` }) },
  "POST /api/v1/inbound-webhooks/:id/rotate-secret": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/rotate-secret`, body: { overlap_hours: 0 } }) },
  "POST /api/v1/inbound-webhooks/:id/listen": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/listen` }) },
  "GET /api/v1/inbound-webhooks/:id/listen": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/listen` }) },
  "POST /api/v1/inbound-webhooks/:id/preview": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/preview`, body: { example: { phone: "+14155552671" } } }) },
  "GET /api/v1/inbound-webhooks/:id/logs": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/logs` }) },
  "GET /api/v1/inbound-webhooks/:id/logs/:log_id": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/logs/${a.logId}` }) },
  "POST /api/v1/inbound-webhooks/:id/logs/:log_id/replay": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/logs/${a.logId}/replay` }) },
  "GET /api/v1/inbound-webhooks/:id/test-payloads": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/test-payloads` }) },
  "POST /api/v1/inbound-webhooks/:id/test-payloads": { reach: "bot", ok: 201, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/test-payloads`, body: { name: `p${unique()}`, body: { a: 1 } } }) },
  "GET /api/v1/inbound-webhooks/:id/test-payloads/:payload_id": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/test-payloads/${testPayload()}` }) },
  "PATCH /api/v1/inbound-webhooks/:id/test-payloads/:payload_id": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/test-payloads/${testPayload()}`, body: { body: { b: 2 } } }) },
  "DELETE /api/v1/inbound-webhooks/:id/test-payloads/:payload_id": { reach: "bot", ok: 204, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/test-payloads/${testPayload()}` }) },
  "POST /api/v1/inbound-webhooks/:id/replays/preview": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/replays/preview`, body: {} }) },
  "POST /api/v1/inbound-webhooks/:id/replays": { reach: "bot", ok: 202, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/replays`, body: replayConfirmation() }) },
  "GET /api/v1/inbound-webhooks/:id/replays": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/replays` }) },
  "GET /api/v1/inbound-webhooks/:id/replays/:replay_id": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/replays/${bulkReplay()}` }) },
  "POST /api/v1/inbound-webhooks/:id/replays/:replay_id/cancel": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/replays/${bulkReplay()}/cancel` }) },
  "POST /api/v1/inbound-webhooks/:id/sub-flow": { reach: "bot", ok: 201, request: () => ({ path: `/api/v1/inbound-webhooks/${a.webhookId}/sub-flow`, body: { name: `from hook ${unique()}` } }) },
  "POST /api/v1/contacts/:user_ns/messages": { reach: "bot", ok: 201, request: () => ({ path: `/api/v1/contacts/${a.userNs}/messages`, body: { text: "Hello" } }) },
  "GET /api/v1/contacts/:user_ns/messages": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/contacts/${a.userNs}/messages` }) },
  "GET /api/v1/deliveries": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/deliveries" }) },
  "GET /api/v1/alerts": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/alerts" }) },
  "GET /api/v1/alert-destinations": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/alert-destinations" }) },
  "POST /api/v1/alert-destinations": { reach: "installation", ok: 201, request: () => ({ path: "/api/v1/alert-destinations", body: { url: "https://alerts.example.com/hook" } }) },
  "DELETE /api/v1/alert-destinations/:id": { reach: "installation", ok: 204, request: () => ({ path: `/api/v1/alert-destinations/${server.services.alerts.addDestination({ url: "https://gone.example.com/hook" }).id}` }) },
  "GET /api/v1/audit-log": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/audit-log?entity=bot" }) },
  "GET /api/v1/alert-thresholds": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/alert-thresholds" }) },
  "PATCH /api/v1/alert-thresholds": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/alert-thresholds", body: { pending_minutes: 20 } }) },
  "GET /api/v1/targets": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/targets" }) },
  "POST /api/v1/targets/enable": {
    reach: "installation",
    ok: 200,
    request: () => {
      // Ten failures open the circuit this request closes.
      for (let i = 0; i < 10; i++) server.services.circuits.record("https://down.example.com", 503, null, Date.now());
      return { path: "/api/v1/targets/enable", body: { origin: "https://down.example.com" } };
    },
  },
  "GET /api/v1/target-limits": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/target-limits" }) },
  "PUT /api/v1/target-limits": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/target-limits", body: { origin: "https://crm.example.com", count: 5, per: "second" } }) },
  "DELETE /api/v1/target-limits": {
    reach: "installation",
    ok: 204,
    request: () => {
      server.services.targetLimits.put({ origin: "https://gone.example.com", count: 1, per: "second" });
      return { path: "/api/v1/target-limits?origin=https://gone.example.com" };
    },
  },
  "POST /api/v1/deliveries/retry/preview": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/deliveries/retry/preview", body: {} }) },
  "POST /api/v1/deliveries/retry": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/deliveries/retry", body: { state: "failed" } }) },
  "GET /api/v1/deliveries/:id": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/deliveries/${a.deliveryId}` }) },
  "POST /api/v1/deliveries/:id/retry": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/deliveries/${failedDelivery(botIdOf(a.flowNs))}/retry` }) },
  "GET /api/v1/integrations/webhook": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/integrations/webhook" }) },
  "PUT /api/v1/integrations/webhook": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/integrations/webhook", body: { enabled: false } }) },
  "POST /api/v1/integrations/webhook/rotate-secret": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/integrations/webhook/rotate-secret", body: {} }) },
  "POST /api/v1/integrations/webhook/test": { reach: "installation", ok: 200, request: () => ({ path: "/api/v1/integrations/webhook/test" }) },
  "POST /api/v1/contacts/:user_ns/pause": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/contacts/${a.userNs}/pause`, body: { minutes: 5 } }) },
  "POST /api/v1/contacts/:user_ns/resume": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/contacts/${a.userNs}/resume` }) },
  "POST /api/v1/contacts/:user_ns/assign": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/contacts/${a.userNs}/assign`, body: { agent_id: 3 } }) },
  "POST /api/v1/bots/:flow_ns/sub-flows": { reach: "bot", ok: 201, request: () => ({ path: `/api/v1/bots/${a.flowNs}/sub-flows`, body: { name: `s${unique()}`, actions: [] } }) },
  "GET /api/v1/bots/:flow_ns/sub-flows": { reach: "bot", ok: 200, request: () => ({ path: `/api/v1/bots/${a.flowNs}/sub-flows` }) },
  // The UChat-style API: a scoped token needs no flow_ns; here every request names bot A's.
  "POST /api/subscriber/send-text": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/send-text", body: { user_ns: a.userNs, content: "Hi" } }) },
  "POST /api/subscriber/send-content": {
    reach: "bot",
    ok: 200,
    request: () => ({ path: "/api/subscriber/send-content", body: { user_ns: a.userNs, data: { version: "v1", content: { messages: [{ type: "text", text: "Hi" }] } } } }),
  },
  "POST /api/subscriber/send-sub-flow": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/send-sub-flow", body: { user_ns: a.userNs, sub_flow_ns: a.subFlowNs } }) },
  "GET /api/subscribers": { reach: "bot", ok: 200, request: () => ({ path: `/api/subscribers?flow_ns=${a.flowNs}` }) },
  "GET /api/subscriber/get-info": { reach: "bot", ok: 200, request: () => ({ path: `/api/subscriber/get-info?user_ns=${a.userNs}` }) },
  "GET /api/subscriber/get-info-by-user-id": { reach: "bot", ok: 200, request: () => ({ path: `/api/subscriber/get-info-by-user-id?flow_ns=${a.flowNs}&user_id=${encodeURIComponent(a.phone)}` }) },
  "POST /api/subscriber/create": { reach: "bot", ok: 201, request: () => ({ path: "/api/subscriber/create", body: { flow_ns: a.flowNs, phone: phone() } }) },
  "PUT /api/subscriber/update": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/update", body: { user_ns: a.userNs, last_name: "Lovelace" } }) },
  "DELETE /api/subscriber/delete": { reach: "bot", ok: 200, request: async () => ({ path: "/api/subscriber/delete", body: { user_ns: await newContact(a) } }) },
  "PUT /api/subscriber/set-user-field": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/set-user-field", body: { user_ns: a.userNs, var_ns: `v${a.fieldId}`, value: "x" } }) },
  "PUT /api/subscriber/set-user-field-by-name": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/set-user-field-by-name", body: { user_ns: a.userNs, field_name: "note", value: "x" } }) },
  "PUT /api/subscriber/set-user-fields-by-name": {
    reach: "bot",
    ok: 200,
    request: () => ({ path: "/api/subscriber/set-user-fields-by-name", body: { user_ns: a.userNs, data: [{ name: "note", value: "y" }] } }),
  },
  "DELETE /api/subscriber/clear-user-field-by-name": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/clear-user-field-by-name", body: { user_ns: a.userNs, field_name: "note" } }) },
  "POST /api/subscriber/add-tag-by-name": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/add-tag-by-name", body: { user_ns: a.userNs, tag_name: "vip" } }) },
  "DELETE /api/subscriber/remove-tag-by-name": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/remove-tag-by-name", body: { user_ns: a.userNs, tag_name: "vip" } }) },
  "GET /api/flow/user-fields": { reach: "bot", ok: 200, request: () => ({ path: `/api/flow/user-fields?flow_ns=${a.flowNs}` }) },
  "POST /api/flow/create-user-field": { reach: "bot", ok: 201, request: () => ({ path: "/api/flow/create-user-field", body: { flow_ns: a.flowNs, name: `u${unique()}`, var_type: "text" } }) },
  "GET /api/flow/tags": { reach: "bot", ok: 200, request: () => ({ path: `/api/flow/tags?flow_ns=${a.flowNs}` }) },
  "GET /api/flow/inbound-webhooks": { reach: "bot", ok: 200, request: () => ({ path: `/api/flow/inbound-webhooks?flow_ns=${a.flowNs}` }) },
  "POST /api/subscriber/pause-bot": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/pause-bot", body: { user_ns: a.userNs, minutes: 5 } }) },
  "POST /api/subscriber/resume-bot": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/resume-bot", body: { user_ns: a.userNs } }) },
  "POST /api/subscriber/assign-agent": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/assign-agent", body: { user_ns: a.userNs, agent_id: 4 } }) },
  "POST /api/subscriber/unassign-agent": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/unassign-agent", body: { user_ns: a.userNs } }) },
  "GET /api/subscriber/chat-messages": { reach: "bot", ok: 200, request: () => ({ path: `/api/subscriber/chat-messages?user_ns=${a.userNs}` }) },
  "POST /api/subscriber/send-sub-flow-by-user-id": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/send-sub-flow-by-user-id", body: { flow_ns: a.flowNs, user_id: a.phone, sub_flow_ns: a.subFlowNs } }) },
  "PUT /api/subscriber/set-user-fields": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/set-user-fields", body: { user_ns: a.userNs, data: [{ var_ns: `v${a.fieldId}`, value: "z" }] } }) },
  "DELETE /api/subscriber/clear-user-field": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/clear-user-field", body: { user_ns: a.userNs, var_ns: `v${a.fieldId}` } }) },
  "DELETE /api/subscriber/clear-user-fields": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/clear-user-fields", body: { user_ns: a.userNs, data: [{ var_ns: `v${a.fieldId}` }] } }) },
  "DELETE /api/subscriber/clear-user-fields-by-name": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/clear-user-fields-by-name", body: { user_ns: a.userNs, data: [{ name: "note" }] } }) },
  "POST /api/subscriber/add-tag": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/add-tag", body: { user_ns: a.userNs, tag_ns: a.tagNs } }) },
  "POST /api/subscriber/add-tags": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/add-tags", body: { user_ns: a.userNs, data: [{ tag_ns: a.tagNs }] } }) },
  "POST /api/subscriber/add-tags-by-name": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/add-tags-by-name", body: { user_ns: a.userNs, data: [{ tag_name: "vip" }] } }) },
  "DELETE /api/subscriber/remove-tag": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/remove-tag", body: { user_ns: a.userNs, tag_ns: a.tagNs } }) },
  "DELETE /api/subscriber/remove-tags": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/remove-tags", body: { user_ns: a.userNs, data: [{ tag_ns: a.tagNs }] } }) },
  "DELETE /api/subscriber/remove-tags-by-name": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/remove-tags-by-name", body: { user_ns: a.userNs, data: [{ tag_name: "vip" }] } }) },
  "POST /api/flow/create-tag": { reach: "bot", ok: 201, request: () => ({ path: "/api/flow/create-tag", body: { flow_ns: a.flowNs, name: `new tag ${unique()}` } }) },
  "DELETE /api/flow/delete-tag": { reach: "bot", ok: 200, request: () => ({ path: "/api/flow/delete-tag", body: { flow_ns: a.flowNs, tag_ns: `t${freshTag(a).id}` } }) },
  "DELETE /api/flow/delete-tag-by-name": { reach: "bot", ok: 200, request: () => ({ path: "/api/flow/delete-tag-by-name", body: { flow_ns: a.flowNs, name: freshTag(a).name } }) },
  "POST /api/subscriber/send-sub-flow-by-flow-name": { reach: "bot", ok: 200, request: () => ({ path: "/api/subscriber/send-sub-flow-by-flow-name", body: { user_ns: a.userNs, flow_name: "Greeting" } }) },
  "DELETE /api/flow/delete-user-field": { reach: "bot", ok: 200, request: () => ({ path: "/api/flow/delete-user-field", body: { flow_ns: a.flowNs, var_ns: `v${server.services.fields.create(botIdOf(a.flowNs), { name: `f${unique()}`, type: "text" }).id}` } }) },
  "DELETE /api/flow/delete-user-field-by-name": { reach: "bot", ok: 200, request: () => ({ path: "/api/flow/delete-user-field-by-name", body: { flow_ns: a.flowNs, name: server.services.fields.create(botIdOf(a.flowNs), { name: `f${unique()}`, type: "text" }).name } }) },
  "GET /api/flow/subflows": { reach: "bot", ok: 200, request: () => ({ path: `/api/flow/subflows?flow_ns=${a.flowNs}` }) },
  "GET /api/flow/bot-users-count": { reach: "bot", ok: 200, request: () => ({ path: `/api/flow/bot-users-count?flow_ns=${a.flowNs}` }) },
};

/** The one status the contract names for this token on this route. */
function expected(method: string, path: string, row: Row, kind: TokenKind): { status: number; code?: string } {
  const role = ROLE_OF[kind];
  if (role) return can(role, apiCapabilityFor(method, path)!) ? { status: row.ok } : { status: 403, code: "token_role" };
  if (kind === "readOnly" && method !== "GET") return { status: 403, code: "read_only_token" };
  if (kind === "unscoped" || kind === "readOnly") return { status: row.ok };
  if (row.reach === "installation") return { status: 403, code: "token_scope" };
  if (row.reach === "bot" && kind === "scopedB") return { status: 404, code: "not_found" };
  return { status: row.ok };
}

async function fixture(name: string): Promise<Fixture> {
  const bot = await createBot(server, { name, channel: "sms", default_country: "US" });
  const botId = botIdOf(bot.flow_ns);
  const field = server.services.fields.create(botId, { name: "note", type: "text" });
  const contactPhone = phone();
  const contact = (await (await server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: contactPhone })).json()) as { user_ns: string };
  const webhook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "phone" } });
  expect((await post(hookUrl(server, webhook), { phone: contactPhone })).status).toBe(200);
  const logId = (server.db.query("SELECT max(id) AS id FROM webhook_logs WHERE webhook_id = ?").get(webhook.id) as { id: number }).id;
  const subFlow = server.services.subFlows.create(botId, "Greeting", []);
  const tag = server.services.tags.ensure(botId, "vip").tag;
  return { flowNs: bot.flow_ns, userNs: contact.user_ns, phone: contactPhone, fieldId: field.id, webhookId: webhook.id, logId, deliveryId: failedDelivery(botId), subFlowNs: subFlow.sub_flow_ns, tagNs: `t${tag.id}` };
}

beforeAll(async () => {
  server = await startTestServer();
  await server.api("PATCH", "/api/v1/settings", { max_inbound_webhooks_per_bot: 100 });
  await server.api("PUT", "/api/v1/integrations/webhook", { url: "http://127.0.0.1:9/relay" });
  a = await fixture("Bot A");
  b = await fixture("Bot B");
  const { tokens: t, bots } = server.services;
  tokens = {
    unscoped: server.token,
    scopedA: t.create("scoped to A", bots.get(a.flowNs).id).token,
    scopedB: t.create("scoped to B", bots.get(b.flowNs).id).token,
    readOnly: t.create("read-only", null, null, true).token,
    asAdmin: t.create("role admin", null, null, false, null, "admin").token,
    asOperator: t.create("role operator", null, null, false, null, "operator").token,
    asAgent: t.create("role agent", null, null, false, null, "agent").token,
    asViewer: t.create("role viewer", null, null, false, null, "viewer").token,
  };
});
afterAll(() => server.close());

describe("token scope", () => {
  test("the table names every /api route the router has, and nothing else", () => {
    const routes = server.routes().filter((r) => r.path.startsWith("/api/")).map((r) => `${r.method} ${r.path}`);
    expect(routes.sort()).toEqual(Object.keys(TABLE).sort());
  });

  for (const [route, row] of Object.entries(TABLE)) {
    const [method, template] = route.split(" ") as [string, string];
    const refusedRoles = KINDS.filter((kind) => ROLE_OF[kind] && expected(method, template, row, kind).status === 403).map((kind) => ROLE_OF[kind]);
    test(`${route}: installation-wide ${row.ok}, scoped to A ${expected(method, template, row, "scopedA").status}, to B ${expected(method, template, row, "scopedB").status}, read-only ${expected(method, template, row, "readOnly").status}, refused to token roles: ${refusedRoles.join(", ") || "none"}${method === "GET" ? "" : "; each audited"}`, async () => {
      for (const kind of KINDS) {
        const { path, body } = await row.request();
        const lastAudited = server.services.audit.page({}, 1)[0]?.id ?? 0;
        const response = await server.api(method, path, body, { authorization: `Bearer ${tokens[kind]}` });
        const text = await response.text();
        const want = expected(method, template, row, kind);
        expect({ kind, status: response.status }).toEqual({ kind, status: want.status });
        if (want.code) expect(JSON.parse(text).error.code).toBe(want.code);
        // Every state change (refused ones too) leaves one audit row naming this route, this token and the answer.
        const audited = server.services.audit.page({}, 5).filter((entry) => entry.id > lastAudited).map((entry) => ({ route: entry.route, actor: entry.actor_ref, status: entry.status }));
        const changes = method !== "GET" && subjectOf(method, template) !== null;
        expect({ kind, audited }).toEqual({ kind, audited: changes ? [{ route: template, actor: tokens[kind].slice(0, 7), status: want.status }] : [] });
      }
    });
  }

  test("token roles, route by route: agents answer chats, operators build, viewers only read, settings are admins'", async () => {
    const status = async (kind: TokenKind, method: string, path: string, body?: unknown) => {
      const response = await server.api(method, path, body, { authorization: `Bearer ${tokens[kind]}` });
      return response.status === 403 ? ((await response.json()).error.code as string) : "allowed";
    };
    const pinned: [TokenKind, string, string, unknown, string][] = [
      ["asAgent", "POST", "/api/subscriber/send-text", { user_ns: a.userNs, content: "Hi" }, "allowed"],
      ["asAgent", "GET", `/api/subscriber/chat-messages?user_ns=${a.userNs}`, undefined, "allowed"],
      ["asAgent", "POST", `/api/v1/contacts/${a.userNs}/pause`, {}, "allowed"],
      ["asAgent", "GET", "/api/v1/bots", undefined, "token_role"],
      ["asAgent", "PATCH", `/api/v1/contacts/${a.userNs}`, { first_name: "X" }, "token_role"],
      ["asOperator", "PATCH", `/api/v1/inbound-webhooks/${a.webhookId}`, { name: "renamed" }, "allowed"],
      ["asOperator", "PUT", "/api/v1/integrations/webhook", { enabled: true }, "token_role"],
      ["asOperator", "GET", "/api/v1/settings", undefined, "token_role"],
      ["asOperator", "POST", "/api/subscriber/send-text", { user_ns: a.userNs, content: "Hi" }, "token_role"],
      ["asViewer", "GET", "/api/v1/settings", undefined, "allowed"],
      ["asViewer", "GET", "/api/v1/audit-log", undefined, "allowed"],
      ["asViewer", "POST", "/api/v1/bots", { name: "V", channel: "sms" }, "token_role"],
      ["asAdmin", "PATCH", "/api/v1/settings", { log_retention_days: 30 }, "allowed"],
    ];
    const seen = [];
    for (const [kind, method, path, body] of pinned) seen.push([kind, method, path, body, await status(kind, method, path, body)]);
    expect(seen).toEqual(pinned);
  });

  test("a scoped token lists only its own bot", async () => {
    const seen = async (kind: TokenKind) =>
      ((await (await server.api("GET", "/api/v1/bots", undefined, { authorization: `Bearer ${tokens[kind]}` })).json()) as { data: { flow_ns: string }[] }).data.map((bot) => bot.flow_ns);
    expect(await seen("scopedA")).toEqual([a.flowNs]);
    expect(await seen("scopedB")).toEqual([b.flowNs]);
    expect(await seen("unscoped")).toEqual(expect.arrayContaining([a.flowNs, b.flowNs]));
  });

  test("a scoped token cannot turn on private targets, re-point the integration or read another bot's webhook URL", async () => {
    const asB = { authorization: `Bearer ${tokens.scopedB}` };
    expect((await server.api("PATCH", "/api/v1/settings", { allow_private_targets: false }, asB)).status).toBe(403);
    expect((await server.api("PUT", "/api/v1/integrations/webhook", { url: "http://attacker.example/" }, asB)).status).toBe(403);
    expect(server.services.integration.get().url).toBe("http://127.0.0.1:9/relay");
    const webhook = await server.api("GET", `/api/v1/inbound-webhooks/${a.webhookId}`, undefined, asB);
    expect(webhook.status).toBe(404);
    expect(await webhook.text()).not.toContain("/hooks/");
  });
});
