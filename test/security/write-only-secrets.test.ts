// Write-only secrets stay with their target: moving a provider's or the integration's URL to
// another origin drops the saved secrets unless they are given again in the same request.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot } from "../helpers/inbound";
import { okReceivers } from "../helpers/worker";
import { adminSession } from "../helpers/admin";

const SECRET = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
const TWILIO_TOKEN = "twilio-auth-token-0123456789";
let server: TestServer;
const receivers = okReceivers();
const receiver = receivers.open;
beforeAll(async () => {
  server = await startTestServer({ adminPassword: "admin password" });
});
afterEach(() => receivers.stopAll());
afterAll(() => server.close());

async function settled() {
  await server.worker.idle();
}
async function sendText(flowNs: string) {
  const contact = (await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: `+1415555${1000 + Math.floor(Math.random() * 8999)}` })).json()) as { user_ns: string };
  expect((await server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { text: "hello" })).status).toBe(201);
  await settled();
}

describe("http provider", () => {
  test("a new origin drops the saved header values and secret; the old ones never reach it", async () => {
    const original = receiver();
    const attacker = receiver();
    const bot = await createBot(server);
    const set = (settings: Record<string, unknown>) => server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: settings });
    expect((await set({ url: `${original.url}/send`, headers: { Authorization: "Bearer gateway-secret" }, secret: SECRET })).status).toBe(200);
    // Same origin, another path, secrets masked: they stay.
    const moved = await set({ url: `${original.url}/v2/send`, headers: { Authorization: "********" }, secret: "********" });
    expect(((await moved.json()) as { provider_settings: Record<string, unknown> }).provider_settings).toMatchObject({ headers: { Authorization: "********" }, secret: "********" });
    await sendText(bot.flow_ns);
    expect(original.received.at(-1)!.headers.get("authorization")).toBe("Bearer gateway-secret");
    expect(original.received.at(-1)!.headers.get("webhook-signature")).toStartWith("v1,");
    // Another origin, secrets masked as a client that never saw them would send them: dropped.
    const away = await set({ url: `${attacker.url}/collect`, headers: { Authorization: "********" }, secret: "********" });
    expect(((await away.json()) as { provider_settings: Record<string, unknown> }).provider_settings).toMatchObject({ headers: {}, secret: null });
    await sendText(bot.flow_ns);
    expect(attacker.received).toHaveLength(1);
    expect(attacker.received[0]!.headers.get("authorization")).toBeNull();
    expect(attacker.received[0]!.headers.get("webhook-signature")).toBeNull();
    // Given again in the same request, they go to the new origin.
    await set({ url: `${attacker.url}/collect`, headers: { Authorization: "Bearer new" }, secret: SECRET });
    await sendText(bot.flow_ns);
    expect(attacker.received.at(-1)!.headers.get("authorization")).toBe("Bearer new");
  });
});

describe("twilio provider", () => {
  test("a new base_url needs the auth token again; the same one keeps it", async () => {
    const bot = await createBot(server);
    const sid = `AC${"a".repeat(32)}`;
    const set = (settings: Record<string, unknown>) => server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "twilio", provider_settings: settings });
    expect((await set({ account_sid: sid, auth_token: TWILIO_TOKEN, from: "+14155550000" })).status).toBe(200);
    expect((await set({ account_sid: sid, from: "+14155550001", base_url: "https://api.twilio.com" })).status).toBe(200);
    const moved = await set({ account_sid: sid, from: "+14155550001", base_url: "http://127.0.0.1:9" });
    expect(moved.status).toBe(422);
    expect(((await moved.json()) as { error: { code: string; message: string } }).error).toEqual({ code: "invalid_provider_settings", message: "base_url moved to another origin: give auth_token again." });
    expect(JSON.parse(server.services.bots.get(bot.flow_ns).provider_settings).auth_token).toBe(TWILIO_TOKEN);
    expect((await set({ account_sid: sid, from: "+14155550001", base_url: "http://127.0.0.1:9", auth_token: "another-token-0123456789" })).status).toBe(200);
  });
});

describe("integration webhook", () => {
  test("a new origin drops the saved header values and secret, also when the URL is cleared first", async () => {
    const platform = receiver();
    const elsewhere = receiver();
    const put = (body: Record<string, unknown>) => server.api("PUT", "/api/v1/integrations/webhook", body);
    await put({ url: `${platform.url}/relay`, headers: [{ name: "Authorization", value: "Bearer platform" }], secret: SECRET, enabled: true });
    const samePlace = (await (await put({ url: `${platform.url}/relay/v2` })).json()) as { headers: unknown[]; secret: string | null };
    expect(samePlace).toMatchObject({ headers: [{ name: "Authorization", value: "********" }], secret: "********" });
    const away = (await (await put({ url: `${elsewhere.url}/relay`, headers: [{ name: "Authorization", value: "********" }] })).json()) as { headers: unknown[]; secret: string | null };
    expect(away).toMatchObject({ headers: [], secret: null });
    expect((await server.api("POST", "/api/v1/integrations/webhook/test")).status).toBe(200);
    await settled();
    expect(elsewhere.received).toHaveLength(1);
    expect(elsewhere.received[0]!.headers.get("authorization")).toBeNull();
    expect(elsewhere.received[0]!.headers.get("webhook-signature")).toBeNull();

    await put({ url: `${platform.url}/relay`, headers: [{ name: "Authorization", value: "Bearer platform" }], secret: SECRET });
    await put({ url: null, enabled: false });
    const back = (await (await put({ url: `${elsewhere.url}/relay` })).json()) as { headers: unknown[]; secret: string | null };
    expect(back).toMatchObject({ headers: [], secret: null });
  });
});

describe("the admin says so next to the URL fields", () => {
  test("integration page and channel section", async () => {
    const admin = await adminSession(server, "admin password");
    const bot = await createBot(server);
    expect(await (await admin.get("/admin/integration")).text()).toContain("Changing the URL to another site clears the saved header values and secret");
    const page = await (await admin.get(`/admin/bots/${bot.flow_ns}`)).text();
    expect(page).toContain("Changing the URL to another site clears the saved header values and secret");
    expect(page).toContain("Changing it to another site clears the saved auth token");
  });
});
