// An http_request action's response handling, end to end: a lead comes in, the request goes to a
// stand-in CRM on 127.0.0.1, and when its delivery finishes the response's values land on the
// contact and the follow-ups of its outcome run. Retries move on a fake clock.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { fakeClock, standIn } from "../helpers/worker";

let server: TestServer;
let flowNs: string;
const clock = fakeClock(Date.now());
const crm = standIn((request) => {
  const path = new URL(request.url).pathname;
  if (path === "/ok") return Response.json({ customer: { id: "C-42", segment: "vip", labels: ["emea", "retail"] }, score: 87 });
  if (path === "/refused") return Response.json({ error: "duplicate" }, { status: 422 });
  if (path === "/down") return new Response("maintenance", { status: 503 });
  if (path === "/text") return new Response("not json at all");
  return new Response("?", { status: 404 });
});

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  await server.api("PATCH", "/api/v1/settings", { allow_private_targets: true, max_inbound_webhooks_per_bot: 100 });
  flowNs = (await createBot(server)).flow_ns;
  for (const [name, type] of [["crm_id", "text"], ["score", "number"], ["note", "text"]]) await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name, type });
});
afterAll(async () => {
  await server.close();
  crm.stop();
});

const contact = async (userNs: string) => (await server.api("GET", `/api/v1/contacts/${userNs}`)).json();
const deliveryOf = async () => {
  const list = await (await server.api("GET", "/api/v1/deliveries?kind=http_request&limit=1")).json();
  return (await server.api("GET", `/api/v1/deliveries/${list.data[0].id}`)).json();
};

/** Pumps the worker, moving the clock past each retry, until the newest delivery has finished. */
async function finish() {
  for (let i = 0; i < 20; i++) {
    server.worker.pump();
    await server.worker.idle();
    const delivery = await deliveryOf();
    if (delivery.state === "succeeded" || delivery.state === "failed") return delivery;
    clock.advance(13 * 3600 * 1000);
  }
  throw new Error("the delivery did not finish");
}

const hookWith = (path: string, response: Record<string, unknown>) =>
  createWebhook(server, flowNs, { active: true, identify: { phone: "phone" }, actions: [{ type: "http_request", url: `${crm.url}${path}`, method: "POST", body: { phone: "{{phone}}" }, response }] });

describe("response handling of http_request", () => {
  test("on a 2xx, values from the response's JSON are written to fields and tags, then on_success runs with {{payload.…}} read from the response", async () => {
    const webhook = await hookWith("/ok", {
      mappings: [{ path: "customer.id", field: "crm_id" }, { path: "score", field: "score" }],
      tags: ["customer.segment", "customer.labels"],
      on_success: [{ type: "add_tag", tag: "synced" }, { type: "set_field", field: "note", value: "CRM id {{payload.customer.id}}" }],
      on_failure: [{ type: "add_tag", tag: "sync-failed" }],
    });
    const lead = await (await post(hookUrl(server, webhook), { phone: "+14155550700" })).json();
    const delivery = await finish();
    expect(delivery).toMatchObject({ state: "succeeded", follow_up: { outcome: "2xx", written: { crm_id: "C-42", score: 87, note: "CRM id C-42" }, tags: ["vip", "emea", "retail"], actions: 2, notes: [] } });
    const stored = await contact(lead.user_ns);
    expect(stored.fields).toEqual({ crm_id: "C-42", score: 87, note: "CRM id C-42" });
    expect(stored.tags).toEqual(["vip", "emea", "retail", "synced"]);
  });

  test("a 4xx runs on_client_error; nothing is read from the answer", async () => {
    const webhook = await hookWith("/refused", { mappings: [{ path: "error", field: "note" }], on_client_error: [{ type: "add_tag", tag: "crm-refused" }], on_failure: [{ type: "add_tag", tag: "sync-failed" }] });
    const lead = await (await post(hookUrl(server, webhook), { phone: "+14155550701" })).json();
    const delivery = await finish();
    expect(delivery).toMatchObject({ state: "failed", last_status: 422, follow_up: { outcome: "4xx", written: {}, tags: [], actions: 1 } });
    expect(await contact(lead.user_ns)).toMatchObject({ tags: ["crm-refused"], fields: {} });
  });

  test("a 5xx to the last try fails for good and runs on_failure when there is no on_server_error", async () => {
    const webhook = await hookWith("/down", { on_failure: [{ type: "add_tag", tag: "sync-failed" }] });
    const lead = await (await post(hookUrl(server, webhook), { phone: "+14155550702" })).json();
    const delivery = await finish();
    expect(delivery).toMatchObject({ state: "failed", attempts: 10, last_status: 503, follow_up: { outcome: "5xx", actions: 1 } });
    expect((await contact(lead.user_ns)).tags).toEqual(["sync-failed"]);
  });

  test("a 2xx that is not JSON runs on_success and says nothing could be read", async () => {
    const webhook = await hookWith("/text", { mappings: [{ path: "id", field: "crm_id" }], on_success: [{ type: "add_tag", tag: "synced" }] });
    const lead = await (await post(hookUrl(server, webhook), { phone: "+14155550703" })).json();
    const delivery = await finish();
    expect(delivery.follow_up).toEqual({ outcome: "2xx", written: {}, tags: [], actions: 1, notes: ["the response is not JSON: nothing read from it"] });
    expect(await contact(lead.user_ns)).toMatchObject({ tags: ["synced"], fields: {} });
  });

  test("the delivery detail in the admin shows what was done with the response", async () => {
    const delivery = await deliveryOf();
    const page = await fetch(`${server.url}/admin/deliveries/${delivery.id}`, { headers: { cookie: await adminCookie() } });
    const text = await page.text();
    expect(text).toContain("With the response");
    expect(text).toContain("the response is not JSON: nothing read from it");
  });

  test("bad response handling is refused naming the part; follow-ups make no HTTP request", async () => {
    const webhook = await createWebhook(server, flowNs);
    const cases: [unknown, string][] = [
      [{ mappings: [{ path: "a..b", field: "note" }] }, "actions[0]: response.mappings[0].path: 'a..b' is not a path into the response's JSON"],
      [{ mappings: [{ path: "a", field: "nope" }] }, "actions[0]: response.mappings[0].field: this bot has no field named 'nope'."],
      [{ on_success: [{ type: "http_request", url: "https://example.com" }] }, "actions[0]: response.on_success[0]: a follow-up makes no HTTP request of its own."],
      [{ on_failure: [{ type: "add_tag" }] }, "actions[0]: response.on_failure[0]: add_tag needs 'tag' (a non-empty string)."],
      [{ tags: "segment" }, "actions[0]: response.tags: a list."],
    ];
    for (const [response, message] of cases) {
      const answer = await server.api("PATCH", `/api/v1/inbound-webhooks/${webhook.id}`, { actions: [{ type: "http_request", url: "https://crm.example.com/x", response }] });
      expect({ response, status: answer.status }).toEqual({ response, status: 422 });
      const { error } = await answer.json();
      expect({ response, code: error.code }).toEqual({ response, code: "invalid_action" });
      expect(error.message).toStartWith(message);
    }
  });
});

async function adminCookie(): Promise<string> {
  await server.services.accounts.setPassword("response handling password");
  const login = await fetch(`${server.url}/admin/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url }, body: "password=response+handling+password", redirect: "manual" });
  return login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}
