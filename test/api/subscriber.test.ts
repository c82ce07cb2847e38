// The UChat-style subscriber API: token scoping, the {status, data} shape, every route group.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook } from "../helpers/inbound";

let server: TestServer;
let flowNs: string;
let otherFlowNs: string;
let scoped: string;
let userNs: string;

const call = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${server.url}/api${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
const json = async (response: Promise<Response>) => (await response).json();

beforeAll(async () => {
  server = await startTestServer();
  flowNs = (await createBot(server, { name: "Shop", channel: "sms", default_country: "US" })).flow_ns;
  otherFlowNs = (await createBot(server, { name: "Other", channel: "sms", default_country: "US" })).flow_ns;
  scoped = server.services.tokens.create("shop only", server.services.bots.get(flowNs).id, 9).token;
});
afterAll(() => server.close());

describe("subscriber API", () => {
  test("create with a bot-scoped token; the hosted {status, data} shape", async () => {
    const response = await call(scoped, "POST", "/subscriber/create", { phone: "(415) 555-0190", first_name: "Ada" });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({ status: "ok", data: { flow_ns: flowNs, phone: "+14155550190", first_name: "Ada" } });
    userNs = body.data.user_ns;
  });

  test("an installation-wide token must name the bot; a scoped one cannot reach another bot", async () => {
    const missing = await call(server.token, "POST", "/subscriber/create", { phone: "+14155550191" });
    expect(missing.status).toBe(422);
    expect((await missing.json()).error.code).toBe("flow_ns_required");
    const named = await call(server.token, "POST", "/subscriber/create", { flow_ns: otherFlowNs, phone: "+14155550191" });
    expect(named.status).toBe(201);
    const otherUser = (await named.json()).data.user_ns;
    expect((await call(scoped, "GET", `/subscriber/get-info?user_ns=${otherUser}`)).status).toBe(404);
    expect((await call(scoped, "GET", `/subscribers?flow_ns=${otherFlowNs}`)).status).toBe(404);
    expect((await call("sb_wrong", "GET", "/subscribers")).status).toBe(401);
  });

  test("get-info, get-info-by-user-id, list, update, delete", async () => {
    expect(await json(call(scoped, "GET", `/subscriber/get-info?user_ns=${userNs}`))).toMatchObject({ status: "ok", data: { user_ns: userNs } });
    expect((await json(call(scoped, "GET", `/subscriber/get-info-by-user-id?user_id=${encodeURIComponent("415-555-0190")}`))).data.user_ns).toBe(userNs);
    const list = await json(call(scoped, "GET", "/subscribers?limit=10"));
    expect(list.data.map((c: { user_ns: string }) => c.user_ns)).toContain(userNs);
    expect(list.meta).toHaveProperty("next_cursor");
    expect((await json(call(scoped, "PUT", "/subscriber/update", { user_ns: userNs, last_name: "Lovelace" }))).data.last_name).toBe("Lovelace");
    const doomed = (await json(call(scoped, "POST", "/subscriber/create", { email: "gone@example.com" }))).data.user_ns;
    expect(await json(call(scoped, "DELETE", "/subscriber/delete", { user_ns: doomed }))).toEqual({ status: "ok", data: { user_ns: doomed, deleted: true } });
    expect((await call(scoped, "GET", `/subscriber/get-info?user_ns=${doomed}`)).status).toBe(404);
  });

  test("fields by var_ns and by name, several at once, cleared; tags added and removed", async () => {
    const created = await json(call(scoped, "POST", "/flow/create-user-field", { name: "party_size", var_type: "number" }));
    const varNs: string = created.data.var_ns;
    expect(varNs).toMatch(/^v\d+$/);
    expect(created).toEqual({ status: "ok", data: { name: "party_size", var_type: "number", var_ns: varNs } });
    await call(scoped, "POST", "/flow/create-user-field", { name: "plan", var_type: "text" });
    expect((await call(scoped, "POST", "/flow/create-user-field", { name: "plan", var_type: "text" })).status).toBe(409);
    const fields = await json(call(scoped, "GET", "/flow/user-fields"));
    expect(fields.data.map((f: { name: string }) => f.name)).toEqual(["party_size", "plan"]);

    expect((await json(call(scoped, "PUT", "/subscriber/set-user-field", { user_ns: userNs, var_ns: varNs, value: "3" }))).data.fields).toEqual({ party_size: 3 });
    expect((await json(call(scoped, "PUT", "/subscriber/set-user-field-by-name", { user_ns: userNs, field_name: "plan", value: "gold" }))).data.fields).toEqual({ party_size: 3, plan: "gold" });
    const bad = await call(scoped, "PUT", "/subscriber/set-user-fields-by-name", { user_ns: userNs, data: [{ name: "plan", value: "silver" }, { name: "party_size", value: "many" }] });
    expect(bad.status).toBe(422);
    expect((await json(call(scoped, "GET", `/subscriber/get-info?user_ns=${userNs}`))).data.fields.plan).toBe("gold"); // all or none
    await call(scoped, "PUT", "/subscriber/set-user-fields-by-name", { user_ns: userNs, data: [{ name: "plan", value: "silver" }, { name: "party_size", value: 5 }] });
    expect((await json(call(scoped, "DELETE", "/subscriber/clear-user-field-by-name", { user_ns: userNs, field_name: "plan" }))).data.fields).toEqual({ party_size: 5 });
    expect((await call(scoped, "PUT", "/subscriber/set-user-field", { user_ns: userNs, var_ns: "v999999", value: 1 })).status).toBe(404);

    await call(scoped, "POST", "/subscriber/add-tag-by-name", { user_ns: userNs, tag_name: "vip" });
    const tagged = (await json(call(scoped, "POST", "/subscriber/add-tag-by-name", { user_ns: userNs, tag_name: "lead" }))).data.tags;
    expect(tagged.map((tag: { name: string }) => tag.name)).toEqual(["vip", "lead"]);
    const known = (await json(call(scoped, "GET", "/flow/tags"))).data;
    expect(known.map((tag: { name: string }) => tag.name)).toEqual(["lead", "vip"]);
    expect(tagged).toEqual([known[1], known[0]]); // the same tag_ns on the contact and in the bot's list
    expect((await json(call(scoped, "DELETE", "/subscriber/remove-tag-by-name", { user_ns: userNs, tag_name: "vip" }))).data.tags).toEqual([known[0]]);
  });

  test("sending text and content, reading chat messages with the token's agent id", async () => {
    const text = await json(call(scoped, "POST", "/subscriber/send-text", { user_ns: userNs, content: "Hello from support" }));
    expect(text).toMatchObject({ status: "ok", data: { type: "out", content: "Hello from support", agent_id: 9, delivery_state: "delivered" } });
    const content = await json(call(scoped, "POST", "/subscriber/send-content", {
      user_ns: userNs,
      data: { version: "v1", content: { messages: [{ type: "text", text: "Our menu:" }, { type: "image", url: "https://example.com/menu.png" }] } },
    }));
    expect(content.data.map((m: { msg_type: string }) => m.msg_type)).toEqual(["text", "image"]);
    expect((await call(scoped, "POST", "/subscriber/send-content", { user_ns: userNs, data: { content: { messages: [{ type: "image" }] } } })).status).toBe(422);
    const chat = await json(call(scoped, "GET", `/subscriber/chat-messages?user_ns=${userNs}&limit=2`));
    expect(chat.data.map((m: { content: string }) => m.content)).toEqual(["https://example.com/menu.png", "Our menu:"]);
  });

  test("pause, resume, assign and unassign", async () => {
    const paused = await json(call(scoped, "POST", "/subscriber/pause-bot", { user_ns: userNs, minutes: 0 }));
    expect(paused.data.paused_until).toBe("forever");
    expect((await json(call(scoped, "POST", "/subscriber/resume-bot", { user_ns: userNs }))).data.paused_until).toBeNull();
    expect((await json(call(scoped, "POST", "/subscriber/assign-agent", { user_ns: userNs, agent_id: 7 }))).data.assigned_agent_id).toBe(7);
    expect((await json(call(scoped, "POST", "/subscriber/unassign-agent", { user_ns: userNs }))).data.assigned_agent_id).toBeNull();
  });

  test("sub-flows: saved from a webhook's actions, run by send-sub-flow", async () => {
    const webhook = await createWebhook(server, flowNs, { actions: [{ type: "add_tag", tag: "followed-up" }, { type: "send_text", text: "Hi {{first_name}}, following up." }] });
    const saved = await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/sub-flow`, { name: "Follow up" });
    expect(saved.status).toBe(201);
    const { sub_flow_ns } = await saved.json();
    const hooks = await json(call(scoped, "GET", "/flow/inbound-webhooks"));
    expect(hooks.data[0]).toMatchObject({ name: "Lead form", active: false });
    const ran = await call(scoped, "POST", "/subscriber/send-sub-flow", { user_ns: userNs, sub_flow_ns });
    expect(ran.status).toBe(200);
    const info = await json(call(scoped, "GET", `/subscriber/get-info?user_ns=${userNs}`));
    expect(info.data.tags.map((tag: { name: string }) => tag.name)).toContain("followed-up");
    const chat = await json(call(scoped, "GET", `/subscriber/chat-messages?user_ns=${userNs}&limit=1`));
    expect(chat.data[0].content).toBe("Hi Ada, following up.");
    expect((await call(scoped, "POST", "/subscriber/send-sub-flow", { user_ns: userNs, sub_flow_ns: "snope" })).status).toBe(404);
  });

  test("the docs page lists the subscriber routes with examples", async () => {
    const spec = await (await fetch(`${server.url}/docs/json`)).json();
    const sendText = spec.paths["/api/subscriber/send-text"].post;
    expect(sendText.description).toContain("Example request");
    for (const path of ["/api/subscribers", "/api/subscriber/chat-messages", "/api/flow/user-fields", "/api/subscriber/pause-bot"]) expect(Object.keys(spec.paths)).toContain(path);
  });
});
