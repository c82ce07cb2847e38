// The live-chat relay end to end with a stand-in company platform: nothing relayed unless
// paused, the exact payload, answering back, ordering under failures, restarts, expiry.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { rmSync } from "node:fs";
import { startTestServer, tempDir, type TestServer } from "../helpers/server";
import { createBot } from "../helpers/inbound";
import { fakeClock, standIn } from "../helpers/worker";
import { adminSession } from "../helpers/admin";

const clock = fakeClock();
let server: TestServer;
let failRate = 0;
let seed = 7;
const flaky = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) < failRate;
/** Bodies the platform accepted (answered 2xx), in arrival order. */
const accepted: { message: { content: string } }[] = [];
/** While true, the platform answers 503 to everything. */
let platformDown = false;
const platform = standIn((_, body) => {
  if (platformDown || flaky()) return new Response("flap", { status: 503 });
  accepted.push(JSON.parse(body));
  return new Response("ok");
});
const gateway = standIn(() => new Response("sent"));
const secretBytes = Buffer.from("platform secret, thirty-two byte");
let flowNs: string;
let inboundUrl: string;
const stops: (() => unknown)[] = [];

const relayed = () => platform.received.filter((r) => r.path === "/livechat").map((r) => JSON.parse(r.body));
async function drain(rounds = 50) {
  for (let i = 0; i < rounds; i++) {
    server.worker.pump();
    await server.worker.idle();
    if (server.services.deliveries.counts().pending === 0) return;
    clock.advance(3600_000);
  }
}
const say = (from: string, text: string) => fetch(inboundUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from, text }) });

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  const put = await server.api("PUT", "/api/v1/integrations/webhook", {
    url: `${platform.url}/livechat`,
    headers: [{ name: "X-Platform-Key", value: "pk_live_1" }],
    secret: `whsec_${secretBytes.toString("base64")}`,
    enabled: true,
  });
  expect(put.status).toBe(200);
  flowNs = (await createBot(server, { name: "WhatsApp", channel: "whatsapp", default_country: "US" })).flow_ns;
  const bot = await (await server.api("PATCH", `/api/v1/bots/${flowNs}`, { live_chat: "webhook", provider: "http", provider_settings: { url: `${gateway.url}/send` } })).json();
  inboundUrl = `${server.url}${new URL(bot.inbound_url).pathname}`;
});
afterAll(async () => {
  platform.stop();
  gateway.stop();
  for (const stop of stops) await stop();
  await server.close();
});

describe("live-chat relay", () => {
  test("the integration's header values and secret are write-only", async () => {
    const integration = await (await server.api("GET", "/api/v1/integrations/webhook")).json();
    expect(integration).toEqual({ url: `${platform.url}/livechat`, headers: [{ name: "X-Platform-Key", value: "********" }], secret: "********", previous_secret_expires_at: null, enabled: true });
    const bad = await server.api("PUT", "/api/v1/integrations/webhook", { url: "gopher://x" });
    expect(bad.status).toBe(422);
  });

  test("while the bot is not paused, messages are stored and not relayed (http and test channels)", async () => {
    expect((await say("+14155550180", "Hello?")).status).toBe(200);
    const testBot = server.services.bots.create({ name: "Test channel", channel: "test", default_country: "US" });
    server.services.bots.update(testBot.flow_ns, { live_chat: "webhook" });
    const fresh = server.services.bots.get(testBot.flow_ns);
    const contact = server.services.contacts.create(fresh, { phone: "+14155550189" });
    server.db.transaction(() => server.services.channels.receiveIn(fresh, { from: contact.user_ns, text: "typed in the admin" }))();
    await drain();
    expect(relayed()).toHaveLength(0);
    expect(server.services.messages.recent(contact.id)[0]).toMatchObject({ direction: "in", content: "typed in the admin" });
  });

  test("paused: the next message arrives with exactly the documented payload", async () => {
    const contact = server.services.contacts.findByPhone(server.services.bots.get(flowNs).id, "+14155550180")!;
    server.services.contacts.update(contact.user_ns, { first_name: "Ada", last_name: "Lovelace" });
    const paused = await server.api("POST", `/api/v1/contacts/${contact.user_ns}/pause`, {});
    expect((await paused.json()).paused_until).toBe("forever");
    await server.api("POST", `/api/v1/contacts/${contact.user_ns}/assign`, { agent_id: 42 });
    const sentAt = clock.now();
    const answer = await (await say("+14155550180", "I need a human")).json();
    await drain();
    const request = platform.received.at(-1)!;
    const body = JSON.parse(request.body);
    const message = server.services.messages.recent(contact.id)[0]!;
    expect(body).toStrictEqual({
      meta: { user_ns: contact.user_ns, agent_id: 42, agent_name: null, flow_ns: flowNs, team_id: server.services.settings.get().team_id },
      message: {
        _id: answer.message_id,
        mid: message.public_id,
        type: "in",
        msg_type: "text",
        sender_id: contact.user_ns,
        agent_id: 0,
        assigned_agent_id: 42,
        payload: { text: "I need a human" },
        content: "I need a human",
        username: "Ada Lovelace",
        date: new Date(sentAt).toISOString().replace("T", " ").slice(0, 19),
        timestamp: sentAt,
        ts: Math.floor(sentAt / 1000),
        is_delivered: 1,
        seen: "",
      },
    });
    expect(typeof body.meta.team_id).toBe("number");
    expect(Number.isInteger(body.message.timestamp) && body.message.timestamp > 1e12).toBe(true);
    expect(request.headers.get("x-platform-key")).toBe("pk_live_1");
    expect(request.headers.get("content-type")).toBe("application/json");
    const signature = createHmac("sha256", secretBytes).update(`${request.headers.get("webhook-id")}.${request.headers.get("webhook-timestamp")}.${request.body}`).digest("base64");
    expect(request.headers.get("webhook-signature")).toBe(`v1,${signature}`);
  });

  test("the platform answers with send-text; the contact's channel receives it as the agent", async () => {
    const contact = server.services.contacts.findByPhone(server.services.bots.get(flowNs).id, "+14155550180")!;
    const { token } = server.services.tokens.create("platform", null, 42);
    const response = await fetch(`${server.url}/api/subscriber/send-text`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ user_ns: contact.user_ns, content: "Hi Ada, this is Sam." }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: "ok", data: { type: "out", content: "Hi Ada, this is Sam.", agent_id: 42 } });
    await drain();
    expect(JSON.parse(gateway.received.at(-1)!.body)).toMatchObject({ user_ns: contact.user_ns, text: "Hi Ada, this is Sam.", to: { phone: "+14155550180" } });
  });

  test("a message type other than text carries its URL or coordinates", async () => {
    await fetch(inboundUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: "+14155550180", msg_type: "location", payload: { latitude: 51.5, longitude: -0.12 } }) });
    await drain();
    const body = JSON.parse(platform.received.at(-1)!.body);
    expect(body.message).toMatchObject({ msg_type: "location", payload: { latitude: 51.5, longitude: -0.12 }, content: "[location] 51.5,-0.12" });
  });

  test("200 messages from 5 contacts while the platform fails 30%: each contact's arrive in order", async () => {
    const phones = Array.from({ length: 5 }, (_, i) => `+1415555019${i}`);
    for (const phone of phones) await say(phone, "hi");
    const bot = server.services.bots.get(flowNs);
    for (const phone of phones) server.services.contacts.pause(server.services.contacts.findByPhone(bot.id, phone)!.user_ns, null);
    const before = accepted.length;
    const attemptsBefore = platform.received.length;
    failRate = 0.3;
    for (let n = 0; n < 40; n++) for (const phone of phones) expect((await say(phone, `${phone} #${n}`)).status).toBe(200);
    await drain(400);
    failRate = 0;
    expect(platform.received.length - attemptsBefore).toBeGreaterThan(200); // failures did happen
    const arrived = accepted.slice(before).map((body) => body.message.content);
    for (const phone of phones) {
      // Exactly once each, in the contact's order.
      expect(arrived.filter((c) => c.startsWith(`${phone} #`))).toEqual(Array.from({ length: 40 }, (_, n) => `${phone} #${n}`));
    }
    expect(server.services.deliveries.counts()).toMatchObject({ pending: 0, failed: 0 });
  });

  test("a pause with minutes expires", async () => {
    const bot = server.services.bots.get(flowNs);
    await say("+14155550181", "first");
    const contact = server.services.contacts.findByPhone(bot.id, "+14155550181")!;
    const response = await fetch(`${server.url}/api/subscriber/pause-bot`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ user_ns: contact.user_ns, minutes: 10 }),
    });
    expect((await response.json()).data.paused_until).toBe(new Date(clock.now() + 600_000).toISOString());
    const count = () => relayed().filter((b) => b.meta.user_ns === contact.user_ns).length;
    await say("+14155550181", "while paused");
    await drain();
    expect(count()).toBe(1);
    clock.advance(11 * 60_000);
    await say("+14155550181", "after the pause");
    await drain();
    expect(count()).toBe(1);
  });

  test("disabling the integration mid-way: queued relays still go, new ones are not queued", async () => {
    const bot = server.services.bots.get(flowNs);
    const contact = server.services.contacts.findByPhone(bot.id, "+14155550180")!;
    const contentsFor = () => accepted.filter((b) => (b as { meta?: { user_ns?: string } }).meta?.user_ns === contact.user_ns).map((b) => b.message.content);
    const before = contentsFor().length;
    platformDown = true;
    await say("+14155550180", "queued before disabling");
    server.worker.pump();
    await server.worker.idle(); // one try, refused: it waits for its retry
    await server.api("PUT", "/api/v1/integrations/webhook", { enabled: false });
    await say("+14155550180", "after disabling");
    const relays = server.db.query("SELECT body FROM deliveries WHERE kind = 'relay' AND state = 'pending'").all() as { body: string }[];
    expect(relays.map((r) => JSON.parse(r.body).message.content)).toEqual(["queued before disabling"]);
    // The platform comes back while the integration is still off: the queued relay is delivered.
    platformDown = false;
    await drain();
    expect(contentsFor().slice(before)).toEqual(["queued before disabling"]);
    expect(server.services.messages.recent(contact.id, 1)[0]).toMatchObject({ content: "after disabling", relay: "integration_off" });
    await server.api("PUT", "/api/v1/integrations/webhook", { enabled: true });
  });
  test("an agent's reply from the Inbox carries their name: in the conversation, and as the agent of the contact's next relayed message", async () => {
    const { accounts, bots, contacts, messages } = server.services;
    await accounts.setPassword("grace's password", { username: "grace", role: "agent" });
    const graceId = accounts.users().find((user) => user.username === "grace")!.id;
    await accounts.setPassword("alan's password", { username: "alan", role: "agent" });
    const grace = await adminSession(server, "grace's password", "grace");
    await say("+14155550190", "anyone there?");
    const contact = contacts.findByPhone(bots.get(flowNs).id, "+14155550190")!;
    await server.api("POST", `/api/v1/contacts/${contact.user_ns}/pause`, {});

    const sent = await grace.post(`/admin/contacts/${contact.user_ns}/send`, { text: "Grace here, how can I help?" });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain("· grace ·");
    expect(messages.recent(contact.id, 1)[0]).toMatchObject({ direction: "out", content: "Grace here, how can I help?", agent_id: graceId, agent_name: "grace" });
    // Nobody had the conversation: the one who answered has it now, by id and name.
    expect(contacts.byId(contact.id)).toMatchObject({ assigned_agent_id: graceId, assigned_agent_name: "grace" });
    const chat = await (await server.api("GET", `/api/subscriber/chat-messages?user_ns=${contact.user_ns}&limit=1`)).json();
    expect(chat.data[0]).toMatchObject({ type: "out", agent_id: graceId, agent_name: "grace" });

    // Another agent's reply does not take a conversation someone has; the reply is still theirs.
    const alan = await adminSession(server, "alan's password", "alan");
    expect((await alan.post(`/admin/contacts/${contact.user_ns}/send`, { text: "Alan too." })).status).toBe(200);
    expect(messages.recent(contact.id, 1)[0]).toMatchObject({ agent_name: "alan" });
    expect(contacts.byId(contact.id)).toMatchObject({ assigned_agent_id: graceId, assigned_agent_name: "grace" });

    await say("+14155550190", "my order is late");
    await drain();
    const relay = relayed().filter((body) => body.meta.user_ns === contact.user_ns).at(-1)!;
    expect(relay.message.content).toBe("my order is late");
    expect(relay.meta).toMatchObject({ agent_id: graceId, agent_name: "grace" });
    expect(relay.message.assigned_agent_id).toBe(graceId);
    // "Assign to me" takes it, by id and name.
    expect((await alan.post(`/admin/contacts/${contact.user_ns}/assign`, { me: "1" })).status).toBe(200);
    expect(contacts.byId(contact.id)).toMatchObject({ assigned_agent_name: "alan" });
    // Assigned through the API by the platform's own agent id: no name of ours is claimed.
    await server.api("POST", `/api/v1/contacts/${contact.user_ns}/assign`, { agent_id: 42 });
    expect(contacts.byId(contact.id)).toMatchObject({ assigned_agent_id: 42, assigned_agent_name: null });
  });
});

describe("restart with the platform down", () => {
  test("relays queued while the platform is down all arrive after a restart once it is up", async () => {
    const dataDir = tempDir("sb-relay-restart-");
    stops.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const local = fakeClock();
    const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const port = probe.port;
    probe.stop(true);
    let first = await startTestServer({ dataDir }, { clock: local });
    await first.api("PUT", "/api/v1/integrations/webhook", { url: `http://127.0.0.1:${port}/lc`, enabled: true });
    const bot = await createBot(first, { name: "R", channel: "test", default_country: "US" });
    await first.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { live_chat: "webhook" });
    const botRow = first.services.bots.get(bot.flow_ns);
    const contact = first.services.contacts.create(botRow, { phone: "+14155550185" });
    first.services.contacts.pause(contact.user_ns, null);
    for (let n = 0; n < 10; n++) first.db.transaction(() => first.services.channels.receiveIn(botRow, { from: contact.user_ns, text: `m${n}` }))();
    first.worker.pump();
    await first.worker.idle();
    await first.stop();

    const arrived: string[] = [];
    const up = Bun.serve({ hostname: "127.0.0.1", port, fetch: async (request) => (arrived.push((await request.json()).message.content), new Response("ok")) });
    stops.push(() => up.stop(true));
    const second = await startTestServer({ dataDir }, { clock: local });
    stops.push(() => second.stop());
    for (let i = 0; i < 20 && arrived.length < 10; i++) {
      local.advance(3600_000);
      second.worker.pump();
      await second.worker.idle();
    }
    expect(arrived).toEqual(Array.from({ length: 10 }, (_, n) => `m${n}`));
  });
});
