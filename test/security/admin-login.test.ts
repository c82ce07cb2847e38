// Signing in to the admin under attack: guesses are counted before the password is checked,
// few run at once, limits are per client address (behind a trusted proxy, the forwarded one),
// the setup link works once however many requests race with it, and a state change from
// another origin is refused, never a 500.
import { afterAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { adminSession, form } from "../helpers/admin";

const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));
async function start(overrides = {}) {
  const server = await startTestServer(overrides);
  servers.push(server);
  return server;
}
const login = (server: TestServer, password: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/admin/login`, { method: "POST", headers, body: form({ password }), redirect: "manual" });

describe("login limits", () => {
  test("100 parallel wrong passwords from one address: at most 10 are checked, the rest refused with 429 and Retry-After", async () => {
    const server = await start({ adminPassword: "the right password" });
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => login(server, `guess ${i}`)));
    const checked = answers.filter((a) => a.status === 401);
    const refused = answers.filter((a) => a.status === 429);
    expect(checked.length + refused.length).toBe(100);
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.length).toBeLessThanOrEqual(10);
    expect(Number(refused[0]!.headers.get("retry-after"))).toBeGreaterThan(0);
    // One at a time, the address gets exactly 10 checked guesses in all, then is blocked,
    // even for the right password.
    let checkedInAll = checked.length;
    for (let i = 0; i < 20; i++) if ((await login(server, `slow guess ${i}`)).status === 401) checkedInAll++;
    expect(checkedInAll).toBe(10);
    expect((await login(server, "the right password")).status).toBe(429);
  });

  test("behind a trusted proxy, one client's failures do not lock out another: the right password from a fresh address signs in", async () => {
    const server = await start({ adminPassword: "the right password", trustedProxies: "127.0.0.0/8" });
    const attacker = { "x-forwarded-for": "203.0.113.7" };
    for (let i = 0; i < 12; i++) await login(server, `guess ${i}`, attacker);
    expect((await login(server, "the right password", attacker)).status).toBe(429);
    expect((await login(server, "the right password", { "x-forwarded-for": "198.51.100.20" })).status).toBe(303);
    // The proxy's own hops are skipped; the nearest untrusted address is the client.
    expect((await login(server, "the right password", { "x-forwarded-for": "203.0.113.7, 127.0.0.2" })).status).toBe(429);
  });

  test("without a trusted proxy, X-Forwarded-For is ignored: a client cannot pick a new address per guess", async () => {
    const server = await start({ adminPassword: "the right password" });
    for (let i = 0; i < 10; i++) expect((await login(server, `guess ${i}`, { "x-forwarded-for": `198.51.100.${i}` })).status).toBe(401);
    expect((await login(server, "guess 11", { "x-forwarded-for": "198.51.100.99" })).status).toBe(429);
  });

  test("a bad --trusted-proxy is refused at start", async () => {
    const { loadConfig, ConfigError } = await import("../../src/config");
    expect(() => loadConfig({ "trusted-proxy": "10.0.0.0/33" }, {})).toThrow(ConfigError);
    expect(loadConfig({}, { SWITCHBOARD_TRUSTED_PROXY: "10.0.0.0/8, ::1" }).trustedProxies).toBe("10.0.0.0/8, ::1");
  });
});

describe("the setup link", () => {
  test("three parallel setups with one token: one sets the password, two are refused", async () => {
    const server = await start();
    const token = /token=([^\s]+)/.exec(server.announced.join("\n"))![1]!;
    const setup = (password: string) => fetch(`${server.url}/admin/setup`, { method: "POST", body: form({ token, password, confirm: password }), redirect: "manual" });
    const answers = await Promise.all(["first password", "second password", "third password"].map(setup));
    expect(answers.map((a) => a.status).sort()).toEqual([303, 403, 403]);
    const winner = ["first password", "second password", "third password"][answers.findIndex((a) => a.status === 303)]!;
    expect((await login(server, winner)).status).toBe(303);
  });
});

describe("the CSRF origin check", () => {
  test("a state change is accepted from the Host's origin and the public URL's, refused (403, not 500) from others, 'null' and non-URLs", async () => {
    const server = await start({ adminPassword: "the right password", publicUrl: "https://hub.example.com" });
    const admin = await adminSession(server, "the right password");
    const change = (origin: string) => admin.post("/admin/settings/installation", { max_inbound_webhooks_per_bot: "5", log_retention_days: "30" }, { origin });
    expect((await change(server.url)).status).toBe(200);
    expect((await change("https://hub.example.com")).status).toBe(200);
    for (const origin of ["https://evil.example", "null", "not a url", "https://hub.example.com.evil.example"]) expect((await change(origin)).status).toBe(403);
  });
});
