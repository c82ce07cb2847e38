// Replay in bulk: preview, confirmation by count, the background job, its pace, cancel, errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { count, createBot, createWebhook, hookUrl, post } from "../helpers/inbound";

let server: TestServer;
let flowNs: string;

beforeAll(async () => {
  server = await startTestServer();
  await server.api("PATCH", "/api/v1/settings", { max_inbound_webhooks_per_bot: 100 });
  flowNs = (await createBot(server)).flow_ns;
});
afterAll(() => server.close());

const replays = (id: number) => `/api/v1/inbound-webhooks/${id}/replays`;
const json = async (response: Response) => ({ status: response.status, body: await response.json() });

/** A webhook that logged `n` requests it could not identify (no identification set yet). */
async function webhookWithFailures(n: number, phonePrefix: string) {
  const webhook = await createWebhook(server, flowNs, { active: true });
  for (let i = 0; i < n; i++) expect((await post(hookUrl(server, webhook), { phone: `${phonePrefix}${String(i).padStart(3, "0")}` })).status).toBe(422);
  const patched = await server.api("PATCH", `/api/v1/inbound-webhooks/${webhook.id}`, { identify: { phone: "phone" }, actions: [{ type: "add_tag", tag: "replayed" }] });
  expect(patched.status).toBe(200);
  return webhook;
}

async function waitFor(webhookId: number, replayId: number, state: string) {
  for (let i = 0; i < 200; i++) {
    const job = await (await server.api("GET", `${replays(webhookId)}/${replayId}`)).json();
    if (job.state === state) return job;
    await Bun.sleep(50);
  }
  throw new Error(`replay ${replayId} did not reach ${state}`);
}

describe("bulk replay", () => {
  test("preview counts the matching requests and says what runs; a confirmed job replays each once, in the background", async () => {
    const webhook = await webhookWithFailures(5, "+14155506");
    const preview = await json(await server.api("POST", `${replays(webhook.id)}/preview`, { outcome: "user_not_identified" }));
    expect(preview).toEqual({ status: 200, body: { count: 5, until_log_id: expect.any(Number), mappings: 0, actions: [{ action: "Add tag: replayed", acts_outside: null }] } });

    const started = await json(await server.api("POST", replays(webhook.id), { outcome: "user_not_identified", until_log_id: preview.body.until_log_id, expected_count: 5 }));
    expect(started).toMatchObject({ status: 202, body: { total: 5, done: 0, state: "running", filter: { outcome: "user_not_identified", from: null, to: null } } });
    const finished = await waitFor(webhook.id, started.body.id, "done");
    expect(finished).toMatchObject({ total: 5, done: 5, finished_at: expect.any(String) });

    const replayed = server.db.query("SELECT replay_of, outcome FROM webhook_logs WHERE webhook_id = ? AND replay_of IS NOT NULL ORDER BY id").all(webhook.id) as { replay_of: number; outcome: string }[];
    expect(replayed.map((r) => r.outcome)).toEqual(["processed", "processed", "processed", "processed", "processed"]);
    expect(new Set(replayed.map((r) => r.replay_of)).size).toBe(5);
    expect(count(server, "SELECT count(*) AS n FROM contacts WHERE phone LIKE '+14155506%' AND tags = '[\"replayed\"]'")).toBe(5);
    // The replayed rows are newer than the confirmation: the same filter now matches them too, not the job.
    expect((await json(await server.api("GET", replays(webhook.id)))).body.data[0]).toMatchObject({ id: started.body.id, state: "done", done: 5 });
  });

  test("a count that changed since the preview is refused with 409 and the new count; nothing matching is 422", async () => {
    const webhook = await webhookWithFailures(3, "+14155516");
    const preview = (await json(await server.api("POST", `${replays(webhook.id)}/preview`, {}))).body;
    expect(preview.count).toBe(3);
    const stale = await json(await server.api("POST", replays(webhook.id), { until_log_id: preview.until_log_id, expected_count: 4 }));
    expect(stale).toEqual({ status: 409, body: { error: { code: "replay_count_changed", message: "The filter matched 4 requests when confirmed and matches 3 now (logs were pruned); confirm again." } } });
    const none = await json(await server.api("POST", replays(webhook.id), { outcome: "processed", until_log_id: preview.until_log_id, expected_count: 1 }));
    expect(none).toMatchObject({ status: 422, body: { error: { code: "nothing_to_replay" } } });
    expect((await json(await server.api("GET", replays(webhook.id)))).body.data).toEqual([]);
  });

  test("a time range picks the requests received in it", async () => {
    const webhook = await webhookWithFailures(2, "+14155526");
    await Bun.sleep(20);
    const middle = new Date().toISOString();
    await Bun.sleep(20);
    for (const phone of ["+14155550629", "+14155550628", "+14155550627"]) await post(hookUrl(server, webhook), { nothing: phone });
    const before = (await json(await server.api("POST", `${replays(webhook.id)}/preview`, { to: middle }))).body;
    const after = (await json(await server.api("POST", `${replays(webhook.id)}/preview`, { from: middle }))).body;
    expect([before.count, after.count]).toEqual([2, 3]);
    const backwards = await json(await server.api("POST", `${replays(webhook.id)}/preview`, { from: middle, to: middle }));
    expect(backwards).toEqual({ status: 422, body: { error: { code: "invalid_replay_filter", message: "to: must be after 'from'" } } });
  });

  test("paced: 100 replays take at least two seconds (at most 50 a second)", async () => {
    const webhook = await webhookWithFailures(100, "+14155536");
    const preview = (await json(await server.api("POST", `${replays(webhook.id)}/preview`, {}))).body;
    const job = (await json(await server.api("POST", replays(webhook.id), { until_log_id: preview.until_log_id, expected_count: 100 }))).body;
    await waitFor(webhook.id, job.id, "done");
    const times = (server.db.query("SELECT received_at FROM webhook_logs WHERE webhook_id = ? AND replay_of IS NOT NULL ORDER BY id").all(webhook.id) as { received_at: number }[]).map((r) => r.received_at);
    expect(times).toHaveLength(100);
    // 20 ticks of 100 ms at 5 replays each: the first and the last are at least 19 ticks apart.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1900);
  }, 30_000);

  test("cancel stops the job before its next request; what was replayed stays", async () => {
    const webhook = await webhookWithFailures(60, "+14155546");
    const preview = (await json(await server.api("POST", `${replays(webhook.id)}/preview`, {}))).body;
    const job = (await json(await server.api("POST", replays(webhook.id), { until_log_id: preview.until_log_id, expected_count: 60 }))).body;
    await Bun.sleep(250);
    const cancelled = (await json(await server.api("POST", `${replays(webhook.id)}/${job.id}/cancel`, {}))).body;
    expect(cancelled.state).toBe("cancelled");
    await Bun.sleep(400);
    const later = (await json(await server.api("GET", `${replays(webhook.id)}/${job.id}`))).body;
    const replayedRows = count(server, "SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ? AND replay_of IS NOT NULL", webhook.id);
    expect(later.done).toBe(replayedRows);
    expect(replayedRows).toBeGreaterThan(0);
    expect(replayedRows).toBeLessThan(60);
    expect(later.done).toBeLessThanOrEqual(cancelled.done + 1); // at most the one under way when cancelled
  });

  test("a bad filter is refused naming the field; another bot's token cannot reach the job", async () => {
    const webhook = await createWebhook(server, flowNs);
    const badOutcome = await json(await server.api("POST", `${replays(webhook.id)}/preview`, { outcome: "maybe" }));
    expect(badOutcome.status).toBe(422);
    expect(badOutcome.body.error.message).toStartWith("field 'outcome'");
    expect((await server.api("GET", `${replays(webhook.id)}/999`)).status).toBe(404);
  });
});
