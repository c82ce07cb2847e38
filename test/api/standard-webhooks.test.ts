// Standard Webhooks, checked with the specification's official library (`standardwebhooks`
// from npm), both ways: what this server signs (the live-chat relay, an http channel's out
// messages) the library verifies; what the library signs, the receiver and a channel's
// inbound URL accept, and a changed byte is refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Webhook } from "standardwebhooks";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl } from "../helpers/inbound";
import { standIn } from "../helpers/worker";

const platformSecret = `whsec_${Buffer.from("platform secret, thirty-two byte").toString("base64")}`;
const gatewaySecret = `whsec_${Buffer.from("gateway secret of thirty-two b!!").toString("base64")}`;
const platform = standIn(() => new Response("ok"));
const gateway = standIn(() => new Response("sent"));
let server: TestServer;
let flowNs: string;
let inboundUrl: string;

/** Until nothing waits or is being sent. */
async function drain() {
  const busy = () => {
    const counts = server.services.deliveries.counts();
    return (counts.pending ?? 0) + (counts.sending ?? 0) > 0;
  };
  for (let i = 0; i < 100 && busy(); i++) {
    server.worker.pump();
    await server.worker.idle();
    await Bun.sleep(5);
  }
}
const headersOf = (request: { headers: Headers }) => Object.fromEntries(["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [name, request.headers.get(name)!]));

beforeAll(async () => {
  server = await startTestServer();
  await server.api("PUT", "/api/v1/integrations/webhook", { url: `${platform.url}/livechat`, secret: platformSecret, enabled: true });
  flowNs = (await createBot(server, { name: "Signed", channel: "whatsapp", default_country: "US" })).flow_ns;
  const bot = await (await server.api("PATCH", `/api/v1/bots/${flowNs}`, { live_chat: "webhook", provider: "http", provider_settings: { url: `${gateway.url}/send`, secret: gatewaySecret } })).json();
  inboundUrl = `${server.url}${new URL(bot.inbound_url).pathname}`;
});
afterAll(async () => {
  platform.stop();
  gateway.stop();
  await server.close();
});

describe("Standard Webhooks, with the official library", () => {
  test("an http channel's out message and a relayed message verify with Webhook.verify", async () => {
    const contact = await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+14155550150" })).json();
    expect((await server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { text: "Your order shipped" })).status).toBe(201);
    await server.api("POST", `/api/v1/contacts/${contact.user_ns}/pause`, {});
    const signed = new Webhook(gatewaySecret).sign("in_1", new Date(), JSON.stringify({ from: "+14155550150", text: "Thanks!" }));
    const inbound = await fetch(inboundUrl, { method: "POST", headers: { "content-type": "application/json", "webhook-id": "in_1", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": signed }, body: JSON.stringify({ from: "+14155550150", text: "Thanks!" }) });
    expect(inbound.status).toBe(200);
    await drain();
    const [out] = gateway.received;
    expect(new Webhook(gatewaySecret).verify(out!.body, headersOf(out!))).toMatchObject({ text: "Your order shipped", user_ns: contact.user_ns });
    const [relay] = platform.received;
    expect(new Webhook(platformSecret).verify(relay!.body, headersOf(relay!))).toMatchObject({ meta: { user_ns: contact.user_ns }, message: { content: "Thanks!" } });
    // A changed byte is not theirs.
    expect(() => new Webhook(platformSecret).verify(relay!.body.replace("Thanks!", "Thanks?"), headersOf(relay!))).toThrow();
  });

  test("the receiver accepts what Webhook.sign signs and refuses a changed body, an old timestamp and another secret", async () => {
    const secret = `whsec_${Buffer.from("receiver secret of 32 bytes!!!!!").toString("base64")}`;
    const webhook = await createWebhook(server, flowNs, { active: true, identify: { phone: "phone" }, signing_secret: secret });
    const url = hookUrl(server, webhook);
    const send = (body: string, id: string, at: Date, key = secret) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(key).sign(id, at, body) }, body });
    const body = JSON.stringify({ phone: "+14155550151" });
    expect((await send(body, "msg_1", new Date())).status).toBe(200);
    const tampered = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "webhook-id": "msg_2", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": new Webhook(secret).sign("msg_2", new Date(), body) }, body: body.replace("51", "52") });
    expect(tampered.status).toBe(401);
    expect((await send(body, "msg_3", new Date(Date.now() - 10 * 60_000))).status).toBe(401);
    const otherSecret = `whsec_${Buffer.from("some other secret of 32 bytes!!!").toString("base64")}`;
    expect((await send(body, "msg_4", new Date(), otherSecret)).status).toBe(401);
  });
});
