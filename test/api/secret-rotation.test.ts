// Signing secrets rotated with an overlap: inbound webhooks and http channels accept the old and
// the new secret until the overlap ends; the integration's relays and http channel messages carry
// both signatures meanwhile, each verified by the official `standardwebhooks` library. Time moves
// on a fake clock.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Webhook } from "standardwebhooks";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl } from "../helpers/inbound";
import { fakeClock, standIn } from "../helpers/worker";

const HOUR = 3600_000;
let server: TestServer;
const clock = fakeClock(Date.now());
const receiver = standIn(() => new Response("ok"));

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  await server.api("PATCH", "/api/v1/settings", { allow_private_targets: true });
});
afterAll(async () => {
  await server.close();
  receiver.stop();
});

/** A request signed by the official library with `secret`, at the server's (fake) time. */
function signed(secret: string, body: unknown) {
  const text = JSON.stringify(body);
  const id = `msg_${crypto.randomUUID()}`;
  const at = new Date(clock.now());
  return { body: text, headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign(id, at, text) } };
}

/** Whether the official library accepts what `receiver` got last, with `secret`, at the time it was sent. */
function verifiesWith(secret: string): boolean {
  const last = receiver.received.at(-1)!;
  const realNow = Date.now;
  // The library checks the timestamp against Date.now(): read it at the fake clock's time.
  Date.now = () => clock.now();
  try {
    new Webhook(secret).verify(last.body, Object.fromEntries(last.headers as unknown as Iterable<[string, string]>));
    return true;
  } catch {
    return false;
  } finally {
    Date.now = realNow;
  }
}

async function deliver() {
  server.worker.pump();
  await server.worker.idle();
}

describe("secret rotation", () => {
  test("an inbound webhook verifies the old and the new secret during the overlap, only the new one after", async () => {
    const flowNs = (await createBot(server)).flow_ns;
    const oldSecret = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
    const webhook = await createWebhook(server, flowNs, { active: true, identify: { phone: "phone" }, signing_secret: oldSecret });
    const rotated = await (await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/rotate-secret`, {})).json();
    expect(rotated).toEqual({ signing_secret: expect.stringMatching(/^whsec_/), previous_signing_secret_expires_at: new Date(clock.now() + 24 * HOUR).toISOString() });
    const shown = await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}`)).json();
    expect(shown).toMatchObject({ signing_secret: `${rotated.signing_secret.slice(0, 10)}…`, previous_signing_secret_expires_at: rotated.previous_signing_secret_expires_at });

    const send = async (secret: string) => {
      const request = signed(secret, { phone: "+14155550950" });
      return (await fetch(hookUrl(server, webhook), { method: "POST", headers: request.headers, body: request.body })).status;
    };
    expect([await send(oldSecret), await send(rotated.signing_secret)]).toEqual([200, 200]);
    clock.advance(24 * HOUR + 1000);
    expect([await send(oldSecret), await send(rotated.signing_secret)]).toEqual([401, 200]);
    expect((await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}`)).json()).previous_signing_secret_expires_at).toBeNull();
  });

  test("overlap_hours 0 ends the old secret at once; a secret set outright ends an overlap", async () => {
    const flowNs = (await createBot(server)).flow_ns;
    const webhook = await createWebhook(server, flowNs, { active: true, identify: { phone: "phone" } });
    const first = await (await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/rotate-secret`, {})).json();
    expect(first.previous_signing_secret_expires_at).toBeNull(); // there was no secret before
    const second = await (await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/rotate-secret`, { overlap_hours: 0 })).json();
    expect(second.previous_signing_secret_expires_at).toBeNull();
    const third = await (await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/rotate-secret`, { overlap_hours: 2 })).json();
    expect(third.previous_signing_secret_expires_at).toBe(new Date(clock.now() + 2 * HOUR).toISOString());
    const replaced = await (await server.api("PATCH", `/api/v1/inbound-webhooks/${webhook.id}`, { signing_secret: first.signing_secret })).json();
    expect(replaced.previous_signing_secret_expires_at).toBeNull();
    const tooLong = await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/rotate-secret`, { overlap_hours: 169 });
    expect(tooLong.status).toBe(422);
  });

  test("the integration's relays carry both signatures during the overlap, each verified by the official library, then only the new one", async () => {
    const oldSecret = `whsec_${Buffer.from("integration-secret-0123456789ab").toString("base64")}`;
    await server.api("PUT", "/api/v1/integrations/webhook", { url: `${receiver.url}/relay`, secret: oldSecret, enabled: true });
    const rotated = await (await server.api("POST", "/api/v1/integrations/webhook/rotate-secret", {})).json();
    expect(rotated.previous_secret_expires_at).toBe(new Date(clock.now() + 24 * HOUR).toISOString());
    expect((await (await server.api("GET", "/api/v1/integrations/webhook")).json()).previous_secret_expires_at).toBe(rotated.previous_secret_expires_at);

    await server.api("POST", "/api/v1/integrations/webhook/test", {});
    await deliver();
    expect(receiver.received.at(-1)!.headers.get("webhook-signature")!.split(" ")).toHaveLength(2);
    expect([verifiesWith(rotated.secret), verifiesWith(oldSecret)]).toEqual([true, true]);

    clock.advance(24 * HOUR + 1000);
    await server.api("POST", "/api/v1/integrations/webhook/test", {});
    await deliver();
    expect(receiver.received.at(-1)!.headers.get("webhook-signature")!.split(" ")).toHaveLength(1);
    expect([verifiesWith(rotated.secret), verifiesWith(oldSecret)]).toEqual([true, false]);
  });

  test("an http channel: messages out carry both signatures, messages in verify with either, until the overlap ends", async () => {
    const oldSecret = `whsec_${Buffer.from("channel-secret-0123456789abcdef").toString("base64")}`;
    const bot = await (await server.api("POST", "/api/v1/bots", { name: "Gateway", channel: "sms", default_country: "US" })).json();
    const configured = await (await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: `${receiver.url}/out`, secret: oldSecret } })).json();
    const rotated = await (await server.api("POST", `/api/v1/bots/${bot.flow_ns}/rotate-secret`, { overlap_hours: 1 })).json();
    expect(rotated.previous_secret_expires_at).toBe(new Date(clock.now() + HOUR).toISOString());
    const shown = (await (await server.api("GET", `/api/v1/bots/${bot.flow_ns}`)).json()).provider_settings;
    expect(shown).toEqual({ url: `${receiver.url}/out`, headers: {}, secret: "********", previous_secret_expires_at: rotated.previous_secret_expires_at });

    const contact = await (await server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: "+14155550951" })).json();
    await server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { text: "Hello" });
    await deliver();
    expect([verifiesWith(rotated.secret), verifiesWith(oldSecret)]).toEqual([true, true]);

    const inbound = async (secret: string) => {
      const request = signed(secret, { from: "+14155550951", text: "Hi" });
      return (await fetch(`${server.url}${new URL(configured.inbound_url).pathname}`, { method: "POST", headers: request.headers, body: request.body })).status;
    };
    expect([await inbound(oldSecret), await inbound(rotated.secret)]).toEqual([200, 200]);
    clock.advance(HOUR + 1000);
    expect([await inbound(oldSecret), await inbound(rotated.secret)]).toEqual([401, 200]);
    await server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { text: "Again" });
    await deliver();
    expect([verifiesWith(rotated.secret), verifiesWith(oldSecret)]).toEqual([true, false]);

    const testBot = await (await server.api("POST", "/api/v1/bots", { name: "Test", channel: "sms" })).json();
    const refused = await server.api("POST", `/api/v1/bots/${testBot.flow_ns}/rotate-secret`, {});
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe("no_channel_secret");
  });
});
