// Retrying failed deliveries in bulk: a filter (kind, target, bot, when they failed), a preview
// with the count, a confirmation by that count, and the retry paced (each one due later than the
// one before). Deliveries fail against stand-in receivers; time moves on a fake clock.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { fakeClock, standIn } from "../helpers/worker";

let server: TestServer;
const clock = fakeClock(Date.now());
const down = standIn(() => new Response("no", { status: 400 }));
const other = standIn(() => new Response("no", { status: 400 }));
let crmBot: string;
let shopBot: string;

/** A lead whose http_request goes to `url` and fails there at once (400). */
async function failingLead(flowNs: string, url: string, phone: string) {
  const webhook = await createWebhook(server, flowNs, { active: true, identify: { phone: "phone" }, actions: [{ type: "http_request", url }] });
  expect((await post(hookUrl(server, webhook), { phone })).status).toBe(200);
}

async function deliverAll() {
  server.worker.pump();
  await server.worker.idle();
}

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  await server.api("PATCH", "/api/v1/settings", { allow_private_targets: true, max_inbound_webhooks_per_bot: 100 });
  crmBot = (await createBot(server, { name: "CRM", channel: "sms", default_country: "US" })).flow_ns;
  shopBot = (await createBot(server, { name: "Shop", channel: "sms", default_country: "US" })).flow_ns;
  for (let i = 0; i < 4; i++) await failingLead(crmBot, `${down.url}/leads`, `+1415555097${i}`);
  await failingLead(shopBot, `${other.url}/orders`, "+14155550980");
  await deliverAll();
  clock.advance(3600_000);
  await failingLead(crmBot, `${down.url}/leads`, "+14155550979"); // failed an hour later
  await deliverAll();
  // Stopped: what a retry queues stays as it queued it, to be read.
  await server.worker.stop(100);
});
afterAll(async () => {
  await server.close();
  down.stop();
  other.stop();
});

const preview = async (filter: Record<string, unknown>) => (await server.api("POST", "/api/v1/deliveries/retry/preview", filter)).json();
const failedRows = () => server.db.query("SELECT id, target_url, next_attempt_at FROM deliveries WHERE state = 'failed' ORDER BY id").all() as { id: number; target_url: string }[];

describe("bulk retry", () => {
  test("the preview counts what a filter picks: target, bot, kind, when it failed", async () => {
    expect(failedRows()).toHaveLength(6);
    expect((await preview({})).count).toBe(6);
    expect((await preview({ target: "/leads" })).count).toBe(5);
    expect((await preview({ bot: shopBot })).count).toBe(1);
    expect((await preview({ kind: "relay" })).count).toBe(0);
    const anHourAgo = new Date(clock.now() - 1800_000).toISOString();
    expect((await preview({ target: "/leads", to: anHourAgo })).count).toBe(4);
    expect((await preview({ target: "/leads", from: anHourAgo })).count).toBe(1);
    expect(await preview({ target: "/leads", to: anHourAgo })).toEqual({ count: 4, until_id: expect.any(Number), seconds: 1, per_second: 20 });
  });

  test("confirmed by its count, the retry queues exactly those again, each due 50 ms after the one before", async () => {
    const anHourAgo = new Date(clock.now() - 1800_000).toISOString();
    const seen = await preview({ target: "/leads", to: anHourAgo });
    const stale = await server.api("POST", "/api/v1/deliveries/retry", { state: "failed", target: "/leads", to: anHourAgo, until_id: seen.until_id, expected_count: 5 });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.code).toBe("retry_count_changed");

    const now = clock.now();
    const answer = await (await server.api("POST", "/api/v1/deliveries/retry", { state: "failed", target: "/leads", to: anHourAgo, until_id: seen.until_id, expected_count: 4 })).json();
    expect(answer).toEqual({ retried: 4, last_due_at: new Date(now + 150).toISOString() });
    const pending = server.db.query("SELECT next_attempt_at FROM deliveries WHERE state = 'pending' ORDER BY id").all() as { next_attempt_at: number }[];
    expect(pending.map((row) => row.next_attempt_at - now)).toEqual([0, 50, 100, 150]);
    expect(failedRows().map((row) => new URL(row.target_url).pathname)).toEqual(["/orders", "/leads"]); // the other bot's and the later one stay failed
  });

  test("nothing matching is 422; without a count the old route still queues every failed delivery at once", async () => {
    const none = await server.api("POST", "/api/v1/deliveries/retry", { state: "failed", kind: "relay", until_id: 1_000_000, expected_count: 1 });
    expect(none.status).toBe(422);
    expect((await none.json()).error.code).toBe("nothing_to_retry");
    const all = await (await server.api("POST", "/api/v1/deliveries/retry", { state: "failed" })).json();
    expect(all).toEqual({ retried: 2 });
    expect(failedRows()).toEqual([]);
  });
});
