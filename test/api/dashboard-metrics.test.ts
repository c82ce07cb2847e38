// What operators watch: /metrics (ingest by outcome, limiter rejections, the delivery queue,
// attempt latency) and the admin's last-24-hours charts, which survive a restart.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { startTestServer, tempDir, type TestServer } from "../helpers/server";
import { fakeClock, standIn } from "../helpers/worker";

const dataDir = tempDir("sb-dashboard-");
const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  rmSync(dataDir, { recursive: true, force: true });
});

// Time moves only when the test says so (bucket refills, the age of a queued delivery).
const clock = fakeClock();
const start = (): Promise<TestServer> => startTestServer({ dataDir, adminPassword: "dashboard password" }, { clock });
/** Until `check` holds; a deadline instead of a guess at how long it takes. */
async function until(check: () => boolean, what: string) {
  for (const deadline = Date.now() + 5_000; !check(); await Bun.sleep(5)) if (Date.now() > deadline) throw new Error(`never: ${what}`);
}
const metricsOf = async (server: TestServer) => (await fetch(`${server.url}/metrics`)).text();
const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}()[\]+.*?^$|\\]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
async function adminHome(server: TestServer) {
  const login = await fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ password: "dashboard password" }), redirect: "manual" });
  const cookie = /sb_session=[^;]+/.exec(login.headers.get("set-cookie") ?? "")![0];
  return (await fetch(`${server.url}/admin`, { headers: { cookie } })).text();
}

test("metrics, then charts that survive a restart", async () => {
  const receiver = standIn(() => new Response("ok"));
  cleanup.push(receiver.stop);
  const server = await start();
  const bot = await (await server.api("POST", "/api/v1/bots", { name: "Dash", channel: "sms", default_country: "US" })).json();
  const hook = await (await server.api("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "w" })).json();
  await server.api("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, {
    active: true,
    identify: { phone: "phone" },
    actions: [{ type: "http_request", url: `${receiver.url}/crm`, method: "POST", body: { p: "{{phone}}" } }],
    rate_limit: { capacity: 2, refill_seconds: 86_400 },
  });
  const url = `${server.url}${new URL(hook.url).pathname}`;
  const post = (body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect((await post({ phone: "+14155550101" })).status).toBe(200);
  expect((await post({ nobody: true })).status).toBe(422);
  expect((await post({ phone: "+14155550102" })).status).toBe(429);
  expect((await fetch(`${server.url}/hooks/no-such-webhook-token`, { method: "POST", body: "{}" })).status).toBe(404);
  await until(() => receiver.received.length >= 1, "the CRM request arrived");
  await server.worker.idle();

  let text = await metricsOf(server);
  expect(value(text, 'switchboard_inbound_requests_total{outcome="processed"}')).toBe(1);
  expect(value(text, 'switchboard_inbound_requests_total{outcome="user_not_identified"}')).toBe(1);
  expect(value(text, 'switchboard_inbound_requests_total{outcome="rate_limited"}')).toBe(1);
  expect(value(text, 'switchboard_inbound_requests_total{outcome="unknown_token"}')).toBe(1);
  expect(value(text, 'switchboard_limiter_rejections_total{limiter="webhook_bucket"}')).toBe(1);
  expect(value(text, 'switchboard_deliveries{state="succeeded"}')).toBe(1);
  expect(value(text, "switchboard_delivery_queue_depth")).toBe(0);
  expect(value(text, "switchboard_delivery_oldest_pending_seconds")).toBe(0);
  expect(value(text, "switchboard_delivery_attempt_duration_seconds_count")).toBe(1);
  expect(value(text, 'switchboard_delivery_attempt_duration_seconds_bucket{le="+Inf"}')).toBe(1);
  expect(value(text, 'switchboard_delivery_attempt_duration_seconds_bucket{le="10"}')).toBe(1);

  // A delivery nobody can take stays queued: the queue gauges show it, and its age grows.
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const closedPort = probe.port;
  probe.stop(true);
  await server.api("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, { actions: [{ type: "http_request", url: `http://127.0.0.1:${closedPort}/down`, method: "POST", body: null }], rate_limit: { capacity: 10, refill_seconds: 1 } });
  clock.advance(1_000); // the bucket refills from where it was
  expect((await post({ phone: "+14155550101" })).status).toBe(200);
  await until(() => server.services.deliveries.counts().pending === 1 && server.db.query<{ n: number }, []>("SELECT count(*) AS n FROM deliveries WHERE state = 'pending' AND attempts = 1").get()!.n === 1, "the down target was tried once");
  await server.worker.idle();
  clock.advance(42_000);
  text = await metricsOf(server);
  expect(value(text, 'switchboard_deliveries{state="pending"}')).toBe(1);
  expect(value(text, "switchboard_delivery_queue_depth")).toBe(1);
  expect(value(text, "switchboard_delivery_oldest_pending_seconds")).toBe(42);

  // The admin home charts the day: 4 logged requests (the unknown token is not a webhook's), 1 delivered.
  const page = await adminHome(server);
  expect(page).toContain("Last 24 hours");
  expect(page).toMatch(/Webhook requests: <strong>4<\/strong>/);
  expect(page).toMatch(/Deliveries: <strong>1<\/strong>/);
  expect((page.match(/<rect /g) ?? []).length).toBe(24 * 3);
  await server.stop();

  const again = await start();
  cleanup.push(() => again.close());
  const after = await adminHome(again);
  expect(after).toMatch(/Webhook requests: <strong>4<\/strong>/);
  expect(after).toMatch(/Deliveries: <strong>1<\/strong>/);
});
