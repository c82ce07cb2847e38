// Health, metrics, API docs, static files, security headers and the request log.
import { testEngine } from "../helpers/postgres";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { STATIC_FILES } from "../../src/static/index";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("operations", () => {
  test("/healthz is 200 while the database answers", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: testEngine() });
  });

  test("/metrics counts requests by route template and status", async () => {
    await server.api("GET", "/api/v1/bots/fone");
    await server.api("GET", "/api/v1/bots/ftwo");
    await fetch(`${server.url}/api/v1/bots`);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain("# TYPE switchboard_http_requests_total counter");
    expect(text).toContain('switchboard_http_requests_total{method="GET",route="/api/v1/bots/:flow_ns",status="404"} 2');
    expect(text).toContain('switchboard_http_requests_total{method="GET",route="/api/v1/bots",status="401"} 1');
    expect(text).not.toContain("fone");
  });

  test("the API docs page and its spec are served, with every v1 route", async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/static/swagger-ui-bundle.js");
    expect(html).not.toContain("unpkg.com");
    const spec = await (await fetch(`${server.url}/docs/json`)).json();
    for (const path of ["/api/v1/bots", "/api/v1/bots/{flow_ns}", "/api/v1/bots/{flow_ns}/fields", "/api/v1/bots/{flow_ns}/contacts", "/api/v1/contacts/{user_ns}"]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
    expect(Object.keys(spec.paths).some((p) => p.startsWith("/admin"))).toBe(false);
  });

  test("every static file is served with its type", async () => {
    for (const [name, file] of Object.entries(STATIC_FILES)) {
      const response = await fetch(`${server.url}/static/${name}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(file.type);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    const missing = await fetch(`${server.url}/static/..%2F..%2Fetc%2Fpasswd`);
    expect(missing.status).toBe(404);
  });

  test("admin pages carry a CSP without inline script, and no framing", async () => {
    const response = await fetch(`${server.url}/admin/login`);
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("one JSON log line per request, without query strings", async () => {
    await fetch(`${server.url}/admin/setup?token=secret-setup-token`);
    const line = server.logs.findLast((l) => l.msg === "request")!;
    expect(line).toMatchObject({ method: "GET", path: "/admin/setup", status: 403 });
    expect(typeof line.ms).toBe("number");
    expect(JSON.stringify(server.logs)).not.toContain("secret-setup-token");
    expect(JSON.stringify(server.logs)).not.toContain(server.token);
  });

  test("webhook URLs: answers carry the security headers; logs and metrics never hold the token", async () => {
    const bot = await (await server.api("POST", "/api/v1/bots", { name: "Headers", channel: "sms", default_country: "US" })).json();
    const webhook = await (await server.api("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "w" })).json();
    const token = new URL(webhook.url).pathname.split("/").at(-1)!;
    const known = await fetch(`${server.url}/hooks/${token}`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    const unknown = await fetch(`${server.url}/hooks/not-a-real-token-at-all`, { method: "POST", body: "{}" });
    const wrongMethod = await fetch(`${server.url}/hooks/${token}`);
    expect([known.status, unknown.status, wrongMethod.status]).toEqual([409, 404, 405]);
    for (const response of [known, unknown, wrongMethod]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
    expect(known.headers.get("access-control-allow-origin")).toBe("*");
    const lines = server.logs.filter((l) => l.msg === "request" && String(l.path).startsWith("/hooks/"));
    expect(lines.map((l) => [l.path, l.status])).toEqual([[`/hooks/${token.slice(0, 4)}…`, 409], ["/hooks/not-…", 404], [`/hooks/${token.slice(0, 4)}…`, 405]]);
    expect(JSON.stringify(server.logs)).not.toContain(token);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('switchboard_http_requests_total{method="POST",route="/hooks/:token",status="409"} 1');
    expect(metrics).not.toContain(token);
  });

  test("a first start prints a one-time setup link", () => {
    expect(server.announced.join("\n")).toMatch(/\/admin\/setup\?token=[A-Za-z0-9_-]{32}/);
    expect(server.announced[0]).toContain(`${server.url}/admin`);
  });
});
