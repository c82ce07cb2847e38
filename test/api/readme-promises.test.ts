// README promises that no other test pinned, each checked against the running server: the disk
// check of /healthz, phone and email rules, which channels may write first, session and
// login-block times (on an injected clock), replay, max_deliveries_in_flight, the setup token at
// rest, webhook-id as the idempotency key, and the limiter metrics.
import { testEngine } from "../helpers/postgres";
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { fakeClock, standIn } from "../helpers/worker";

const servers: TestServer[] = [];
async function server(...args: Parameters<typeof startTestServer>) {
  const started = await startTestServer(...args);
  servers.push(started);
  return started;
}
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe("operations", () => {
  test("/healthz is 503 storage_unavailable while the data directory's disk has under 4 MiB free, 200 again once it has more", async () => {
    let free = 3 * 1024 * 1024;
    const s = await server({}, { freeBytes: () => free });
    const full = await fetch(`${s.url}/healthz`);
    expect(full.status).toBe(503);
    expect((await full.json()).error.code).toBe("storage_unavailable");
    free = 5 * 1024 * 1024;
    expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ status: "ok", database: testEngine() });
  });

  test("the limiter metrics count what each limiter refused", async () => {
    const s = await server({ adminPassword: "limiter metrics password" });
    for (let i = 0; i < 11; i++) await fetch(`${s.url}/admin/login`, { method: "POST", body: new URLSearchParams({ password: "wrong password!" }) });
    for (let i = 0; i < 31; i++) await fetch(`${s.url}/hooks/guess-${i}`, { method: "POST", body: "{}" });
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(text).toMatch(/^switchboard_limiter_rejections_total\{limiter="admin_login"\} 1$/m);
    expect(text).toMatch(/^switchboard_limiter_rejections_total\{limiter="unknown_token_per_ip"\} 1$/m);
  });
});

describe("decisions worth knowing", () => {
  test("UK drama numbers (07700 900xxx) are refused as phones", async () => {
    const s = await server();
    const bot = await createBot(s, { name: "UK", channel: "sms", default_country: "GB" });
    const response = await s.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: "07700 900123" });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("invalid_phone");
    expect((await s.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: "07911 123456" })).status).toBe(201);
  });

  test("an email belongs to one contact within a bot (in any case), and may be another bot's contact too", async () => {
    const s = await server();
    const one = await createBot(s, { name: "One", channel: "email" });
    const two = await createBot(s, { name: "Two", channel: "email" });
    expect((await s.api("POST", `/api/v1/bots/${one.flow_ns}/contacts`, { email: "ada@example.com" })).status).toBe(201);
    const again = await s.api("POST", `/api/v1/bots/${one.flow_ns}/contacts`, { email: "ADA@example.com " });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("contact_exists");
    expect((await s.api("POST", `/api/v1/bots/${two.flow_ns}/contacts`, { email: "ada@example.com" })).status).toBe(201);
  });

  const MAY_START = ["sms", "whatsapp", "voice", "email", "test"];
  const MAY_NOT = ["telegram", "messenger", "instagram", "webchat"];
  for (const channel of [...MAY_START, ...MAY_NOT]) {
    const may = MAY_START.includes(channel);
    test(`${channel}: an inbound webhook ${may ? "creates" : "does not create"} an unknown contact; one who writes first through the channel is created`, async () => {
      const s = await server();
      const bot = await createBot(s, { name: channel, channel, default_country: "US" });
      expect((await (await s.api("GET", `/api/v1/bots/${bot.flow_ns}`)).json()).can_initiate).toBe(may);
      const hook = await createWebhook(s, bot.flow_ns, { active: true, identify: { phone: "phone" } });
      const answer = await post(hookUrl(s, hook), { phone: "+14155550600" });
      expect(answer.status).toBe(may ? 200 : 422);
      if (!may) expect((await answer.json()).error.code).toBe("user_not_identified");
      const http = await (await s.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: "http://127.0.0.1:9/out" } })).json();
      const inbound = await fetch(`${s.url}${new URL(http.inbound_url).pathname}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: "+14155550601", text: "Hello" }) });
      expect(inbound.status).toBe(200);
      expect((await inbound.json()).created).toBe(true);
    });
  }
});

describe("admin sessions and logins, on an injected clock", () => {
  test("a session lasts 7 days", async () => {
    const clock = fakeClock();
    const s = await server({ adminPassword: "seven days password" }, { clock });
    const login = await fetch(`${s.url}/admin/login`, { method: "POST", body: new URLSearchParams({ password: "seven days password" }), redirect: "manual" });
    const cookie = /sb_session=[^;]+/.exec(login.headers.get("set-cookie") ?? "")![0];
    const home = () => fetch(`${s.url}/admin`, { headers: { cookie }, redirect: "manual" });
    clock.advance(7 * 86_400_000 - 60_000);
    expect((await home()).status).toBe(200);
    clock.advance(120_000);
    const expired = await home();
    expect(expired.status).toBe(303);
    expect(expired.headers.get("location")).toBe("/admin/login");
  });

  test("ten failed logins block the address; the block lifts after 15 minutes", async () => {
    const clock = fakeClock();
    const s = await server({ adminPassword: "fifteen minutes password" }, { clock });
    const attempt = (password: string) => fetch(`${s.url}/admin/login`, { method: "POST", body: new URLSearchParams({ password }), redirect: "manual" });
    for (let i = 0; i < 10; i++) expect((await attempt("wrong password!")).status).toBe(401);
    expect((await attempt("fifteen minutes password")).status).toBe(429);
    clock.advance(15 * 60_000 - 1_000);
    expect((await attempt("fifteen minutes password")).status).toBe(429);
    clock.advance(2_000);
    expect((await attempt("fifteen minutes password")).status).toBe(303);
  });

  test("the setup token is stored hashed: the one in the link is nowhere in the database", async () => {
    const s = await server();
    const token = /setup\?token=([A-Za-z0-9_-]+)/.exec(s.announced.join("\n"))![1]!;
    const dump = JSON.stringify(s.db.query("SELECT key, value FROM team_settings").all());
    expect(dump).not.toContain(token);
    expect(dump).toContain(createHash("sha256").update(token).digest("hex"));
  });
});

describe("inbound webhooks", () => {
  test("replaying a logged request skips the rate limit, the active check, the signature and idempotency", async () => {
    const s = await server();
    const bot = await createBot(s);
    const secret = `whsec_${Buffer.from("a replay secret of thirty-two b!").toString("base64")}`;
    const hook = await createWebhook(s, bot.flow_ns, { active: true, identify: { phone: "phone" }, actions: [{ type: "add_tag", tag: "seen" }], rate_limit: { capacity: 1, refill_seconds: 86_400 } });
    const first = await post(hookUrl(s, hook), { phone: "+14155550610" }, { "idempotency-key": "once" });
    expect(first.status).toBe(200);
    const logId = s.db.query<{ id: number }, [number]>("SELECT max(id) AS id FROM webhook_logs WHERE webhook_id = ?").get(hook.id)!.id;
    // Now the bucket is empty, the webhook inactive and signed: a new request would be refused.
    await s.api("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, { active: false, signing_secret: secret });
    expect((await post(hookUrl(s, hook), { phone: "+14155550610" })).status).toBe(429);
    const replays = await Promise.all([1, 2].map(() => s.api("POST", `/api/v1/inbound-webhooks/${hook.id}/logs/${logId}/replay`)));
    for (const replay of replays) expect(await replay.json()).toMatchObject({ status: 200, response: { ok: true, created: false } });
    const outcomes = s.db.query<{ outcome: string; replay_of: number | null }, [number]>("SELECT outcome, replay_of FROM webhook_logs WHERE webhook_id = ? ORDER BY id").all(hook.id);
    expect(outcomes).toEqual([{ outcome: "processed", replay_of: null }, { outcome: "rate_limited", replay_of: null }, { outcome: "processed", replay_of: logId }, { outcome: "processed", replay_of: logId }]);
  });

  test("webhook-id works as the idempotency key: the second request with it runs nothing", async () => {
    const s = await server();
    const bot = await createBot(s);
    const hook = await createWebhook(s, bot.flow_ns, { active: true, identify: { phone: "phone" }, actions: [{ type: "send_text", text: "Thanks!" }] });
    const first = await (await post(hookUrl(s, hook), { phone: "+14155550620" }, { "webhook-id": "evt_42" })).json();
    const second = await (await post(hookUrl(s, hook), { phone: "+14155550620" }, { "webhook-id": "evt_42" })).json();
    expect(second).toEqual(first);
    expect(s.db.query("SELECT count(*) AS n FROM messages").get()).toEqual({ n: 1 });
    expect(s.db.query<{ outcome: string }, []>("SELECT outcome FROM webhook_logs ORDER BY id").all().map((row) => row.outcome)).toEqual(["processed", "duplicate"]);
  });
});

describe("deliveries", () => {
  test("no more than max_deliveries_in_flight are sent at once", async () => {
    let open = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const receiver = standIn(async () => {
      most = Math.max(most, ++open);
      await gate;
      open--;
      return new Response("ok");
    });
    const s = await server();
    await s.api("PATCH", "/api/v1/settings", { max_deliveries_in_flight: 2 });
    const bot = await createBot(s);
    const hook = await createWebhook(s, bot.flow_ns, { active: true, identify: { phone: "phone" }, actions: [{ type: "http_request", url: `${receiver.url}/crm`, body: { p: "{{phone}}" } }] });
    // Five contacts: five orders that need not wait for one another.
    for (let i = 0; i < 5; i++) expect((await post(hookUrl(s, hook), { phone: `+1415555063${i}` })).status).toBe(200);
    for (const until = Date.now() + 5_000; receiver.received.length < 2; await Bun.sleep(5)) if (Date.now() > until) throw new Error("nothing was sent");
    // All five were queued before the first two arrived: two are out, three wait for a slot.
    expect(s.services.deliveries.counts()).toMatchObject({ sending: 2, pending: 3 });
    expect(most).toBe(2);
    release();
    for (const until = Date.now() + 5_000; s.services.deliveries.counts().succeeded < 5; await Bun.sleep(5)) if (Date.now() > until) throw new Error("not all were delivered");
    expect(most).toBe(2);
    receiver.stop();
  });
});
