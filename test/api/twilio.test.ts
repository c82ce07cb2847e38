// Twilio as its own tools see it: requests signed by the official `twilio` library (repeated form
// keys included) are accepted, and outgoing messages ask for status callbacks, which, signed the
// same way, record delivered / undelivered / failed with Twilio's error code on the message.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { getExpectedTwilioSignature, validateRequest } from "twilio/lib/webhooks/webhooks";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot } from "../helpers/inbound";
import { standIn } from "../helpers/worker";
import { adminSession } from "../helpers/admin";

const SID = `AC${"c".repeat(32)}`;
const AUTH_TOKEN = "twilio-auth-token-for-tests";
const PUBLIC = "https://hub.example.com";
let server: TestServer;
let flowNs: string;
let inboundPath: string;
const twilio = standIn(() => Response.json({ sid: "SM1", status: "queued" }, { status: 201 }));

beforeAll(async () => {
  server = await startTestServer({ publicUrl: PUBLIC, adminPassword: "twilio admin password" });
  flowNs = (await createBot(server, { name: "SMS", channel: "sms", default_country: "US" })).flow_ns;
  const bot = (await (await server.api("PATCH", `/api/v1/bots/${flowNs}`, { provider: "twilio", provider_settings: { account_sid: SID, auth_token: AUTH_TOKEN, from: "+14155550000", base_url: twilio.url } })).json()) as { inbound_url: string };
  inboundPath = new URL(bot.inbound_url).pathname;
});
afterAll(async () => {
  twilio.stop();
  await server.close();
});

/** Posts a form as Twilio does: signed with the official library over the public URL. */
function postSigned(pathAndQuery: string, fields: [string, string][], signature?: string) {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of fields) params[key] = key in params ? ([] as string[]).concat(params[key]!, value) : value;
  const sig = signature ?? getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC}${pathAndQuery}`, params);
  expect(signature !== undefined || validateRequest(AUTH_TOKEN, sig, `${PUBLIC}${pathAndQuery}`, params)).toBe(true);
  return fetch(`${server.url}${pathAndQuery}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": sig }, body: new URLSearchParams(fields).toString() });
}

async function sendText(phone: string, text: string) {
  const contact = (await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone })).json()) as { user_ns: string };
  await server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { text });
  await server.worker.idle();
  const request = twilio.received.find((r) => new URLSearchParams(r.body).get("Body") === text)!;
  return { userNs: contact.user_ns, callback: new URL(new URLSearchParams(request.body).get("StatusCallback")!) };
}

describe("Twilio signatures", () => {
  test("an incoming SMS signed by the official library, with a repeated key, is accepted", async () => {
    const fields: [string, string][] = [["From", "+14155550161"], ["Body", "hello"], ["MessageSid", "SM9"], ["NumMedia", "0"], ["AddOns", "b"], ["AddOns", "a"]];
    expect((await postSigned(inboundPath, fields)).status).toBe(200);
    expect((await postSigned(inboundPath, fields, "bm90IHRoZSBzaWduYXR1cmU=")).status).toBe(403);
  });
});

describe("status callbacks", () => {
  test("undelivered with Twilio's error code is recorded on the message, shown in the conversation and counted", async () => {
    const { userNs, callback } = await sendText("+14155550162", "Your table is ready");
    expect(callback.origin).toBe(PUBLIC);
    const path = `${callback.pathname}${callback.search}`;
    const status = await postSigned(path, [["MessageSid", "SM1"], ["MessageStatus", "undelivered"], ["ErrorCode", "30003"], ["AccountSid", SID]]);
    expect(status.status).toBe(204);
    const messages = (await (await server.api("GET", `/api/v1/contacts/${userNs}/messages`)).json()) as { data: { content: string; delivery_state: string; error_code: string | null }[] };
    expect(messages.data[0]).toMatchObject({ content: "Your table is ready", delivery_state: "undelivered", error_code: "30003" });
    const admin = await adminSession(server, "twilio admin password");
    expect(await (await admin.get(`/admin/contacts/${userNs}`)).text()).toContain("undelivered (provider error 30003)");
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('switchboard_twilio_message_status_total{status="undelivered"} 1');
  });

  test("delivered after sent; a late 'sent' from the worker does not undo it", async () => {
    const { userNs, callback } = await sendText("+14155550163", "See you at 8");
    const path = `${callback.pathname}${callback.search}`;
    expect((await postSigned(path, [["MessageSid", "SM1"], ["MessageStatus", "delivered"]])).status).toBe(204);
    const message = server.services.messages.recent(server.services.contacts.get(userNs).contact.id)[0]!;
    expect(message.delivery_state).toBe("delivered");
    server.db.transaction(() => server.services.messages.setState(message.id, "sent"))();
    expect(server.services.messages.recent(message.contact_id)[0]!.delivery_state).toBe("delivered");
  });

  test("a wrong signature is 403; an unknown message, or another bot's, is 404", async () => {
    const { callback } = await sendText("+14155550164", "Hello");
    const path = `${callback.pathname}${callback.search}`;
    expect((await postSigned(path, [["MessageStatus", "failed"]], "d3Jvbmc=")).status).toBe(403);
    const unknown = await postSigned(`${callback.pathname}?message=mnotamessage`, [["MessageStatus", "failed"]]);
    expect(unknown.status).toBe(404);
    const other = await createBot(server, { name: "Other", channel: "sms", default_country: "US" });
    const otherBot = (await (await server.api("PATCH", `/api/v1/bots/${other.flow_ns}`, { provider: "twilio", provider_settings: { account_sid: SID, auth_token: AUTH_TOKEN, from: "+14155550001", base_url: twilio.url } })).json()) as { inbound_url: string };
    const otherToken = new URL(otherBot.inbound_url).pathname.split("/")[2]!;
    expect((await postSigned(`/channels/${otherToken}/twilio/status${callback.search}`, [["MessageStatus", "failed"]])).status).toBe(404);
  });
});
