// Idempotency keys on signed webhooks: a captured signed message cannot be replayed under a new
// unsigned Idempotency-Key; and keys are compared whole, however long.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sign } from "../../src/lib/standard-webhooks";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";

const SECRET = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const outcomes = (webhookId: number) => (server.db.query("SELECT outcome FROM webhook_logs WHERE webhook_id = ? ORDER BY id").all(webhookId) as { outcome: string }[]).map((r) => r.outcome);

describe("replay protection", () => {
  test("a captured signed message sent again with a new Idempotency-Key is a duplicate: nothing runs twice", async () => {
    const bot = await createBot(server);
    const webhook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "phone" }, signing_secret: SECRET, actions: [{ type: "send_text", text: "Your order is confirmed" }] });
    const body = JSON.stringify({ phone: "+14155552671" });
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = { "webhook-id": "msg_captured", "webhook-timestamp": String(timestamp), "webhook-signature": sign(SECRET, "msg_captured", timestamp, body) };
    const first = await post(hookUrl(server, webhook), body, { ...signed, "idempotency-key": "first" });
    expect(first.status).toBe(200);
    const replayed = await post(hookUrl(server, webhook), body, { ...signed, "idempotency-key": "attacker-chosen" });
    expect(replayed.status).toBe(200);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(outcomes(webhook.id)).toEqual(["processed", "duplicate"]);
    const sent = server.db.query("SELECT count(*) AS n FROM messages WHERE direction = 'out' AND content = 'Your order is confirmed'").get() as { n: number };
    expect(sent.n).toBe(1);
  });

  test("long keys are compared whole: two that share their first 200 characters are different requests", async () => {
    const bot = await createBot(server);
    const webhook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "phone" } });
    const prefix = "k".repeat(250);
    const send = (key: string) => post(hookUrl(server, webhook), { phone: "+14155552672" }, { "idempotency-key": key });
    expect((await send(`${prefix}-one`)).headers.get("idempotent-replayed")).toBeNull();
    expect((await send(`${prefix}-two`)).headers.get("idempotent-replayed")).toBeNull();
    expect((await send(`${prefix}-one`)).headers.get("idempotent-replayed")).toBe("true");
    expect(outcomes(webhook.id)).toEqual(["processed", "processed", "duplicate"]);
  });
});
