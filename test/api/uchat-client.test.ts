// A client written for UChat's hosted API, run against this server with only another base URL
// and token: each call sends the body UChat's API description gives for the route, and reads
// the answer the way such code does (data.name, data.user_id, tags[].tag_ns, user_fields[],
// a message's id, sender_id and ts, page/limit paging, an error's top-level message).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot } from "../helpers/inbound";

let server: TestServer;
let flowNs: string;
let apiKey: string; // UChat keys belong to one bot: a bot-scoped token
let inboundUrl: string;

/** The client: UChat's base URL is https://…/api; here it is this server's /api. */
async function uchat(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}/api${path}`, { method, headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", accept: "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

interface Tag { name: string; tag_ns: string }
interface UserField { var_ns: string; name: string; type: string; var_type: string; value: unknown }

beforeAll(async () => {
  server = await startTestServer();
  flowNs = (await createBot(server, { name: "UChat shop", channel: "whatsapp", default_country: "US" })).flow_ns;
  apiKey = server.services.tokens.create("uchat client", server.services.bots.get(flowNs).id, null).token;
  const bot = await (await server.api("PATCH", `/api/v1/bots/${flowNs}`, { provider: "http", provider_settings: { url: "http://127.0.0.1:9/" } })).json();
  inboundUrl = `${server.url}${new URL(bot.inbound_url).pathname}`;
});
afterAll(() => server.close());

describe("a UChat client, unchanged", () => {
  let ada: { user_ns: string; user_id: string };
  let vip: Tag;
  let plan: string;
  let colors: string;

  test("flow/create-user-field takes var_type array; flow/create-tag creates once and then answers the same tag", async () => {
    const planField = await uchat("POST", "/flow/create-user-field", { name: "plan", var_type: "text" });
    const colorsField = await uchat("POST", "/flow/create-user-field", { name: "colors", var_type: "array" });
    expect([planField.status, colorsField.status]).toEqual([201, 201]);
    expect(colorsField.body.data).toMatchObject({ name: "colors", var_type: "array" });
    plan = planField.body.data.var_ns;
    colors = colorsField.body.data.var_ns;

    const created = await uchat("POST", "/flow/create-tag", { name: "vip" });
    expect(created.status).toBe(201);
    vip = created.body.data;
    expect(vip).toEqual({ name: "vip", tag_ns: expect.stringMatching(/^t\d+$/) });
    const again = await uchat("POST", "/flow/create-tag", { name: "vip" });
    expect(again).toEqual({ status: 200, body: { status: "ok", data: vip } });
  });

  test("subscriber/create stores name (split) and gender; the answer is a BotUser with user_id, tags and user_fields", async () => {
    const { status, body } = await uchat("POST", "/subscriber/create", { name: "Ada King Lovelace", phone: "+1 415 555 0170", email: "Ada@Example.com", gender: "female" });
    expect(status).toBe(201);
    expect(body.status).toBe("ok");
    expect(body.data).toMatchObject({ name: "Ada King Lovelace", first_name: "Ada", last_name: "King Lovelace", gender: "female", phone: "+14155550170", email: "ada@example.com", user_id: "14155550170", tags: [] });
    expect(body.data.subscribed).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(body.data.user_fields).toEqual([
      { var_ns: colors, name: "colors", type: "array", var_type: "array", value: null },
      { var_ns: plan, name: "plan", type: "text", var_type: "text", value: null },
    ]);
    ada = body.data;
    const byUserId = await uchat("GET", `/subscriber/get-info-by-user-id?user_id=${ada.user_id}`);
    expect(byUserId.body.data.user_ns).toBe(ada.user_ns);
    expect((await uchat("PUT", "/subscriber/update", { user_ns: ada.user_ns, gender: "male" })).body.data.gender).toBe("male");
    expect((await uchat("PUT", "/subscriber/update", { user_ns: ada.user_ns, name: "Ada Lovelace" })).body.data).toMatchObject({ first_name: "Ada", last_name: "Lovelace", name: "Ada Lovelace" });
    expect((await uchat("POST", "/subscriber/create", { name: "X", phone: "+14155550171", gender: "other" })).status).toBe(422);
  });

  test("tags: add-tags-by-name with {tag_name} items, add-tag and remove-tag by tag_ns, remove-tags-by-name", async () => {
    const added = await uchat("POST", "/subscriber/add-tags-by-name", { user_ns: ada.user_ns, data: [{ tag_name: "vip" }, { tag_name: "newsletter" }] });
    expect(added.status).toBe(200);
    const tags: Tag[] = added.body.data.tags;
    expect(tags.map((tag) => tag.name)).toEqual(["vip", "newsletter"]);
    expect(tags[0]).toEqual(vip);
    const newsletter = tags[1]!;
    const listed = await uchat("GET", "/flow/tags");
    expect(listed.body.data).toEqual([newsletter, vip]);

    expect((await uchat("DELETE", "/subscriber/remove-tag", { user_ns: ada.user_ns, tag_ns: vip.tag_ns })).body.data.tags).toEqual([newsletter]);
    expect((await uchat("POST", "/subscriber/add-tag", { user_ns: ada.user_ns, tag_ns: vip.tag_ns })).body.data.tags).toEqual([newsletter, vip]);
    expect((await uchat("DELETE", "/subscriber/remove-tags", { user_ns: ada.user_ns, data: [{ tag_ns: vip.tag_ns }, { tag_ns: newsletter.tag_ns }] })).body.data.tags).toEqual([]);
    expect((await uchat("POST", "/subscriber/add-tags", { user_ns: ada.user_ns, data: [{ tag_ns: newsletter.tag_ns }] })).body.data.tags).toEqual([newsletter]);
    expect((await uchat("DELETE", "/subscriber/remove-tags-by-name", { user_ns: ada.user_ns, data: [{ tag_name: "newsletter" }] })).body.data.tags).toEqual([]);
    // Some clients send the names themselves.
    expect((await uchat("POST", "/subscriber/add-tags-by-name", { user_ns: ada.user_ns, data: ["vip"] })).body.data.tags).toEqual([vip]);
    const unknown = await uchat("POST", "/subscriber/add-tag", { user_ns: ada.user_ns, tag_ns: "t999999" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe("No tag with id 't999999'.");
  });

  test("fields: set-user-fields by var_ns (all or none), the array type, and the clear routes", async () => {
    const set = await uchat("PUT", "/subscriber/set-user-fields", { user_ns: ada.user_ns, data: [{ var_ns: plan, value: "gold" }, { var_ns: colors, value: '["red","blue"]' }] });
    expect(set.status).toBe(200);
    const fields: UserField[] = set.body.data.user_fields;
    expect(fields.find((f) => f.var_ns === plan)?.value).toBe("gold");
    expect(fields.find((f) => f.var_ns === colors)?.value).toEqual(["red", "blue"]);
    expect(set.body.data.fields).toEqual({ colors: ["red", "blue"], plan: "gold" });

    const halfBad = await uchat("PUT", "/subscriber/set-user-fields", { user_ns: ada.user_ns, data: [{ var_ns: plan, value: "silver" }, { var_ns: "v999999", value: 1 }] });
    expect(halfBad.status).toBe(404);
    expect((await uchat("GET", `/subscriber/get-info?user_ns=${ada.user_ns}`)).body.data.fields.plan).toBe("gold");

    expect((await uchat("DELETE", "/subscriber/clear-user-field", { user_ns: ada.user_ns, var_ns: colors })).body.data.fields).toEqual({ plan: "gold" });
    await uchat("PUT", "/subscriber/set-user-field", { user_ns: ada.user_ns, var_ns: colors, value: "green" });
    expect((await uchat("GET", `/subscriber/get-info?user_ns=${ada.user_ns}`)).body.data.fields.colors).toEqual(["green"]);
    expect((await uchat("DELETE", "/subscriber/clear-user-fields", { user_ns: ada.user_ns, data: [{ var_ns: colors }] })).body.data.fields).toEqual({ plan: "gold" });
    expect((await uchat("DELETE", "/subscriber/clear-user-fields-by-name", { user_ns: ada.user_ns, data: [{ name: "plan" }] })).body.data.fields).toEqual({});
    await uchat("PUT", "/subscriber/set-user-field", { user_ns: ada.user_ns, var_ns: plan, value: "gold" });
  });

  test("subscribers: page and limit with meta.current_page, last_page and total; filters by tag_ns, field value, name, phone", async () => {
    for (let i = 0; i < 4; i++) await uchat("POST", "/subscriber/create", { name: `Guest ${i}`, phone: `+1415555018${i}` });
    const first = await uchat("GET", "/subscribers?page=1&limit=2");
    const second = await uchat("GET", "/subscribers?page=2&limit=2");
    const third = await uchat("GET", "/subscribers?page=3&limit=2");
    expect(first.body.meta).toMatchObject({ current_page: 1, per_page: 2, total: 5, last_page: 3 });
    expect(first.body.data.map((c: { name: string }) => c.name)).toEqual(["Guest 3", "Guest 2"]);
    expect(second.body.data.map((c: { name: string }) => c.name)).toEqual(["Guest 1", "Guest 0"]);
    expect(third.body.data.map((c: { name: string }) => c.name)).toEqual(["Ada Lovelace"]);
    expect(third.body.meta.next_cursor).toBeNull();

    expect((await uchat("GET", `/subscribers?tag_ns=${vip.tag_ns}`)).body.data.map((c: { user_ns: string }) => c.user_ns)).toEqual([ada.user_ns]);
    expect((await uchat("GET", `/subscribers?user_field_ns=${plan}&user_field_value=gold`)).body.data.map((c: { user_ns: string }) => c.user_ns)).toEqual([ada.user_ns]);
    expect((await uchat("GET", `/subscribers?user_field_ns=${plan}&user_field_value=silver`)).body.data).toEqual([]);
    expect((await uchat("GET", "/subscribers?name=Guest%202")).body.data.map((c: { name: string }) => c.name)).toEqual(["Guest 2"]);
    expect((await uchat("GET", `/subscribers?phone=${encodeURIComponent("(415) 555-0170")}`)).body.data.map((c: { user_ns: string }) => c.user_ns)).toEqual([ada.user_ns]);
    const tooFar = await uchat("GET", "/subscribers?page=1001");
    expect(tooFar.status).toBe(422);
    expect(tooFar.body).toMatchObject({ status: "error", message: expect.stringContaining("page"), error: { code: "validation_failed" } });
  });

  test("chat messages carry id, sender_id and ts; chat-messages finds the contact by user_id too", async () => {
    const sent = await uchat("POST", "/subscriber/send-text", { user_ns: ada.user_ns, content: "Your table is ready" });
    expect(sent.status).toBe(200);
    expect(sent.body.data).toMatchObject({ type: "out", content: "Your table is ready", sender_id: flowNs });
    expect(Number.isInteger(sent.body.data.id)).toBe(true);
    const received = await fetch(inboundUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: "+14155550170", text: "On my way" }) });
    expect(received.status).toBe(200);
    const chat = await uchat("GET", `/subscriber/chat-messages?user_id=${ada.user_id}&limit=2`);
    const [incoming, outgoing] = chat.body.data;
    expect(incoming).toMatchObject({ type: "in", content: "On my way", sender_id: ada.user_ns });
    expect(outgoing.id).toBe(sent.body.data.id);
    expect(incoming.id).toBeGreaterThan(outgoing.id);
    expect(Math.abs(incoming.ts - Date.now() / 1000)).toBeLessThan(60);
  });

  test("flow/subflows pages; send-sub-flow-by-user-id runs one for the contact with that phone", async () => {
    const webhook = await (await server.api("POST", `/api/v1/bots/${flowNs}/inbound-webhooks`, { name: "Form" })).json();
    await server.api("PATCH", `/api/v1/inbound-webhooks/${webhook.id}`, { actions: [{ type: "add_tag", tag: "followed-up" }] });
    for (const name of ["Follow up", "Welcome"]) expect((await server.api("POST", `/api/v1/inbound-webhooks/${webhook.id}/sub-flow`, { name })).status).toBe(201);
    const page = await uchat("GET", "/flow/subflows?page=2&limit=1");
    expect(page.body).toEqual({ status: "ok", data: [{ name: "Welcome", sub_flow_ns: expect.any(String) }], meta: { current_page: 2, per_page: 1, total: 2, last_page: 2 } });
    const followUp = (await uchat("GET", "/flow/subflows?name=follow")).body.data;
    expect(followUp.map((flow: { name: string }) => flow.name)).toEqual(["Follow up"]);
    const ran = await uchat("POST", "/subscriber/send-sub-flow-by-user-id", { user_id: "(415) 555-0170", sub_flow_ns: followUp[0].sub_flow_ns });
    expect(ran).toEqual({ status: 200, body: { status: "ok", data: { notes: [] } } });
    const tags: Tag[] = (await uchat("GET", `/subscriber/get-info?user_ns=${ada.user_ns}`)).body.data.tags;
    expect(tags.map((tag) => tag.name)).toContain("followed-up");
    expect((await uchat("POST", "/subscriber/send-sub-flow-by-user-id", { user_id: "+14155559999", sub_flow_ns: followUp[0].sub_flow_ns })).status).toBe(404);
    await uchat("DELETE", "/subscriber/remove-tag-by-name", { user_ns: ada.user_ns, tag_name: "followed-up" });
    expect((await uchat("POST", "/subscriber/send-sub-flow-by-flow-name", { user_ns: ada.user_ns, flow_name: "Follow up" })).status).toBe(200);
    expect((await uchat("GET", `/subscriber/get-info?user_ns=${ada.user_ns}`)).body.data.tags.map((tag: Tag) => tag.name)).toContain("followed-up");
    expect((await uchat("POST", "/subscriber/send-sub-flow-by-flow-name", { user_ns: ada.user_ns, flow_name: "Nope" })).status).toBe(404);
  });

  test("flow/bot-users-count: open are the paused contacts, done the rest", async () => {
    await uchat("POST", "/subscriber/pause-bot", { user_ns: ada.user_ns, minutes: 30 });
    expect((await uchat("GET", "/flow/bot-users-count")).body).toEqual({ status: "ok", data: [{ status: "open", num: 1 }, { status: "pending", num: 0 }, { status: "spam", num: 0 }, { status: "done", num: 4 }] });
  });

  test("flow lists page by page and limit and filter by name: tags, user fields, inbound webhooks", async () => {
    const tags = await uchat("GET", "/flow/tags?page=1&limit=1&name=v");
    expect(tags.body).toEqual({ status: "ok", data: [vip], meta: { current_page: 1, per_page: 1, total: 1, last_page: 1 } });
    const fields = await uchat("GET", "/flow/user-fields?page=2&limit=1");
    expect(fields.body.data).toEqual([{ var_ns: plan, name: "plan", var_type: "text" }]); // after colors
    expect(fields.body.meta).toEqual({ current_page: 2, per_page: 1, total: 2, last_page: 2 });
    const [hook] = (await uchat("GET", "/flow/inbound-webhooks")).body.data;
    const token = server.db.query<{ token: string }, []>("SELECT token FROM inbound_webhooks").get()!.token;
    expect(hook).toEqual({ id: expect.any(Number), name: "Form", status: "inactive", active: false, sub_flow_ns: null, hook_uid: token, url: `${server.url}/hooks/${token}` });
  });

  test("delete-tag and delete-tag-by-name take the tag off every contact", async () => {
    const deleted = await uchat("DELETE", "/flow/delete-tag", { tag_ns: vip.tag_ns });
    expect(deleted.body).toEqual({ status: "ok", data: vip });
    const info = (await uchat("GET", `/subscriber/get-info?user_ns=${ada.user_ns}`)).body.data;
    expect(info.tags.map((tag: Tag) => tag.name)).toEqual(["followed-up"]);
    expect((await uchat("DELETE", "/flow/delete-tag-by-name", { name: "followed-up" })).status).toBe(200);
    expect((await uchat("GET", `/subscriber/get-info?user_ns=${ada.user_ns}`)).body.data.tags).toEqual([]);
    expect((await uchat("GET", "/flow/tags")).body.data.map((tag: Tag) => tag.name)).toEqual(["newsletter"]);
    expect((await uchat("DELETE", "/flow/delete-tag", { tag_ns: vip.tag_ns })).status).toBe(404);
  });

  test("delete-user-field and delete-user-field-by-name remove the field and its values", async () => {
    const temp = (await uchat("POST", "/flow/create-user-field", { name: "temp", var_type: "number" })).body.data;
    await uchat("PUT", "/subscriber/set-user-field", { user_ns: ada.user_ns, var_ns: temp.var_ns, value: 3 });
    expect((await uchat("DELETE", "/flow/delete-user-field", { var_ns: temp.var_ns })).body).toEqual({ status: "ok", data: temp });
    expect((await uchat("GET", `/subscriber/get-info?user_ns=${ada.user_ns}`)).body.data.fields).not.toHaveProperty("temp");
    expect((await uchat("DELETE", "/flow/delete-user-field", { var_ns: temp.var_ns })).status).toBe(404);
    expect((await uchat("DELETE", "/flow/delete-user-field-by-name", { name: "colors" })).body.data.var_ns).toBe(colors);
    expect((await uchat("GET", "/flow/user-fields")).body.data.map((field: { name: string }) => field.name)).toEqual(["plan"]);
  });

  test("errors carry UChat's top-level message beside the error object", async () => {
    const missing = await uchat("GET", "/subscriber/get-info?user_ns=unope");
    expect(missing).toEqual({ status: 404, body: { status: "error", message: "No contact with id 'unope'.", error: { code: "not_found", message: "No contact with id 'unope'." } } });
    const invalid = await uchat("POST", "/subscriber/send-text", { user_ns: ada.user_ns });
    expect(invalid.status).toBe(422);
    expect(invalid.body.message).toBe(invalid.body.error.message);
    expect(invalid.body.message).toContain("content");
    apiKey = "sb_not_a_key";
    const unauthorized = await uchat("GET", "/flow/tags");
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body.message).toBe("Send a valid API token as 'Authorization: Bearer TOKEN'.");
  });
});
