// Bad input of every kind against the API, the receiver and a channel's inbound URL: each gets
// its documented error shape and leaves no partial row.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runScenario, startTestServer, type Scenario, type TestServer } from "../helpers/server";
import { count, createBot, createWebhook, hookUrl } from "../helpers/inbound";

let server: TestServer;
let flowNs: string;
let hook: string;
let channel: string;

beforeAll(async () => {
  server = await startTestServer();
  flowNs = (await createBot(server, { name: "Bad input", channel: "sms", default_country: "US" })).flow_ns;
  await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "note", type: "text" });
  await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "amount", type: "number" });
  const webhook = await createWebhook(server, flowNs, { active: true, identify: { phone: "phone" }, mappings: [{ path: "note", field: "note" }, { path: "amount", field: "amount" }] });
  hook = hookUrl(server, webhook);
  const bot = await (await server.api("PATCH", `/api/v1/bots/${flowNs}`, { provider: "http", provider_settings: { url: "http://127.0.0.1:9/" } })).json();
  channel = `${server.url}${new URL(bot.inbound_url).pathname}`;
});
afterAll(() => server.close());

const rows = () => count(server, "SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM bots) + (SELECT count(*) FROM messages) AS n");
const deep = `{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
const invalidUtf8 = new Uint8Array([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
const huge = JSON.stringify({ name: "x".repeat(10 * 1024 * 1024), channel: "sms" });
const multipart = { body: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n', type: "multipart/form-data; boundary=b" };

type Answer = [status: number, code: string];
interface Case {
  name: string;
  body: BodyInit;
  type: string;
  /** What the API (POST /api/v1/bots), the receiver and a channel's inbound URL each answer. */
  api: Answer;
  hook: Answer;
  channel: Answer;
}
const notObject: Answer = [400, "invalid_body"];
// The API judges a body's shape by the route's schema (a JSON body is an object: 422); the
// public URLs, which take any object, refuse a non-object at once (400).
const cases: Case[] = [
  { name: "invalid JSON", body: '{"name": ', type: "application/json", api: [400, "invalid_json"], hook: [400, "invalid_json"], channel: [400, "invalid_json"] },
  { name: "empty body", body: "", type: "application/json", api: [422, "validation_failed"], hook: [400, "invalid_body"], channel: [400, "invalid_body"] },
  { name: "a JSON array", body: "[1, 2]", type: "application/json", api: [422, "validation_failed"], hook: notObject, channel: notObject },
  { name: "a JSON scalar", body: "42", type: "application/json", api: [422, "validation_failed"], hook: notObject, channel: notObject },
  { name: "invalid UTF-8", body: invalidUtf8, type: "application/json", api: [400, "invalid_body"], hook: [400, "invalid_body"], channel: [400, "invalid_body"] },
  { name: "10 MB", body: huge, type: "application/json", api: [413, "payload_too_large"], hook: [413, "payload_too_large"], channel: [413, "payload_too_large"] },
  { name: "depth 10,000", body: deep, type: "application/json", api: [400, "invalid_body"], hook: [400, "invalid_body"], channel: [400, "invalid_body"] },
  { name: "multipart", body: multipart.body, type: multipart.type, api: [415, "unsupported_media_type"], hook: [415, "unsupported_media_type"], channel: [415, "unsupported_media_type"] },
  { name: "wrong content type", body: '{"name":"x","channel":"sms"}', type: "application/xml", api: [415, "unsupported_media_type"], hook: [415, "unsupported_media_type"], channel: [415, "unsupported_media_type"] },
];

async function expectError(response: Response, [status, code]: Answer) {
  const body = await response.json();
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.message.length).toBeGreaterThan(10);
}

describe("bad bodies", () => {
  for (const c of cases) {
    test(`API: ${c.name} → ${c.api.join(" ")}, nothing stored`, async () => {
      const before = rows();
      const response = await fetch(`${server.url}/api/v1/bots`, { method: "POST", headers: { authorization: `Bearer ${server.token}`, "content-type": c.type }, body: c.body });
      await expectError(response, c.api);
      expect(rows()).toBe(before);
    });
    test(`receiver: ${c.name} → ${c.hook.join(" ")}, nothing stored but the log`, async () => {
      const before = rows();
      const response = await fetch(hook, { method: "POST", headers: { "content-type": c.type }, body: c.body });
      await expectError(response, c.hook);
      expect(rows()).toBe(before);
    });
    test(`channel inbound: ${c.name} → ${c.channel.join(" ")}, nothing stored`, async () => {
      const before = rows();
      const response = await fetch(channel, { method: "POST", headers: { "content-type": c.type }, body: c.body });
      await expectError(response, c.channel);
      expect(rows()).toBe(before);
    });
  }
});

describe("hostile values", () => {
  test("__proto__ and constructor keys pollute nothing anywhere", async () => {
    // Bodies are checked strictly: such a key is not a field of the request, and is named.
    const response = await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, '{"phone":"+14155550300","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}');
    expect(response.status).toBe(422);
    // The validator names the first unexpected key it meets; both are refused.
    expect((await response.json()).error).toEqual({ code: "validation_failed", message: expect.stringMatching(/^field '(__proto__|constructor)': Unexpected property$/) });
    const contact = await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+14155550300" })).json();
    const patch = await server.api("PATCH", `/api/v1/contacts/${contact.user_ns}`, '{"fields":{"__proto__":{"polluted":1}}}');
    expect(patch.status).toBe(422);
    expect((await patch.json()).error.code).toBe("unknown_field");
    const hooked = await fetch(hook, { method: "POST", headers: { "content-type": "application/json" }, body: '{"phone":"+14155550301","__proto__":{"polluted":1}}' });
    expect(hooked.status).toBe(200);
    const form = await fetch(hook, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "phone=%2B14155550302&__proto__=1&constructor=2" });
    expect(form.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("duplicate keys: the last one wins, as JSON.parse reads them", async () => {
    const response = await fetch(hook, { method: "POST", headers: { "content-type": "application/json" }, body: '{"phone":"+14155550303","note":"first","note":"second"}' });
    const { user_ns } = await response.json();
    expect((await (await server.api("GET", `/api/v1/contacts/${user_ns}`)).json()).fields.note).toBe("second");
  });

  test("numbers beyond 2^53 are stored as the nearest double, never crash", async () => {
    const response = await fetch(hook, { method: "POST", headers: { "content-type": "application/json" }, body: '{"phone":"+14155550304","amount":123456789012345678901234567890}' });
    expect(response.status).toBe(200);
    const { user_ns } = await response.json();
    expect((await (await server.api("GET", `/api/v1/contacts/${user_ns}`)).json()).fields.amount).toBe(1.2345678901234568e29);
  });

  const oddIds: Scenario[] = [
    { name: "../../etc/passwd as a user_ns", method: "GET", path: "/api/v1/contacts/..%2F..%2Fetc%2Fpasswd", status: 404, errorCode: "not_found", notContains: ["root:"] },
    { name: "%2E%2E as a flow_ns (the client resolves it to /api/v1/)", method: "GET", path: "/api/v1/bots/%2E%2E", status: 404, errorCode: "route_not_found" },
    { name: "a NUL user_ns", method: "GET", path: "/api/v1/contacts/%00", status: 404, errorCode: "not_found" },
    { name: "../x as a delivery id", method: "GET", path: "/api/v1/deliveries/..%2Fx", status: 404, errorCode: "not_found" },
  ];
  for (const scenario of oddIds) test(`path traversal and odd ids are just unknown ids: ${scenario.name}`, () => runScenario(server, scenario).then(() => {}));

  test("an over-long header is refused without harm (431, before any code of ours runs)", async () => {
    const before = rows();
    const response = await fetch(hook, { method: "POST", headers: { "content-type": "application/json", "x-long": "x".repeat(200_000) }, body: '{"phone":"+14155550305"}' });
    expect(response.status).toBe(431);
    expect(rows()).toBe(before);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  test("SQL metacharacters in every string field are data", async () => {
    const evil = "'; DROP TABLE contacts; --";
    const bot = await (await server.api("POST", "/api/v1/bots", { name: evil, channel: "sms" })).json();
    expect(bot.name).toBe(evil);
    const field = await server.api("POST", `/api/v1/bots/${bot.flow_ns}/fields`, { name: "x'", type: "text" });
    expect(field.status).toBe(422);
    const webhook = await (await server.api("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: evil })).json();
    expect(webhook.name).toBe(evil);
    expect(count(server, "SELECT count(*) AS n FROM contacts")).toBeGreaterThan(0);
  });
});

describe("unsupported methods", () => {
  const scenarios: Scenario[] = [
    ["DELETE", "/api/v1/bots", "GET, HEAD, POST"],
    ["PUT", "/healthz", "GET, HEAD"],
    ["POST", "/docs/json", "GET, HEAD"],
    ["GET", "/api/v1/deliveries/7/retry", "POST"],
    ["DELETE", "/api/v1/contacts/u1", "GET, HEAD, PATCH"],
  ].map(([method, path, allow]) => ({ name: `${method} ${path} → 405 with Allow: ${allow}`, method: method!, path: path!, status: 405, errorCode: "method_not_allowed", expectHeaders: { allow: allow! } }));
  for (const scenario of scenarios) test(scenario.name, () => runScenario(server, scenario).then(() => {}));

  test("a subscriber route (/api/…) also says the message at the top level, as UChat clients read it", async () => {
    const { json } = await runScenario(server, { name: "GET send-text", method: "GET", path: "/api/subscriber/send-text", status: 405, errorCode: "method_not_allowed", expectHeaders: { allow: "POST" } });
    expect(json).toEqual({ status: "error", message: json.error.message, error: { code: "method_not_allowed", message: "/api/subscriber/send-text takes POST, not GET." } });
  });

  test("a path nobody serves stays 404 route_not_found", () =>
    runScenario(server, { name: "unknown path", method: "GET", path: "/api/v1/nothing-here", status: 404, errorCode: "route_not_found", expectHeaders: { allow: null } }).then(() => {}));
});
