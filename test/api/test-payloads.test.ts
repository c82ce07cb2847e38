// Saved test payloads per webhook: the API, its limits and errors, and their life with the webhook.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { count, createBot, createWebhook } from "../helpers/inbound";

let server: TestServer;
let flowNs: string;

beforeAll(async () => {
  server = await startTestServer();
  flowNs = (await createBot(server)).flow_ns;
});
afterAll(() => server.close());

const base = (id: number) => `/api/v1/inbound-webhooks/${id}/test-payloads`;

describe("test payloads", () => {
  test("save, list by name, read, rename, change, delete", async () => {
    const webhook = await createWebhook(server, flowNs);
    const vip = await server.api("POST", base(webhook.id), { name: "VIP lead", body: { phone: "+14155550400", plan: "gold" } });
    expect(vip.status).toBe(201);
    const saved = await vip.json();
    expect(saved).toEqual({ id: expect.any(Number), name: "VIP lead", body: { phone: "+14155550400", plan: "gold" }, created_at: expect.any(String), updated_at: expect.any(String) });
    await server.api("POST", base(webhook.id), { name: "Anonymous", body: { note: "no phone" } });
    expect((await (await server.api("GET", base(webhook.id))).json()).data.map((p: { name: string }) => p.name)).toEqual(["Anonymous", "VIP lead"]);
    expect(await (await server.api("GET", `${base(webhook.id)}/${saved.id}`)).json()).toEqual(saved);

    const changed = await (await server.api("PATCH", `${base(webhook.id)}/${saved.id}`, { name: "Gold lead", body: { phone: "+14155550401" } })).json();
    expect(changed).toMatchObject({ id: saved.id, name: "Gold lead", body: { phone: "+14155550401" } });

    expect((await server.api("DELETE", `${base(webhook.id)}/${saved.id}`)).status).toBe(204);
    expect((await server.api("GET", `${base(webhook.id)}/${saved.id}`)).status).toBe(404);
  });

  test("a name is unique per webhook (409), a body is a JSON object (422), at most 20 (409)", async () => {
    const webhook = await createWebhook(server, flowNs);
    await server.api("POST", base(webhook.id), { name: "one", body: {} });
    const twice = await server.api("POST", base(webhook.id), { name: " one ", body: {} });
    expect(twice.status).toBe(409);
    expect((await twice.json()).error.code).toBe("test_payload_exists");
    const list = await server.api("POST", base(webhook.id), { name: "list", body: [1, 2] });
    expect(list.status).toBe(422);
    const huge = await server.api("POST", base(webhook.id), { name: "huge", body: { text: "x".repeat(70_000) } });
    expect(huge.status).toBe(422);
    expect((await huge.json()).error).toEqual({ code: "invalid_test_payload", message: "field 'body': at most 65536 characters of JSON" });
    for (let i = 2; i <= 20; i++) expect((await server.api("POST", base(webhook.id), { name: `p${i}`, body: { i } })).status).toBe(201);
    const over = await server.api("POST", base(webhook.id), { name: "p21", body: {} });
    expect(over.status).toBe(409);
    expect((await over.json()).error.code).toBe("test_payload_limit_reached");
    const other = await createWebhook(server, flowNs);
    expect((await server.api("POST", base(other.id), { name: "one", body: {} })).status).toBe(201);
    const renamed = await server.api("PATCH", `${base(other.id)}/${(await (await server.api("GET", base(other.id))).json()).data[0].id}`, { name: "one" });
    expect(renamed.status).toBe(200);
  });

  test("another webhook's payload id reads as not found; deleting the webhook deletes its payloads", async () => {
    const webhook = await createWebhook(server, flowNs);
    const other = await createWebhook(server, flowNs);
    const saved = await (await server.api("POST", base(webhook.id), { name: "mine", body: { a: 1 } })).json();
    expect((await server.api("GET", `${base(other.id)}/${saved.id}`)).status).toBe(404);
    expect((await server.api("DELETE", `${base(other.id)}/${saved.id}`)).status).toBe(404);
    expect((await server.api("DELETE", `/api/v1/inbound-webhooks/${webhook.id}`)).status).toBe(204);
    expect(count(server, "SELECT count(*) AS n FROM webhook_test_payloads WHERE webhook_id = ?", webhook.id)).toBe(0);
  });
});
