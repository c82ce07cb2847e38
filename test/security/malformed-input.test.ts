// No request from outside produces a 500: every route the router has is walked with malformed
// query values (the admin's with a session and its CSRF token), static names that are
// Object.prototype's, and bodies of the wrong JSON type where an object is expected.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { adminSession } from "../helpers/admin";

let server: TestServer;
let admin: Awaited<ReturnType<typeof adminSession>>;
let params: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "admin password" });
  admin = await adminSession(server, "admin password");
  const bot = await createBot(server);
  const botId = server.services.bots.get(bot.flow_ns).id;
  const field = server.services.fields.create(botId, { name: "note", type: "text" });
  const webhook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "phone" } });
  const answer = (await (await post(hookUrl(server, webhook), { phone: "+14155552671" })).json()) as { user_ns: string };
  const logId = (server.db.query("SELECT max(id) AS id FROM webhook_logs").get() as { id: number }).id;
  const delivery = server.db.transaction(() => server.services.deliveries.enqueue({ kind: "http_request", botId, targetUrl: "http://127.0.0.1:9/" }))();
  params = {
    flow_ns: bot.flow_ns,
    user_ns: answer.user_ns,
    log_id: String(logId),
    token: new URL(webhook.url).pathname.split("/")[2]!,
    channel_token: server.services.bots.get(bot.flow_ns).channel_token,
    name: "app.css",
    index: "0",
    // `:id` names a field, a webhook, a delivery or a token depending on the route.
    "field:id": String(field.id),
    "webhook:id": String(webhook.id),
    "delivery:id": delivery.public_id,
    "token:id": "1",
  };
});
afterAll(() => server.close());

function fill(path: string): string {
  const kind = path.includes("/fields/") ? "field" : path.includes("/deliveries/") ? "delivery" : path.includes("/tokens/") ? "token" : "webhook";
  return path.replace(/:([a-z_]+)/g, (_, name: string) => params[name === "id" ? `${kind}:id` : name] ?? "x");
}

const MALFORMED_QUERIES = [
  "limit=1.5", "limit=-1", "limit=abc", "limit=1e400", "limit=1&limit=2", "limit[]=1", "cursor=%ZZ", "cursor=not-a-cursor", "cursor=",
  "state=bogus", "outcome=bogus", "q=%00", "q=%25%5F", "flow_ns=", "user_ns=", "user_id=", "target=%25", "token=", "__proto__=1", "constructor=x",
];

describe("malformed query values", () => {
  test("limit=1.5 on a list route is 422 validation_failed naming limit", async () => {
    for (const path of ["/api/v1/deliveries", `/api/v1/bots/${params.flow_ns}/contacts`, `/api/v1/inbound-webhooks/${params["webhook:id"]}/logs`, `/api/v1/contacts/${params.user_ns}/messages`, `/api/subscribers?flow_ns=${params.flow_ns}&x=1`, `/api/subscriber/chat-messages?user_ns=${params.user_ns}&x=1`]) {
      const response = await server.api("GET", `${path}${path.includes("?") ? "&" : "?"}limit=1.5`);
      expect({ path, status: response.status }).toEqual({ path, status: 422 });
      expect(((await response.json()) as { error: { code: string; message: string } }).error).toEqual({ code: "validation_failed", message: "query parameter 'limit' must be a whole number from 1 to 200" });
    }
  });
});

describe("static files", () => {
  test("names that are Object.prototype's are unknown files: 404, not 500", async () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      const response = await fetch(`${server.url}/static/${name}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
  });
});

describe("bodies of the wrong type", () => {
  test("the integration's headers as a string are refused with 422 naming the field, and nothing is stored", async () => {
    const before = await (await server.api("GET", "/api/v1/integrations/webhook")).json();
    const response = await server.api("PUT", "/api/v1/integrations/webhook", { url: "http://127.0.0.1:9/x", headers: "AAA" });
    expect(response.status).toBe(422);
    const error = ((await response.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("validation_failed");
    expect(error.message).toStartWith("field 'headers'");
    expect(await (await server.api("GET", "/api/v1/integrations/webhook")).json()).toEqual(before);
  });

  test("a misspelt setting or integration field is refused with 422 naming it, not dropped", async () => {
    for (const [method, path, body, field] of [["PATCH", "/api/v1/settings", { log_retention_day: 3 }, "log_retention_day"], ["PUT", "/api/v1/integrations/webhook", { enabeld: true }, "enabeld"]] as const) {
      const response = await server.api(method, path, body);
      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: { message: string } }).error.message).toStartWith(`field '${field}': not a field here`);
    }
    expect(((await (await server.api("GET", "/api/v1/settings")).json()) as { log_retention_days: number }).log_retention_days).toBe(30);
  });

  for (const [method, path] of [["PUT", "/api/v1/integrations/webhook"], ["PATCH", "/api/v1/settings"], ["PATCH", "/api/v1/bots/:flow_ns"], ["POST", "/api/subscriber/send-text"]] as const) {
    test(`${method} ${path} with a scalar, an array or a string body is 422 validation_failed`, async () => {
      for (const body of ["5", "[]", '"x"', "null", "true"]) {
        const response = await server.api(method, fill(path), body);
        expect({ body, status: response.status }).toEqual({ body, status: 422 });
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
      }
    });
  }
});

// Last: the walk deletes what it finds (a bot, a webhook) and ends the admin session.
describe("every route", () => {
  test("every route answers every malformed query without a 500, in the documented error shape", async () => {
    // Routes that end the session or delete the fixtures go last.
    const routes = server.routes().sort((a, b) => Number(/delete|logout|revoke/.test(a.path) || a.method === "DELETE") - Number(/delete|logout|revoke/.test(b.path) || b.method === "DELETE"));
    const failures: string[] = [];
    for (const route of routes) {
      const method = route.method === "ALL" ? "GET" : route.method;
      for (const query of MALFORMED_QUERIES) {
        const url = `${server.url}${fill(route.path)}?${query}`;
        const isAdmin = route.path.startsWith("/admin");
        const headers: Record<string, string> = isAdmin ? { cookie: admin.cookie, "hx-request": "true" } : { authorization: `Bearer ${server.token}`, "content-type": "application/json" };
        const body = method === "GET" || method === "HEAD" || method === "OPTIONS" ? undefined : isAdmin ? new URLSearchParams({ _csrf: admin.csrf }) : "{}";
        const response = await fetch(url, { method, headers, body, redirect: "manual" });
        const text = await response.text();
        if (response.status >= 500) failures.push(`${method} ${route.path}?${query} → ${response.status} ${text.slice(0, 120)}`);
        else if (response.status >= 400 && response.headers.get("content-type")?.includes("json")) {
          const error = JSON.parse(text).error;
          if (typeof error?.code !== "string" || typeof error?.message !== "string") failures.push(`${method} ${route.path}?${query} → ${response.status} without the error shape`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
