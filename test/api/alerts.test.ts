// Alerts: each condition fires once while it holds and once more when it is resolved, as
// Slack-compatible JSON to every destination, signed (checked with the official
// standardwebhooks library). Deliveries fail against stand-ins; a fake clock moves time.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Webhook } from "standardwebhooks";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { fakeClock, standIn } from "../helpers/worker";

const SECRET = `whsec_${Buffer.from("alerts-secret-0123456789abcdef!").toString("base64")}`;
let server: TestServer;
const clock = fakeClock(Date.now());
const slack = standIn(() => new Response("ok"));
let crmUp = false;
const crm = standIn(() => new Response(crmUp ? "ok" : "bad request", { status: crmUp ? 200 : 400 }));

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  await server.api("PATCH", "/api/v1/settings", { allow_private_targets: true });
});
afterAll(async () => {
  await server.close();
  slack.stop();
  crm.stop();
});

async function deliver() {
  for (let i = 0; i < 3; i++) {
    server.worker.pump();
    await server.worker.idle();
  }
}
/** The alert messages received so far, each read as the official library verifies it when it was sent. */
function messages(): { text: string; fields: { title: string; value: string }[] }[] {
  const realNow = Date.now;
  try {
    return slack.received.map((r) => {
      // The library checks the timestamp against Date.now(): the (fake) time the message was sent.
      Date.now = () => Number(r.headers.get("webhook-timestamp")) * 1000;
      return new Webhook(SECRET).verify(r.body, Object.fromEntries(r.headers as unknown as Iterable<[string, string]>)) as never;
    });
  } finally {
    Date.now = realNow;
  }
}
const check = (oldestPendingAt: number | null, freeBytes: number | null) => server.db.transaction(() => server.services.alerts.check({ now: clock.now(), oldestPendingAt, freeBytes }))();

describe("alerts", () => {
  test("a destination is added with its secret write-only; a bad one is refused", async () => {
    const added = await server.api("POST", "/api/v1/alert-destinations", { url: `${slack.url}/hooks/alerts`, secret: SECRET });
    expect(added.status).toBe(201);
    expect(await added.json()).toEqual({ id: expect.any(Number), url: `${slack.url}/hooks/alerts`, secret: "********", created_at: expect.any(String) });
    const bad = await server.api("POST", "/api/v1/alert-destinations", { url: "mailto:ops@example.com" });
    expect((await bad.json()).error.code).toBe("invalid_alert_destination");
  });

  test("a delivery that fails for good alerts once; when a retry succeeds the alert is resolved, once", async () => {
    const flowNs = (await createBot(server)).flow_ns;
    const webhook = await createWebhook(server, flowNs, { active: true, identify: { phone: "phone" }, actions: [{ type: "http_request", url: `${crm.url}/leads` }] });
    await post(hookUrl(server, webhook), { phone: "+14155550990" });
    await deliver();
    const open = (await (await server.api("GET", "/api/v1/alerts")).json()).data;
    expect(open).toEqual([expect.objectContaining({ key: expect.stringMatching(/^delivery:/), title: "a http request delivery failed for good", resolved_at: null })]);
    expect(messages().map((m) => m.text)).toEqual(["Alert: a http request delivery failed for good"]);
    expect(messages()[0]!.fields).toContainEqual(expect.objectContaining({ title: "error", value: "HTTP 400" }));

    crmUp = true;
    await server.api("POST", `/api/v1/deliveries/${open[0].details.delivery}/retry`);
    await deliver();
    expect((await (await server.api("GET", "/api/v1/alerts")).json()).data).toEqual([]);
    expect(messages().map((m) => m.text)).toEqual(["Alert: a http request delivery failed for good", "Resolved: a http request delivery failed for good"]);
  });

  test("the oldest pending delivery waiting past the threshold alerts once, and resolves once; thresholds are editable", async () => {
    const before = slack.received.length;
    check(clock.now() - 16 * 60_000, null);
    check(clock.now() - 17 * 60_000, null);
    await deliver();
    expect(slack.received.length - before).toBe(1);
    expect(messages().at(-1)!.text).toBe("Alert: deliveries are waiting too long");
    check(null, null);
    await deliver();
    expect(messages().at(-1)!.text).toBe("Resolved: deliveries are waiting too long");

    expect(await (await server.api("PATCH", "/api/v1/alert-thresholds", { pending_minutes: 60 })).json()).toEqual({ pending_minutes: 60, rejections_per_15_minutes: 50, target_failure_percent: 70, target_min_attempts: 10, free_disk_mb: 500 });
    check(clock.now() - 30 * 60_000, null);
    expect(server.services.alerts.isOpen("pending_age")).toBe(false);
  });

  test("a webhook refusing more than the threshold in 15 minutes alerts once; it resolves once the window holds fewer", async () => {
    const refused = (n: number) => Array.from({ length: n }, () => ({ webhook_id: 7, received_at: clock.now() }));
    server.db.transaction(() => server.services.alerts.check({ now: clock.now(), oldestPendingAt: null, freeBytes: null, refusedRequests: refused(50) }))();
    expect(server.services.alerts.isOpen("rejections:7")).toBe(false); // 50 is the threshold: more alerts
    server.db.transaction(() => server.services.alerts.check({ now: clock.now(), oldestPendingAt: null, freeBytes: null, refusedRequests: refused(1) }))();
    expect(server.services.alerts.open().find((a) => a.key === "rejections:7")).toMatchObject({ title: "inbound webhook 7 refuses many requests", details: { "refused in 15 minutes": "51" } });
    clock.advance(16 * 60_000);
    server.db.transaction(() => server.services.alerts.check({ now: clock.now(), oldestPendingAt: null, freeBytes: null }))();
    expect(server.services.alerts.isOpen("rejections:7")).toBe(false);
    await deliver();
    expect(messages().map((m) => m.text).slice(-2)).toEqual(["Alert: inbound webhook 7 refuses many requests", "Resolved: inbound webhook 7 refuses many requests"]);
  });

  test("storage that refused writes is told once it works again, with when it began and ended", async () => {
    const from = clock.now();
    server.services.alerts.storageFailed(from);
    server.services.alerts.storageFailed(from + 30_000);
    clock.advance(60_000);
    server.db.transaction(() => server.services.alerts.storageRecovered(clock.now()))();
    server.db.transaction(() => server.services.alerts.storageRecovered(clock.now()))(); // once
    await deliver();
    const sent = messages().filter((m) => m.text.includes("could not be written"));
    expect(sent.map((m) => m.text)).toEqual(["Alert: the database could not be written", "Resolved: the database could not be written"]);
    expect(sent[0]!.fields).toContainEqual(expect.objectContaining({ title: "from", value: new Date(from).toISOString() }));
  });

  test("low disk alerts and resolves; a target whose circuit opens alerts and resolves when it closes; they arrive in order (one queue per destination)", async () => {
    check(null, 100 * 2 ** 20);
    expect(server.services.alerts.isOpen("disk_low")).toBe(true);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain("switchboard_alerts_open 1");
    check(null, 10 * 2 ** 30);
    expect(server.services.alerts.isOpen("disk_low")).toBe(false);

    await server.api("PATCH", "/api/v1/alert-thresholds", { target_min_attempts: 20 });
    server.db.transaction(() => {
      for (let i = 0; i < 19; i++) server.services.circuits.record("https://down.example.com", 503, null, clock.now());
    })();
    expect(server.services.alerts.isOpen("circuit:https://down.example.com")).toBe(false); // 19 tries: under the edited minimum
    server.db.transaction(() => server.services.circuits.record("https://down.example.com", 503, null, clock.now()))();
    expect(server.services.alerts.isOpen("circuit:https://down.example.com")).toBe(true);
    server.db.transaction(() => server.services.circuits.enable("https://down.example.com", clock.now()))();
    expect(server.services.alerts.isOpen("circuit:https://down.example.com")).toBe(false);
    await deliver();
    expect(messages().map((m) => m.text).slice(-4)).toEqual([
      "Alert: the data directory's disk is nearly full",
      "Resolved: the data directory's disk is nearly full",
      "Alert: https://down.example.com is failing: its deliveries are held",
      "Resolved: https://down.example.com is failing: its deliveries are held",
    ]);
  });
});
