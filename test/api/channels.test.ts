// Channels end to end through the real server: providers set by API, out messages reaching
// stand-in gateways (http, Twilio SMS and voice), in messages with their signatures checked.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { standIn } from "../helpers/worker";

let server: TestServer;
const stops: (() => void)[] = [];
beforeAll(async () => {
  server = await startTestServer({ publicUrl: "https://hub.example.com" });
});
afterAll(async () => {
  stops.forEach((stop) => stop());
  await server.close();
});

const SID = `AC${"a1".repeat(16)}`;
const AUTH_TOKEN = "twilio-auth-token-0123456789";
const waitFor = async (check: () => boolean, ms = 3000) => {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await Bun.sleep(10);
  return check();
};
const json = async (response: Promise<Response>) => (await response).json();

describe("bot providers", () => {
  test("new bots are on test; http settings are validated and secrets masked; inbound_url shown", async () => {
    const bot = await createBot(server, { name: "Gateway", channel: "sms", default_country: "US" });
    expect(await json(server.api("GET", `/api/v1/bots/${bot.flow_ns}`))).toMatchObject({ provider: "test", inbound_url: null });
    const bad = await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: "not a url" } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.code).toBe("invalid_provider_settings");
    const secret = `whsec_${Buffer.from("gateway secret of 32 bytes!!!!!").toString("base64")}`;
    const ok = await json(server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: "http://127.0.0.1:1/sms", headers: { "x-key": "k1" }, secret } }));
    expect(ok.provider_settings).toEqual({ url: "http://127.0.0.1:1/sms", headers: { "x-key": "********" }, secret: "********" });
    expect(ok.inbound_url).toMatch(/^https:\/\/hub\.example\.com\/channels\/[A-Za-z0-9_-]+\/messages$/);
    // Changing the URL's path alone keeps the secret (another origin would drop it).
    await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider_settings: { url: "http://127.0.0.1:1/v2/sms", headers: { "x-key": "k1" } } });
    const stored = JSON.parse(server.services.bots.get(bot.flow_ns).provider_settings);
    expect(stored.secret).toBe(secret);
  });

  test("twilio settings need an account SID, a token and a sender", async () => {
    const bot = await createBot(server, { name: "T", channel: "sms" });
    for (const settings of [{ account_sid: "nope", auth_token: AUTH_TOKEN, from: "+1" }, { account_sid: SID, from: "+14155550000" }, { account_sid: SID, auth_token: AUTH_TOKEN }]) {
      const response = await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "twilio", provider_settings: settings });
      expect(response.status).toBe(422);
    }
  });
});

describe("out messages", () => {
  test("an inbound webhook's send_text reaches a stand-in Twilio as an SMS request, sent at once (not at the next idle check)", async () => {
    const twilio = standIn(() => Response.json({ sid: "SM123", status: "queued" }, { status: 201 }));
    stops.push(twilio.stop);
    const bot = await createBot(server, { name: "SMS", channel: "sms", default_country: "US" });
    await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "twilio", provider_settings: { account_sid: SID, auth_token: AUTH_TOKEN, from: "+14155550000", base_url: twilio.url } });
    const hook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "phone" }, mappings: [{ path: "name", field: "first_name" }], actions: [{ type: "send_text", text: "Hi {{first_name}}, you're booked!" }] });
    const answer = await post(hookUrl(server, hook), { phone: "(415) 555-0142", name: "Ada" });
    expect(answer.status).toBe(200);
    // The idle worker looks again every 5 s; arriving within 2 s, it was woken by the enqueue.
    expect(await waitFor(() => twilio.received.length === 1, 2000)).toBe(true);
    const request = twilio.received[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(request.headers.get("authorization")).toBe(`Basic ${Buffer.from(`${SID}:${AUTH_TOKEN}`).toString("base64")}`);
    const form = Object.fromEntries(new URLSearchParams(request.body));
    expect(form).toMatchObject({ To: "+14155550142", From: "+14155550000", Body: "Hi Ada, you're booked!" });
    expect(form.StatusCallback).toMatch(new RegExp(`^https://hub.example.com/channels/[A-Za-z0-9_-]+/twilio/status\\?message=m[a-z0-9]+$`));
    const { user_ns } = await answer.json();
    expect(await waitFor(() => server.services.messages.recent(server.services.contacts.get(user_ns).contact.id)[0]!.delivery_state === "sent")).toBe(true);
  });

  test("a voice bot places a call with the text spoken", async () => {
    const twilio = standIn(() => Response.json({ sid: "CA1" }, { status: 201 }));
    stops.push(twilio.stop);
    const bot = await createBot(server, { name: "Voice", channel: "voice", default_country: "US" });
    await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "twilio", provider_settings: { account_sid: SID, auth_token: AUTH_TOKEN, from: "+14155550000", base_url: twilio.url } });
    const contact = await json(server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: "+14155550143" }));
    const sent = await server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { text: "Your table is ready <now> & waiting" });
    expect(sent.status).toBe(201);
    expect(await waitFor(() => twilio.received.length === 1)).toBe(true);
    expect(twilio.received[0]!.path).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    const form = Object.fromEntries(new URLSearchParams(twilio.received[0]!.body));
    expect(form.Twiml).toBe("<Response><Say>Your table is ready &lt;now&gt; &amp; waiting</Say></Response>");
    expect(form.To).toBe("+14155550143");
  });

  test("the http provider posts the documented JSON, signed; the conversation shows the state", async () => {
    const gateway = standIn(() => new Response("ok"));
    stops.push(gateway.stop);
    const secretBytes = Buffer.from("gateway secret of 32 bytes!!!!!");
    const bot = await createBot(server, { name: "HTTP", channel: "whatsapp", default_country: "US" });
    await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: `${gateway.url}/send`, headers: { "x-gateway-key": "k" }, secret: `whsec_${secretBytes.toString("base64")}` } });
    const contact = await json(server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: "+14155550144", email: "x@example.com" }));
    const message = await json(server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { type: "image", payload: { url: "https://cdn.example.com/menu.png" } }));
    expect(await waitFor(() => gateway.received.length === 1)).toBe(true);
    const request = gateway.received[0]!;
    expect(JSON.parse(request.body)).toEqual({
      message_id: message._id,
      user_ns: contact.user_ns,
      flow_ns: bot.flow_ns,
      to: { phone: "+14155550144", email: "x@example.com" },
      type: "image",
      text: "https://cdn.example.com/menu.png",
      payload: { url: "https://cdn.example.com/menu.png" },
    });
    expect(request.headers.get("x-gateway-key")).toBe("k");
    const signature = createHmac("sha256", secretBytes).update(`${request.headers.get("webhook-id")}.${request.headers.get("webhook-timestamp")}.${request.body}`).digest("base64");
    expect(request.headers.get("webhook-signature")).toBe(`v1,${signature}`);
    expect(await waitFor(() => server.services.messages.recent(server.services.contacts.get(contact.user_ns).contact.id)[0]!.delivery_state === "sent")).toBe(true);
    const conversation = await json(server.api("GET", `/api/v1/contacts/${contact.user_ns}/messages`));
    expect(conversation.data[0]).toMatchObject({ _id: message._id, type: "out", msg_type: "image", delivery_state: "sent" });
  });

  test("the test provider delivers at once; bad message bodies get clear errors", async () => {
    const bot = await createBot(server, { name: "Test", channel: "test" });
    const contact = await json(server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { email: "t@example.com" }));
    const message = await json(server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { text: "hello" }));
    expect(message).toMatchObject({ type: "out", content: "hello", delivery_state: "delivered" });
    expect((await server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, {})).status).toBe(422);
    expect((await server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { type: "image" })).status).toBe(422);
    expect((await server.api("POST", "/api/v1/contacts/unope/messages", { text: "x" })).status).toBe(404);
  });
});

describe("in messages", () => {
  test("the http inbound URL stores the message and creates the contact; a secret requires a signature", async () => {
    const bot = await createBot(server, { name: "In", channel: "whatsapp", default_country: "US" });
    const secretBytes = Buffer.from("inbound secret of 32 bytes!!!!!");
    const updated = await json(server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: "http://127.0.0.1:1/", secret: `whsec_${secretBytes.toString("base64")}` } }));
    const url = `${server.url}${new URL(updated.inbound_url).pathname}`;
    const body = JSON.stringify({ from: "(415) 555-0145", text: "Is it open today?", mid: "wamid.1" });
    expect((await post(url, body)).status).toBe(401);
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac("sha256", secretBytes).update(`evt_1.${timestamp}.${body}`).digest("base64");
    const ok = await post(url, body, { "webhook-id": "evt_1", "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${signature}` });
    expect(ok.status).toBe(200);
    const answer = await ok.json();
    expect(answer).toMatchObject({ ok: true, created: true });
    const conversation = await json(server.api("GET", `/api/v1/contacts/${answer.user_ns}/messages`));
    expect(conversation.data[0]).toMatchObject({ type: "in", content: "Is it open today?", mid: "wamid.1", payload: { text: "Is it open today?" } });
    expect((await post(`${server.url}/channels/nope/messages`, body)).status).toBe(404);
  });

  test("Twilio's form with a right signature is stored; a wrong one gets 403", async () => {
    const bot = await createBot(server, { name: "Twilio in", channel: "sms", default_country: "US" });
    const updated = await json(server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "twilio", provider_settings: { account_sid: SID, auth_token: AUTH_TOKEN, from: "+14155550000" } }));
    const publicUrl = updated.inbound_url as string;
    const local = `${server.url}${new URL(publicUrl).pathname}`;
    const params = { From: "+14155550146", To: "+14155550000", Body: "STOP", MessageSid: "SM999", NumMedia: "0", AccountSid: SID };
    // Twilio's documented algorithm, written out here: URL + each name and value, sorted by name.
    const data = publicUrl + Object.keys(params).sort().map((k) => k + params[k as keyof typeof params]).join("");
    const signature = createHmac("sha1", AUTH_TOKEN).update(data).digest("base64");
    const send = (sig: string) => fetch(local, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": sig }, body: new URLSearchParams(params).toString() });
    const wrong = await send(`${signature.slice(0, -4)}AAA=`);
    expect(wrong.status).toBe(403);
    const ok = await send(signature);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("xml");
    expect(await ok.text()).toContain("<Response></Response>");
    const contact = server.services.contacts.findByPhone(server.services.bots.get(bot.flow_ns).id, "+14155550146")!;
    expect(server.services.messages.recent(contact.id)[0]).toMatchObject({ direction: "in", content: "STOP", mid: "SM999" });
  });
});

describe("deliveries API", () => {
  test("list with counts, one with its attempts, retry one and in bulk", async () => {
    const down = standIn(() => new Response("gone", { status: 410 }));
    stops.push(down.stop);
    const bot = await createBot(server, { name: "Hooks", channel: "sms", default_country: "US" });
    const hook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "p" }, actions: [{ type: "http_request", url: `${down.url}/crm`, body: { p: "{{phone}}" } }] });
    await post(hookUrl(server, hook), { p: "+14155550147" });
    await server.worker.idle();
    expect(await waitFor(() => server.services.deliveries.counts().failed > 0)).toBe(true);
    const list = await json(server.api("GET", `/api/v1/deliveries?state=failed&target=${encodeURIComponent(down.url)}`));
    expect(list.counts.failed).toBeGreaterThan(0);
    const [delivery] = list.data;
    expect(delivery).toMatchObject({ kind: "http_request", state: "failed", attempts: 1, last_status: 410 });
    const detail = await json(server.api("GET", `/api/v1/deliveries/${delivery.id}`));
    expect(detail.attempt_log).toEqual([expect.objectContaining({ status: 410, response: "gone" })]);
    const retried = await server.api("POST", `/api/v1/deliveries/${delivery.id}/retry`);
    expect(retried.status).toBe(200);
    expect(await waitFor(() => server.services.deliveries.get(delivery.id).attempts === 2 && server.services.deliveries.get(delivery.id).state === "failed")).toBe(true);
    const bulk = await json(server.api("POST", "/api/v1/deliveries/retry", { state: "failed" }));
    expect(bulk.retried).toBeGreaterThanOrEqual(1);
    expect((await server.api("GET", "/api/v1/deliveries/msg_nope")).status).toBe(404);
    expect((await server.api("GET", "/api/v1/deliveries?state=lost")).status).toBe(422);
  });
});
