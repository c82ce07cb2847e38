// The audit log: every state change through the admin or the API leaves one row naming who
// (user or token), from where, what (entity and id) and the change before → after, with
// secrets masked; refused requests are recorded with their status and no change. Read back
// through GET /api/v1/audit-log and the admin's Audit page, with filters; pruned by its own
// retention. (Every route is walked in token-scope.test.ts and admin-roles.test.ts.)
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { adminSession } from "../helpers/admin";
import { createBot, createWebhook } from "../helpers/inbound";
import { createRetention } from "../../src/modules/inbound/retention";
import type { auditJson } from "../../src/modules/audit/service";
import { refuseAuditOutcomes } from "../helpers/engine";

const PASSWORD = "audit test password";
const INTEGRATION_SECRET = `whsec_${Buffer.from("an integration secret of 32 bytes").toString("base64")}`;
const HEADER_VALUE = "pk_live_header_value_77";
const TWILIO_AUTH = "twilio_auth_token_value_99";
const ACTION_HEADER = "Bearer crm_action_secret_55";
const SID = `AC${"c".repeat(32)}`;

let server: TestServer;

/** A row as the API shows it; its change read as plain JSON. */
type Row = Omit<ReturnType<typeof auditJson>, "before" | "after"> & { before: any; after: any };

async function auditRows(query = ""): Promise<{ data: Row[]; next_cursor: string | null }> {
  const response = await server.api("GET", `/api/v1/audit-log${query}`);
  expect(response.status).toBe(200);
  return response.json();
}
const newest = async () => (await auditRows("?limit=1")).data[0]!;

beforeAll(async () => {
  server = await startTestServer({ adminPassword: PASSWORD });
  await server.services.accounts.setPassword(PASSWORD);
  await server.services.accounts.setPassword(PASSWORD, { username: "vera", role: "viewer" });
});
afterAll(() => server.close());

describe("audit log", () => {
  test("an API change names the token, the address, the entity and only the fields that changed", async () => {
    const bot = await createBot(server, { name: "Before", channel: "sms", default_country: "US" });
    const created = await newest();
    expect(created).toMatchObject({ actor: { kind: "token", name: "test suite", ref: server.token.slice(0, 7) }, address: "127.0.0.1", method: "POST", route: "/api/v1/bots", entity: "bot", entity_id: bot.flow_ns, action: "create", status: 201, before: null });
    expect(created.after).toMatchObject({ flow_ns: bot.flow_ns, name: "Before", channel: "sms" });

    expect((await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { name: "After" })).status).toBe(200);
    const renamed = await newest();
    expect(renamed).toMatchObject({ route: "/api/v1/bots/:flow_ns", entity: "bot", entity_id: bot.flow_ns, action: "update", status: 200 });
    expect({ before: renamed.before, after: renamed.after }).toEqual({ before: { name: "Before" }, after: { name: "After" } });

    expect((await server.api("DELETE", `/api/v1/bots/${bot.flow_ns}?confirm=${bot.flow_ns}`)).status).toBe(204);
    const deleted = await newest();
    expect(deleted).toMatchObject({ entity: "bot", entity_id: bot.flow_ns, action: "delete", status: 204, after: null });
    expect(deleted.before).toMatchObject({ name: "After" });
  });

  test("a refused request is recorded with its status and changes nothing", async () => {
    const response = await server.api("PATCH", "/api/v1/settings", { log_retention_days: 0 });
    expect(response.status).toBe(422);
    expect(await newest()).toMatchObject({ route: "/api/v1/settings", entity: "settings", status: 422, before: null, after: null });
    expect(server.services.settings.get().log_retention_days).toBe(30);
  });

  test("secrets never reach the log: masked, and a changed one shows as changed", async () => {
    const bot = await createBot(server, { name: "Secrets", channel: "sms", default_country: "US" });
    const since = (await newest()).id;
    expect((await server.api("PUT", "/api/v1/integrations/webhook", { url: "http://127.0.0.1:9/relay", headers: [{ name: "X-Platform-Key", value: HEADER_VALUE }], secret: INTEGRATION_SECRET })).status).toBe(200);
    const integration = await newest();
    expect(integration).toMatchObject({ entity: "integration", status: 200 });
    expect(integration.after.headers).toEqual({ "X-Platform-Key": "********" });
    expect(integration.after.secret).toBe("********");
    expect(integration.before.secret).toBeNull();

    expect((await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "twilio", provider_settings: { account_sid: SID, auth_token: TWILIO_AUTH, from: "+14155550000" } })).status).toBe(200);
    const provider = await newest();
    expect(provider.after.provider_settings).toMatchObject({ account_sid: SID, auth_token: "********" });

    const webhook = await createWebhook(server, bot.flow_ns, { actions: [{ type: "http_request", url: "http://user:pass@127.0.0.1:9/crm", headers: { Authorization: ACTION_HEADER } }] });
    const rotated = await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/rotate-secret`, {});
    const secret = ((await rotated.json()) as { signing_secret: string }).signing_secret;
    expect(await newest()).toMatchObject({ entity: "webhook", entity_id: String(webhook.id), action: "rotate-secret", before: { signing_secret: null }, after: { signing_secret: "********" } });
    const again = ((await (await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/rotate-secret`, {})).json()) as { signing_secret: string }).signing_secret;
    expect((await newest()).after).toMatchObject({ signing_secret: "******** (changed)", previous_signing_secret: "********" });

    const everything = JSON.stringify(server.db.query("SELECT * FROM audit_log WHERE id > ?").all(since));
    for (const value of [HEADER_VALUE, INTEGRATION_SECRET, TWILIO_AUTH, ACTION_HEADER, secret, again, "user:pass", server.services.webhooks.get(webhook.id).token]) expect(everything).not.toContain(value);
    expect(everything).toContain("X-Platform-Key");
  });

  test("an admin user's change, their sign-in and a refused action are recorded under their name", async () => {
    const owner = await adminSession(server, PASSWORD);
    const signIn = await newest();
    expect(signIn).toMatchObject({ actor: { kind: "user", name: "admin", ref: signIn.actor.ref }, entity: "session", action: "login", status: 303, entity_id: signIn.actor.ref });
    expect(JSON.stringify(signIn)).not.toContain(PASSWORD);

    const bot = await createBot(server, { name: "Admin's", channel: "sms", default_country: "US" });
    expect((await owner.post(`/admin/bots/${bot.flow_ns}/settings`, { name: "Renamed in the admin", channel: "sms", default_country: "US" })).status).toBe(200);
    expect(await newest()).toMatchObject({ actor: { kind: "user", name: "admin" }, route: "/admin/bots/:flow_ns/settings", entity: "bot", entity_id: bot.flow_ns, before: { name: "Admin's" }, after: { name: "Renamed in the admin" } });

    const viewer = await adminSession(server, PASSWORD, "vera");
    const refused = await viewer.post(`/admin/bots/${bot.flow_ns}/delete`);
    expect(refused.status).toBe(403);
    expect(await newest()).toMatchObject({ actor: { kind: "user", name: "vera" }, route: "/admin/bots/:flow_ns/delete", entity: "bot", entity_id: bot.flow_ns, action: "delete", status: 403, before: null, after: null });
    expect(server.services.bots.get(bot.flow_ns).name).toBe("Renamed in the admin");

    // One's own account: two-factor sign-in turned on shows on the user, never the key.
    expect((await owner.post("/admin/account/two-factor/start")).status).toBe(200);
    expect(await newest()).toMatchObject({ entity: "user", entity_id: signIn.actor.ref, action: "two-factor/start", status: 200 });
    expect((await owner.post("/admin/logout")).status).toBe(303);
    expect(await newest()).toMatchObject({ actor: { name: "admin" }, entity: "session", action: "logout" });
  });

  test("a UChat-style change names its subject from the body: the field made, and what was asked when it cannot be read", async () => {
    const bot = await createBot(server, { name: "UChat", channel: "sms", default_country: "US" });
    expect((await server.api("POST", "/api/flow/create-user-field", { flow_ns: bot.flow_ns, name: "party_size", var_type: "number" })).status).toBe(201);
    expect(await newest()).toMatchObject({ route: "/api/flow/create-user-field", entity: "field", entity_id: "party_size", action: "create-user-field", before: null, after: { flow_ns: bot.flow_ns, name: "party_size", var_type: "number" } });
    const contact = await (await server.api("POST", "/api/subscriber/create", { flow_ns: bot.flow_ns, phone: "+14155550911" })).json();
    const created = await newest();
    expect(created).toMatchObject({ entity: "contact", entity_id: contact.data.user_ns, action: "create", before: null });
    expect(created.after).toMatchObject({ user_ns: contact.data.user_ns, phone: "+14155550911" });
    await server.api("PUT", "/api/subscriber/set-user-field-by-name", { user_ns: contact.data.user_ns, field_name: "party_size", value: 4 });
    expect(await newest()).toMatchObject({ entity: "contact", entity_id: contact.data.user_ns, action: "set-user-field-by-name", before: { fields: {} }, after: { fields: { party_size: 4 } } });
  });

  test("the row is written before the change: stopped after it, the log still holds the attempt, what it was and no answer", async () => {
    const bot = await createBot(server, { name: "Before the stop", channel: "sms", default_country: "US" });
    const undo = refuseAuditOutcomes(server.db);
    try {
      expect((await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { name: "After the stop" })).status).toBe(200);
    } finally {
      undo();
    }
    expect(server.services.bots.get(bot.flow_ns).name).toBe("After the stop");
    const row = await newest();
    expect(row).toMatchObject({ route: "/api/v1/bots/:flow_ns", entity: "bot", entity_id: bot.flow_ns, action: "update", status: 0, after: null });
    expect(row.before).toMatchObject({ name: "Before the stop", channel_token: "********" });
    const viewer = await adminSession(server, PASSWORD, "vera");
    expect(await (await viewer.get(`/admin/audit?entity=bot&entity_id=${bot.flow_ns}`)).text()).toContain("no answer recorded");
  });

  test("a request nobody signed (no session, no token) leaves no row", async () => {
    const before = (await newest()).id;
    expect((await fetch(`${server.url}/api/v1/bots`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(401);
    expect((await fetch(`${server.url}/admin/bots`, { method: "POST", redirect: "manual" })).status).toBe(303);
    expect((await newest()).id).toBe(before);
  });

  test("the API filters by who, what, its id, the action and the time, and pages with a cursor", async () => {
    const bot = await createBot(server, { name: "Filtered", channel: "sms", default_country: "US" });
    for (const name of ["one", "two", "three"]) await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { name });
    const mine = await auditRows(`?entity=bot&entity_id=${bot.flow_ns}&action=update&limit=2`);
    expect(mine.data.map((row) => row.after.name)).toEqual(["three", "two"]);
    const rest = await auditRows(`?entity=bot&entity_id=${bot.flow_ns}&action=update&limit=2&cursor=${mine.next_cursor}`);
    expect(rest).toEqual({ data: [expect.objectContaining({ after: { name: "one" } })], next_cursor: null });

    expect((await auditRows("?actor=vera")).data.every((row) => row.actor.name === "vera")).toBe(true);
    expect((await auditRows("?actor=vera")).data.length).toBeGreaterThan(0);
    const first = mine.data[1]!.at;
    const window = await auditRows(`?entity=bot&entity_id=${bot.flow_ns}&from=${encodeURIComponent(first)}&to=${encodeURIComponent(new Date(Date.parse(mine.data[0]!.at)).toISOString())}`);
    expect(window.data.every((row) => row.at >= first && row.at < mine.data[0]!.at)).toBe(true);

    const badCursor = await server.api("GET", "/api/v1/audit-log?cursor=nonsense");
    expect(badCursor.status).toBe(400);
    expect((await badCursor.json()).error.code).toBe("invalid_cursor");
    const badTime = await server.api("GET", "/api/v1/audit-log?from=yesterday");
    expect(badTime.status).toBe(422);
  });

  test("the admin's Audit page shows the rows with their change, filtered, to owners and viewers but not agents", async () => {
    await server.services.accounts.setPassword(PASSWORD, { username: "ada", role: "agent" });
    const bot = await createBot(server, { name: "Shown <b>", channel: "sms", default_country: "US" });
    await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { name: "Shown again" });
    const viewer = await adminSession(server, PASSWORD, "vera");
    const page = await (await viewer.get(`/admin/audit?entity=bot&entity_id=${bot.flow_ns}`)).text();
    expect(page).toContain("bot update");
    expect(page).toContain("name: &quot;Shown &lt;b&gt;&quot; → &quot;Shown again&quot;");
    expect(page).toContain("test suite (API token");
    expect(page).not.toContain("bot delete");
    const agent = await adminSession(server, PASSWORD, "ada");
    expect((await agent.get("/admin/audit")).status).toBe(403);
    const bad = await viewer.get("/admin/audit?from=not-a-date");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("an ISO 8601 time");
  });

  test("audit_retention_days is set on the Settings page too, 1 to 3650 days", async () => {
    const owner = await adminSession(server, PASSWORD);
    const form = { max_inbound_webhooks_per_bot: "5", log_retention_days: "30" };
    expect((await owner.post("/admin/settings/installation", { ...form, audit_retention_days: "90" })).status).toBe(200);
    expect(server.services.settings.get().audit_retention_days).toBe(90);
    const refused = await owner.post("/admin/settings/installation", { ...form, audit_retention_days: "0" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("log and audit retention are 1 to 3650 days");
    expect(server.services.settings.get().audit_retention_days).toBe(90);
  });

  test("rows older than audit_retention_days are pruned; newer ones stay", async () => {
    expect((await server.api("PATCH", "/api/v1/settings", { audit_retention_days: 30 })).status).toBe(200);
    const now = Date.now();
    const insert = server.db.query("INSERT INTO audit_log (at, actor_kind, actor, actor_ref, method, route, entity, action, status) VALUES (?, 'user', 'old', '1', 'POST', '/x', 'bot', 'update', 200)");
    for (const days of [31, 40, 29]) insert.run(now - days * 86_400_000);
    const retention = createRetention({ db: server.db, clock: { now: () => now }, settings: server.services.settings, deliveries: server.services.deliveries, hourly: server.services.hourly, audit: server.services.audit });
    expect((await retention.prune()).audit).toBe(2);
    expect(server.db.query("SELECT count(*) AS n FROM audit_log WHERE actor = 'old'").get()).toEqual({ n: 1 });
  });
});
