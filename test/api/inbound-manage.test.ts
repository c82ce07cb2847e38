// Managing inbound webhooks through the API: create, limit, validation, listen, preview.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";

let server: TestServer;
let flowNs: string;

beforeAll(async () => {
  server = await startTestServer();
  flowNs = (await createBot(server)).flow_ns;
  await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "party_size", type: "number" });
});
afterAll(() => server.close());

describe("inbound webhook management", () => {
  test("create returns an inactive webhook with an unguessable URL", async () => {
    const response = await server.api("POST", `/api/v1/bots/${flowNs}/inbound-webhooks`, { name: "Website form" });
    expect(response.status).toBe(201);
    const webhook = await response.json();
    expect(webhook).toMatchObject({ name: "Website form", active: false, method: "POST", flow_ns: flowNs, rate_limit: { capacity: 500, refill_seconds: 86400, remaining: 500 } });
    const token = new URL(webhook.url).pathname.split("/").at(-1)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 random bytes, URL-safe
    const list = await (await server.api("GET", `/api/v1/bots/${flowNs}/inbound-webhooks`)).json();
    expect(list.data.map((w: { id: number }) => w.id)).toContain(webhook.id);
  });

  test("at most 5 per bot by default; the setting changes it", async () => {
    const bot = await createBot(server, { name: "Limited", channel: "sms" });
    for (let i = 0; i < 5; i++) expect((await server.api("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: `w${i}` })).status).toBe(201);
    const sixth = await server.api("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "w5" });
    expect(sixth.status).toBe(409);
    expect((await sixth.json()).error.code).toBe("webhook_limit_reached");
    const settings = await server.api("PATCH", "/api/v1/settings", { max_inbound_webhooks_per_bot: 6 });
    expect((await settings.json()).max_inbound_webhooks_per_bot).toBe(6);
    expect((await server.api("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "w5" })).status).toBe(201);
    await server.api("PATCH", "/api/v1/settings", { max_inbound_webhooks_per_bot: 5 });
  });

  const invalidPatches: [string, Record<string, unknown>, string, string][] = [
    ["unknown mapping field", { mappings: [{ path: "a", field: "shoe_size" }] }, "unknown_field", "shoe_size"],
    ["bad mapping path", { mappings: [{ path: "a..b", field: "party_size" }] }, "invalid_path", "mappings[0].path"],
    ["bad identify path", { identify: { phone: "contact[phone" } }, "invalid_path", "identify.phone"],
    ["unknown action", { actions: [{ type: "launch_rocket" }] }, "invalid_action", "actions[0]"],
    ["send_text without text", { actions: [{ type: "add_tag", tag: "x" }, { type: "send_text" }] }, "invalid_action", "actions[1]"],
    ["set_field on unknown field", { actions: [{ type: "set_field", field: "nope", value: "1" }] }, "invalid_action", "nope"],
    ["http_request to a non-URL", { actions: [{ type: "http_request", url: "ftp://x" }] }, "invalid_action", "http"],
    ["pause for negative minutes", { actions: [{ type: "pause_bot", minutes: -5 }] }, "invalid_action", "minutes"],
    ["signing secret not whsec_", { signing_secret: "hunter2" }, "invalid_signing_secret", "whsec_"],
    ["rate limit of zero", { rate_limit: { capacity: 0, refill_seconds: 60 } }, "validation_failed", "capacity"],
    ["active as a string", { active: "yes" }, "validation_failed", "active"],
  ];
  for (const [name, patch, code, mention] of invalidPatches) {
    test(`PATCH refuses ${name} with 422 ${code}`, async () => {
      const webhook = await createWebhook(server, (await createBot(server, { name: "v", channel: "sms" })).flow_ns);
      const response = await server.api("PATCH", `/api/v1/inbound-webhooks/${webhook.id}`, patch);
      expect(response.status).toBe(422);
      const { error } = await response.json();
      expect(error.code).toBe(code);
      expect(error.message).toContain(mention);
    });
  }

  test("unknown ids are 404, non-numeric ids are 422", async () => {
    expect((await server.api("GET", "/api/v1/inbound-webhooks/999999")).status).toBe(404);
    expect((await server.api("GET", "/api/v1/inbound-webhooks/abc")).status).toBe(422);
    expect((await server.api("GET", "/api/v1/inbound-webhooks/..%2F..%2Fetc")).status).toBe(422);
    expect((await server.api("POST", "/api/v1/bots/fnope/inbound-webhooks", { name: "x" })).status).toBe(404);
  });

  test("listen captures the next request's body as the example, even while inactive", async () => {
    const webhook = await createWebhook(server, flowNs);
    const start = await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/listen`);
    expect((await start.json()).listening).toBe(true);
    const before = await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}/listen`)).json();
    expect(before).toMatchObject({ listening: true, captured: false });
    const sent = await post(hookUrl(server, webhook), { lead: { phone: "+14155550100", size: "4" } });
    expect(sent.status).toBe(409); // still inactive: logged, not processed
    const after = await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}/listen`)).json();
    expect(after).toMatchObject({ listening: false, captured: true, example: { lead: { phone: "+14155550100", size: "4" } } });
    // Only the next one: a later request does not replace it.
    await post(hookUrl(server, webhook), { other: true });
    expect((await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}`)).json()).example).toEqual({ lead: { phone: "+14155550100", size: "4" } });
  });

  test("preview shows what each path reads and what would be stored", async () => {
    const webhook = await createWebhook(server, flowNs, {
      example: { c: { "first name": "Ada", phone: "(415) 555-2671", email: "ADA@EXAMPLE.COM" }, size: "four", n: "3" },
      identify: { phone: "c.phone", email: "c.email" },
      mappings: [
        { path: 'c["first name"]', field: "first_name" },
        { path: "n", field: "party_size" },
        { path: "size", field: "party_size" },
        { path: "missing.path", field: "last_name" },
      ],
    });
    const preview = await (await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/preview`, {})).json();
    expect(preview.identify.phone).toMatchObject({ value: "(415) 555-2671", normalised: "+14155552671" });
    expect(preview.identify.email).toMatchObject({ normalised: "ada@example.com" });
    expect(preview.mappings[0]).toMatchObject({ field: "first_name", value: "Ada", stored: "Ada" });
    expect(preview.mappings[1]).toMatchObject({ field: "party_size", value: "3", stored: 3 });
    expect(preview.mappings[2].error).toContain("number");
    expect(preview.mappings[3]).toMatchObject({ found: false });
    const other = await (await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/preview`, { example: { n: "12" } })).json();
    expect(other.mappings[1]).toMatchObject({ stored: 12 });
  });

  test("preview and a real request agree: a deleted field and a phone another contact has are skipped by both, with the same reason", async () => {
    const field = await (await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "soon_gone", type: "text" })).json();
    const owner = await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+14155552699" })).json();
    const example = { email: "grace@example.com", other_phone: "+1 415 555 2699", note: "hi" };
    const webhook = await createWebhook(server, flowNs, {
      active: true,
      example,
      identify: { email: "email" },
      mappings: [{ path: "other_phone", field: "phone" }, { path: "note", field: "soon_gone" }],
    });
    await server.api("DELETE", `/api/v1/bots/${flowNs}/fields/${field.id}`);
    const preview = await (await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/preview`, {})).json();
    expect(preview.mappings[0]).toMatchObject({ field: "phone", error: `+14155552699 belongs to another contact (${owner.user_ns}); not changed` });
    expect(preview.mappings[1]).toMatchObject({ field: "soon_gone", error: "the field no longer exists" });
    // The same body for real: the same two mappings skipped, for the same reasons.
    await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { email: "grace@example.com" });
    expect((await post(hookUrl(server, webhook), example)).status).toBe(200);
    const [log] = (await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}/logs`)).json()).data;
    const detail = await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}/logs/${log.id}`)).json();
    expect(detail.notes).toEqual([
      `mapping other_phone → phone: ${preview.mappings[0].error}; skipped`,
      `mapping note → soon_gone: ${preview.mappings[1].error}; skipped`,
    ]);
  });

  test("delete removes the webhook and its URL stops answering", async () => {
    const webhook = await createWebhook(server, flowNs, { active: true });
    expect((await server.api("DELETE", `/api/v1/inbound-webhooks/${webhook.id}`)).status).toBe(204);
    expect((await post(hookUrl(server, webhook), { a: 1 })).status).toBe(404);
  });

  test("deleting the bot takes its webhook URLs with it, even after they were used", async () => {
    const bot = await createBot(server, { name: "Short-lived", channel: "sms" });
    const webhook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "phone" } });
    expect((await post(hookUrl(server, webhook), { phone: "+14155550123" })).status).toBe(200);
    expect((await server.api("DELETE", `/api/v1/bots/${bot.flow_ns}?confirm=${bot.flow_ns}`)).status).toBe(204);
    const after = await post(hookUrl(server, webhook), { phone: "+14155550123" });
    expect(after.status).toBe(404);
    expect((await after.json()).error.code).toBe("not_found");
  });

  test("the API docs describe the receiver and the management routes", async () => {
    const spec = await (await fetch(`${server.url}/docs/json`)).json();
    for (const path of ["/hooks/{token}", "/api/v1/bots/{flow_ns}/inbound-webhooks", "/api/v1/inbound-webhooks/{id}/logs/{log_id}/replay"]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
    expect(spec.externalDocs).toEqual({ description: "The guide", url: "/docs/guide" });
    expect(await (await fetch(`${server.url}/docs/guide`)).text()).toContain("Path syntax");
  });
});
