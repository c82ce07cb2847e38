// What request values can do to outbound requests: nothing to their host, path structure,
// query or JSON keys; a delivery that can never be sent fails at once; rendered tags and
// fields keep the API's limits; and no secret is copied into the queue.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { migrations } from "../../src/db/migrations";
import { migrate } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";
import { startTestServer, tempDir, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { okReceivers } from "../helpers/worker";
import { adminSession } from "../helpers/admin";

let server: TestServer;
const receivers = okReceivers();
const receiver = receivers.open;
beforeAll(async () => {
  server = await startTestServer({ adminPassword: "admin password" });
  await server.api("PATCH", "/api/v1/settings", { max_inbound_webhooks_per_bot: 100 });
});
afterEach(() => receivers.stopAll());
afterAll(() => server.close());

type Row = { public_id: string; state: string; attempts: number; last_error: string | null; headers: string; secret: string | null; secret_ref: string | null; target_url: string };
const lastDelivery = () => server.db.query("SELECT * FROM deliveries ORDER BY id DESC LIMIT 1").get() as Row;

/** A webhook whose one action is `action`; posts `payload` and waits for the worker. */
async function run(action: Record<string, unknown>, payload: Record<string, unknown>) {
  const bot = await createBot(server);
  const webhook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "phone" }, actions: [action] });
  const answer = await post(hookUrl(server, webhook), { phone: "+14155552671", ...payload });
  expect(answer.status).toBe(200);
  await server.worker.idle();
  const log = (await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}/logs`)).json()) as { data: { id: number }[] };
  const detail = (await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}/logs/${log.data[0]!.id}`)).json()) as { notes: string[] };
  return { webhook, bot, notes: detail.notes, delivery: lastDelivery() };
}

describe("URL templates", () => {
  test("placeholders in the scheme, host, port or credentials are refused when saving", async () => {
    const bot = await createBot(server);
    const webhook = await createWebhook(server, bot.flow_ns);
    for (const url of ["http://api.example.com{{payload.p}}/v1", "http://{{payload.host}}/x", "https://user:{{payload.pw}}@api.example.com/", "http://api.example.com:{{payload.port}}/"]) {
      const response = await server.api("PATCH", `/api/v1/inbound-webhooks/${webhook.id}`, { actions: [{ type: "http_request", url }] });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: { code: string; message: string } }).error).toEqual({
        code: "invalid_action",
        message: "actions[0]: http_request 'url' may not have placeholders in its scheme, host or port (use them in the path or query).",
      });
    }
  });

  test("a value cannot move the request to another host, and the configured Authorization goes only where it was meant to", async () => {
    const target = receiver();
    const { delivery } = await run({ type: "http_request", url: `${target.url}/x{{payload.p}}`, headers: { Authorization: "Bearer api-key" } }, { p: "@evil.example:80/x?" });
    expect(delivery.state).toBe("succeeded");
    expect(target.received).toHaveLength(1);
    expect(target.received[0]!.path).toBe("/x%40evil.example%3A80%2Fx%3F");
    expect(target.received[0]!.headers.get("authorization")).toBe("Bearer api-key");
  });

  test("a value cannot walk the path or add query parameters", async () => {
    const target = receiver();
    await run({ type: "http_request", url: `${target.url}/items/{{payload.id}}/v1?q={{payload.q}}&fixed=1` }, { id: "../../admin", q: "a&admin=1#frag" });
    expect(target.received[0]!.path).toBe("/items/..%2F..%2Fadmin/v1?q=a%26admin%3D1%23frag&fixed=1");
    expect(new URL(`http://x${target.received[0]!.path}`).searchParams.get("admin")).toBeNull();
  });

  test("a value that is a whole '..' segment fails the delivery at once, with the reason, and nothing is sent", async () => {
    const target = receiver();
    const { delivery, notes } = await run({ type: "http_request", url: `${target.url}/items/{{payload.id}}/delete` }, { id: ".." });
    expect(delivery).toMatchObject({ state: "failed", attempts: 0, last_error: "not sent: a value rendered into the URL is '..'" });
    expect(notes).toContain("actions[0] http_request: not sent: a value rendered into the URL is '..'");
    expect(target.received).toHaveLength(0);
  });
});

describe("body templates", () => {
  test("a value in a JSON string body stays one string: it cannot add keys", async () => {
    const target = receiver();
    await run({ type: "http_request", url: `${target.url}/crm`, body: '{"name":"{{payload.n}}","fixed":true}' }, { n: 'x","admin":true,"y":"' });
    expect(JSON.parse(target.received[0]!.body)).toEqual({ name: 'x","admin":true,"y":"', fixed: true });
  });

  test("a value in a form body is form-encoded: it cannot add fields", async () => {
    const target = receiver();
    await run({ type: "http_request", url: `${target.url}/form`, headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a={{payload.n}}&b=2" }, { n: "1&b=3" });
    const form = new URLSearchParams(target.received[0]!.body);
    expect([...form]).toEqual([["a", "1&b=3"], ["b", "2"]]);
  });

  test("a value in an XML body is escaped", async () => {
    const target = receiver();
    await run({ type: "http_request", url: `${target.url}/xml`, body: "<lead><name>{{payload.n}}</name></lead>" }, { n: "</name><admin>1</admin><name>" });
    expect(target.received[0]!.body).toBe("<lead><name>&lt;/name&gt;&lt;admin&gt;1&lt;/admin&gt;&lt;name&gt;</name></lead>");
  });
});

describe("deliveries that can never succeed fail at once", () => {
  test("a header value rendered with a line break: failed with the reason, no attempt, nothing sent", async () => {
    const target = receiver();
    const { delivery, notes } = await run({ type: "http_request", url: `${target.url}/h`, headers: { "X-Name": "{{payload.name}}" } }, { name: "a\r\nInjected: 1" });
    expect(delivery).toMatchObject({ state: "failed", attempts: 0, last_error: "not sent: the value rendered into header 'X-Name' has a line break" });
    expect(notes).toContain("actions[0] http_request: not sent: the value rendered into header 'X-Name' has a line break");
    expect(target.received).toHaveLength(0);
  });

  test("a queued row whose header cannot be sent or whose URL is invalid is failed after one look, not retried", async () => {
    const target = receiver();
    const { deliveries } = server.services;
    const rows = server.db.transaction(() => [
      deliveries.enqueue({ kind: "http_request", targetUrl: `${target.url}/a`, headers: { "x-bad": "a\nb" } }),
      deliveries.enqueue({ kind: "http_request", targetUrl: "http://{{payload.host}}/saved-before-the-rule" }),
    ])();
    server.worker.pump();
    await server.worker.idle();
    for (const row of rows) {
      const after = deliveries.get(row.public_id);
      expect(after.state).toBe("failed");
      expect(after.attempts).toBe(1);
    }
    expect(deliveries.get(rows[0]!.public_id).last_error).toStartWith("not sent: a header cannot be sent");
    expect(target.received).toHaveLength(0);
  });
});

describe("rendered values keep the API's limits", () => {
  test("a 200 KB tag is not added, a long set_field value is not set, a 300-character name is not stored; each is noted", async () => {
    const bot = await createBot(server);
    server.services.fields.create(server.services.bots.get(bot.flow_ns).id, { name: "note", type: "text" });
    const webhook = await createWebhook(server, bot.flow_ns, {
      active: true,
      identify: { phone: "phone" },
      mappings: [{ path: "name", field: "first_name" }],
      actions: [
        { type: "add_tag", tag: "{{payload.tag}}" },
        { type: "add_tag", tag: "kept" },
        { type: "set_field", field: "note", value: "{{payload.note}}" },
      ],
    });
    const answer = await post(hookUrl(server, webhook), { phone: "+14155552672", tag: "t".repeat(200_000), note: "n".repeat(5000), name: "x".repeat(300) });
    const { user_ns } = (await answer.json()) as { user_ns: string };
    const contact = (await (await server.api("GET", `/api/v1/contacts/${user_ns}`)).json()) as { tags: string[]; fields: Record<string, unknown>; first_name: string | null };
    expect(contact.tags).toEqual(["kept"]);
    expect(contact.fields.note).toBeUndefined();
    expect(contact.first_name).toBeNull();
    const logs = (await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}/logs`)).json()) as { data: { id: number }[] };
    const { notes } = (await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}/logs/${logs.data[0]!.id}`)).json()) as { notes: string[] };
    expect(notes).toEqual(
      expect.arrayContaining([
        "mapping name → first_name: longer than 200 characters; skipped",
        "actions[0] add_tag: the tag is longer than 100 characters; not added",
        "actions[2] set_field note: the value is longer than 4096 characters; not set",
      ]),
    );
  });
});

describe("secrets are never copied into the queue", () => {
  const SECRET = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;

  test("a relayed message: the row names the integration; the receiver gets its header and signature", async () => {
    const platform = receiver();
    await server.api("PUT", "/api/v1/integrations/webhook", { url: `${platform.url}/relay`, headers: [{ name: "Authorization", value: "Bearer platform-key" }], secret: SECRET, enabled: true });
    const id = ((await (await server.api("POST", "/api/v1/integrations/webhook/test")).json()) as { delivery_id: string }).delivery_id;
    await server.worker.idle();
    const row = server.db.query("SELECT * FROM deliveries WHERE public_id = ?").get(id) as Row;
    expect(row).toMatchObject({ state: "succeeded", secret: null, secret_ref: "integration" });
    expect(row.headers).not.toContain("platform-key");
    expect(platform.received[0]!.headers.get("authorization")).toBe("Bearer platform-key");
    expect(platform.received[0]!.headers.get("webhook-signature")).toStartWith("v1,");
  });

  test("a Twilio message: the row holds no Basic auth; Twilio's stand-in gets it", async () => {
    const twilio = receiver();
    const bot = await createBot(server);
    const sid = `AC${"b".repeat(32)}`;
    await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "twilio", provider_settings: { account_sid: sid, auth_token: "twilio-token-0123456789", from: "+14155550000", base_url: twilio.url } });
    const contact = (await (await server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: "+14155552673" })).json()) as { user_ns: string };
    await server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { text: "hello" });
    await server.worker.idle();
    const row = lastDelivery();
    expect(row).toMatchObject({ state: "succeeded", secret_ref: `channel:${server.services.bots.get(bot.flow_ns).id}` });
    expect(row.headers.toLowerCase()).not.toContain("authorization");
    expect(twilio.received[0]!.headers.get("authorization")).toBe(`Basic ${Buffer.from(`${sid}:twilio-token-0123456789`).toString("base64")}`);
  });

  test("an http_request's configured header stays in the action; once the action changes, a queued request no longer gets it", async () => {
    const target = receiver();
    const { webhook, delivery } = await run({ type: "http_request", url: `${target.url}/crm`, headers: { Authorization: "Bearer cfg-key", "X-Lead": "{{payload.lead}}" } }, { lead: "L1" });
    expect(JSON.parse(delivery.headers)).toEqual({ "X-Lead": "L1" });
    expect(delivery.secret_ref).toStartWith(`webhook:${webhook.id}:0:`);
    expect(target.received[0]!.headers.get("authorization")).toBe("Bearer cfg-key");
    await server.api("PATCH", `/api/v1/inbound-webhooks/${webhook.id}`, { actions: [{ type: "http_request", url: "http://elsewhere.example/crm", headers: { Authorization: "Bearer cfg-key" } }] });
    expect(server.services.deliveries.credentialsFor(server.services.deliveries.get(delivery.public_id))).toEqual({
      ok: false,
      reason: "the action that queued it was changed or removed; its configured headers are not sent",
    });
  });

  test("credentials in a target URL are masked in the deliveries list and detail, in the API and the admin", async () => {
    const target = receiver();
    const { delivery } = await run({ type: "http_request", url: `http://user:pa55word@127.0.0.1:${new URL(target.url).port}/basic` }, {});
    const list = await (await server.api("GET", "/api/v1/deliveries")).text();
    const one = await (await server.api("GET", `/api/v1/deliveries/${delivery.public_id}`)).text();
    const admin = await adminSession(server, "admin password");
    const page = await (await admin.get("/admin/deliveries")).text();
    const detail = await (await admin.get(`/admin/deliveries/${delivery.public_id}`)).text();
    for (const text of [list, one, page, detail]) {
      expect(text).not.toContain("pa55word");
      expect(text).toContain(`http://********@127.0.0.1:${new URL(target.url).port}/basic`);
    }
    expect(target.received[0]!.headers.get("authorization")).toBe(`Basic ${Buffer.from("user:pa55word").toString("base64")}`);
  });

  test("the upgrade erases secrets already copied into queued relays and channel messages", () => {
    const dir = tempDir("sb-migrate-secrets-");
    const db = openDatabase(join(dir, "switchboard.db"));
    migrate(db, migrations.filter((m) => m.version < 10));
    db.run("INSERT INTO bots (id, flow_ns, name, channel, created_at, updated_at) VALUES (1, 'f1', 'B', 'sms', 1, 1)");
    const insert = db.query("INSERT INTO deliveries (public_id, kind, bot_id, target_url, headers, secret, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, 'http://x/', ?, ?, 1, 1, 1)");
    insert.run("msg_relay", "relay", null, JSON.stringify({ "content-type": "application/json", Authorization: "Bearer old" }), SECRET);
    insert.run("msg_twilio", "channel_message", 1, JSON.stringify({ "content-type": "application/x-www-form-urlencoded", authorization: "Basic b2xk" }), null);
    migrate(db, migrations);
    const rows = db.query("SELECT public_id, headers, secret, secret_ref FROM deliveries ORDER BY public_id").all();
    expect(rows).toEqual([
      { public_id: "msg_relay", headers: '{"content-type":"application/json"}', secret: null, secret_ref: "integration" },
      { public_id: "msg_twilio", headers: '{"content-type":"application/x-www-form-urlencoded"}', secret: null, secret_ref: "channel:1" },
    ]);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
