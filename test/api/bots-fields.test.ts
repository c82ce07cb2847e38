// Bots and custom fields through the real HTTP API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runScenario, startTestServer, type Scenario, type TestServer } from "../helpers/server";

let server: TestServer;
let flowNs: string;

beforeAll(async () => {
  server = await startTestServer();
  const response = await server.api("POST", "/api/v1/bots", { name: "Booking SMS", channel: "sms", default_country: "us" });
  expect(response.status).toBe(201);
  flowNs = (await response.json()).flow_ns;
});
afterAll(() => server.close());

describe("bots", () => {
  test("create returns the documented shape", async () => {
    const response = await server.api("POST", "/api/v1/bots", { name: "  Messenger helper ", channel: "messenger" });
    expect(response.status).toBe(201);
    const bot = await response.json();
    expect(bot).toMatchObject({ name: "Messenger helper", channel: "messenger", can_initiate: false, default_country: null, live_chat: "none" });
    expect(bot.flow_ns).toMatch(/^f[0-9a-z]{10}$/);
  });

  test("the default country is stored upper-case and channels say whether they may initiate", async () => {
    const bot = await (await server.api("GET", `/api/v1/bots/${flowNs}`)).json();
    expect(bot).toMatchObject({ flow_ns: flowNs, channel: "sms", can_initiate: true, default_country: "US" });
  });

  test("list includes created bots", async () => {
    const list = await (await server.api("GET", "/api/v1/bots")).json();
    expect(list.data.map((b: { flow_ns: string }) => b.flow_ns)).toContain(flowNs);
  });

  test("patch changes name and live chat, keeps the rest", async () => {
    const response = await server.api("PATCH", `/api/v1/bots/${flowNs}`, { name: "Bookings", live_chat: "webhook" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ flow_ns: flowNs, name: "Bookings", live_chat: "webhook", channel: "sms", default_country: "US" });
  });

  test("delete needs ?confirm=FLOW_NS, says what goes with the bot, then removes it with its fields", async () => {
    const bot = await (await server.api("POST", "/api/v1/bots", { name: "Doomed", channel: "test" })).json();
    await server.api("POST", `/api/v1/bots/${bot.flow_ns}/fields`, { name: "x", type: "text" });
    await server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: "+14155550190" });
    for (const query of ["", "?confirm=", `?confirm=${bot.flow_ns}x`]) {
      const refused = await server.api("DELETE", `/api/v1/bots/${bot.flow_ns}${query}`);
      expect(refused.status).toBe(422);
      expect((await refused.json()).error).toEqual({
        code: "confirmation_required",
        message: `Deleting this bot also deletes its 0 webhooks, 1 contact, 0 messages and 0 deliveries: repeat its flow_ns as ?confirm=${bot.flow_ns} to delete it.`,
      });
    }
    expect((await server.api("GET", `/api/v1/bots/${bot.flow_ns}`)).status).toBe(200);
    expect((await server.api("DELETE", `/api/v1/bots/${bot.flow_ns}?confirm=${bot.flow_ns}`)).status).toBe(204);
    expect((await server.api("GET", `/api/v1/bots/${bot.flow_ns}`)).status).toBe(404);
    const orphans = server.db.query("SELECT count(*) AS n FROM custom_fields WHERE bot_id NOT IN (SELECT id FROM bots)").get() as { n: number };
    expect(orphans.n).toBe(0);
  });

  const errorScenarios: Scenario[] = [
    { name: "missing name", method: "POST", path: "/api/v1/bots", body: { channel: "sms" }, status: 422, errorCode: "validation_failed", contains: ["name"] },
    { name: "wrong type for name", method: "POST", path: "/api/v1/bots", body: { name: 5, channel: "sms" }, status: 422, errorCode: "validation_failed", contains: ["name"] },
    { name: "unknown channel", method: "POST", path: "/api/v1/bots", body: { name: "x", channel: "pager" }, status: 422, errorCode: "validation_failed", contains: ["channel"] },
    { name: "unknown country", method: "POST", path: "/api/v1/bots", body: { name: "x", channel: "sms", default_country: "XX" }, status: 422, errorCode: "invalid_country" },
    { name: "malformed JSON", method: "POST", path: "/api/v1/bots", body: '{"name": "x",', status: 400, errorCode: "invalid_json" },
    { name: "unknown bot", method: "GET", path: "/api/v1/bots/fnope", status: 404, errorCode: "not_found", contains: ["fnope"] },
    { name: "patch unknown bot", method: "PATCH", path: "/api/v1/bots/fnope", body: { name: "y" }, status: 404, errorCode: "not_found" },
    { name: "bad live chat mode", method: "PATCH", path: "/api/v1/bots/FLOW", body: { live_chat: "email" }, status: 422, errorCode: "validation_failed", contains: ["live_chat"] },
    { name: "no token", method: "GET", path: "/api/v1/bots", noAuth: true, status: 401, errorCode: "unauthorized" },
    { name: "wrong token", method: "GET", path: "/api/v1/bots", noAuth: true, headers: { authorization: "Bearer sb_wrong" }, status: 401, errorCode: "unauthorized" },
    { name: "no token beats body validation", method: "POST", path: "/api/v1/bots", noAuth: true, body: { name: 1 }, headers: { "content-type": "application/json" }, status: 401, errorCode: "unauthorized" },
    { name: "missing channel is not defaulted", method: "POST", path: "/api/v1/bots", body: { name: "x" }, status: 422, errorCode: "validation_failed", contains: ["channel", "one of"] },
    { name: "unknown route", method: "GET", path: "/api/v1/nothing-here", status: 404, errorCode: "route_not_found" },
  ];
  for (const scenario of errorScenarios) {
    test(`error: ${scenario.name}`, async () => {
      await runScenario(server, { ...scenario, path: scenario.path.replace("FLOW", flowNs) });
    });
  }
});

describe("custom fields", () => {
  test("create and list", async () => {
    const created = await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "booking_date", type: "date" });
    expect(created.status).toBe(201);
    const field = await created.json();
    expect(field).toEqual({ id: expect.any(Number), name: "booking_date", type: "date" });
    const list = await (await server.api("GET", `/api/v1/bots/${flowNs}/fields`)).json();
    expect(list.data).toContainEqual(field);
  });

  test("duplicate name is 409", async () => {
    await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "plan", type: "text" });
    const response = await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "plan", type: "number" });
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe("field_exists");
  });

  test("a field may not shadow a system field", async () => {
    const response = await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "email", type: "text" });
    expect(response.status).toBe(409);
  });

  test("bad names and types are 422 naming the field", async () => {
    for (const body of [{ name: "has space", type: "text" }, { name: "1st", type: "text" }, { name: "ok", type: "money" }, { name: "ok" }]) {
      const response = await server.api("POST", `/api/v1/bots/${flowNs}/fields`, body);
      expect(response.status).toBe(422);
      const { error } = await response.json();
      expect(error.code).toBe("validation_failed");
      expect(error.message).toMatch(/name|type/);
    }
  });

  test("fields of an unknown bot are 404", async () => {
    const response = await server.api("GET", "/api/v1/bots/fmissing/fields");
    expect(response.status).toBe(404);
  });

  test("delete removes the field and its stored values", async () => {
    const field = await (await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "temp", type: "number" })).json();
    const contact = await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+14155550133" })).json();
    await server.api("PATCH", `/api/v1/contacts/${contact.user_ns}`, { fields: { temp: "7" } });
    expect((await server.api("DELETE", `/api/v1/bots/${flowNs}/fields/${field.id}`)).status).toBe(204);
    const after = await (await server.api("GET", `/api/v1/contacts/${contact.user_ns}`)).json();
    expect(after.fields).toEqual({});
    expect((await server.api("DELETE", `/api/v1/bots/${flowNs}/fields/${field.id}`)).status).toBe(404);
  });
});
