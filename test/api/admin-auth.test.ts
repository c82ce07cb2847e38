// Admin authentication over plain HTTP: setup link, env password, cookies, sessions, limits.
import { afterAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { adminSession } from "../helpers/admin";

const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));
async function start(overrides = {}) {
  const server = await startTestServer(overrides);
  servers.push(server);
  return server;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const login = (server: TestServer, password: string) =>
  fetch(`${server.url}/admin/login`, { method: "POST", body: form({ password }), redirect: "manual" });
const sessionCookie = (response: Response) => /sb_session=[^;]*/.exec(response.headers.get("set-cookie") ?? "")?.[0] ?? "";

describe("admin authentication", () => {
  test("SWITCHBOARD_ADMIN_PASSWORD replaces the setup link", async () => {
    const server = await start({ adminPassword: "from the environment" });
    expect(server.announced.join("\n")).not.toContain("/admin/setup");
    expect((await login(server, "from the environment")).status).toBe(303);
  });

  test("the session cookie is HttpOnly, SameSite=Lax, and Secure behind an https public URL", async () => {
    const plain = await start({ adminPassword: "password one" });
    const cookie = (await login(plain, "password one")).headers.get("set-cookie")!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
    const https = await start({ adminPassword: "password two", publicUrl: "https://hub.example.com" });
    expect((await login(https, "password two")).headers.get("set-cookie")).toContain("Secure");
  });

  test("pages need a session; logout ends it; a new login gets a new session id", async () => {
    const server = await start({ adminPassword: "password three" });
    const anonymous = await fetch(`${server.url}/admin`, { redirect: "manual" });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/admin/login");
    const first = sessionCookie(await login(server, "password three"));
    const second = sessionCookie(await login(server, "password three"));
    expect(first).not.toBe(second);
    const page = await fetch(`${server.url}/admin`, { headers: { cookie: first } });
    expect(page.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const logout = await fetch(`${server.url}/admin/logout`, { method: "POST", headers: { cookie: first }, body: form({ _csrf: csrf }), redirect: "manual" });
    expect(logout.status).toBe(303);
    expect((await fetch(`${server.url}/admin`, { headers: { cookie: first }, redirect: "manual" })).status).toBe(303);
    expect((await fetch(`${server.url}/admin`, { headers: { cookie: second }, redirect: "manual" })).status).toBe(200);
  });

  test("session fixation: a planted cookie is never promoted; a stolen id dies with its session", async () => {
    const server = await start({ adminPassword: "password fixation" });
    // An attacker plants a session id (in the victim's browser) before the victim logs in.
    const planted = "sb_session=attacker-chosen-value-0123456789abcdef";
    const loggedIn = await fetch(`${server.url}/admin/login`, { method: "POST", headers: { cookie: planted }, body: form({ password: "password fixation" }), redirect: "manual" });
    expect(loggedIn.status).toBe(303);
    const issued = sessionCookie(loggedIn);
    expect(issued).toMatch(/^sb_session=[A-Za-z0-9_-]{40,}$/);
    expect(issued).not.toBe(planted);
    // The planted value gives the attacker nothing, before or after the victim's login.
    expect((await fetch(`${server.url}/admin`, { headers: { cookie: planted }, redirect: "manual" })).status).toBe(303);
    // A failed login with a planted cookie issues nothing either.
    const failed = await fetch(`${server.url}/admin/login`, { method: "POST", headers: { cookie: planted }, body: form({ password: "wrong" }), redirect: "manual" });
    expect(sessionCookie(failed)).toBe("");
    // Sessions are stored hashed: the id in the cookie is nowhere in the database.
    const id = issued.split("=")[1]!;
    const rows = server.db.query<Record<string, unknown>, []>("SELECT * FROM sessions").all();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(id);
    // Setting a new password (CLI or env) ends every session, including a stolen one.
    await server.services.accounts.setPassword("a brand new password");
    expect((await fetch(`${server.url}/admin`, { headers: { cookie: issued }, redirect: "manual" })).status).toBe(303);
  });

  test("htmx requests without a session are sent to the login page with HX-Redirect", async () => {
    const server = await start({ adminPassword: "password four" });
    const response = await fetch(`${server.url}/admin/bots`, { method: "POST", headers: { "hx-request": "true" }, body: form({ name: "x", channel: "sms" }) });
    expect(response.headers.get("hx-redirect")).toBe("/admin/login");
    expect(server.services.bots.list()).toHaveLength(0);
  });

  test("login attempts are limited per address", async () => {
    const server = await start({ adminPassword: "password five" });
    for (let i = 0; i < 10; i++) expect((await login(server, "guess")).status).toBe(401);
    const blocked = await login(server, "password five");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  test("the setup link is single-use and only while no admin exists", async () => {
    const server = await start();
    const link = /\/admin\/setup\?token=(\S+)/.exec(server.announced.join("\n"))!;
    const token = link[1]!;
    expect((await fetch(`${server.url}/admin/setup?token=wrong`)).status).toBe(403);
    const short = await fetch(`${server.url}/admin/setup`, { method: "POST", body: form({ token, password: "short", confirm: "short" }), redirect: "manual" });
    expect(short.status).toBe(422);
    const ok = await fetch(`${server.url}/admin/setup`, { method: "POST", body: form({ token, password: "long enough pw", confirm: "long enough pw" }), redirect: "manual" });
    expect(ok.status).toBe(303);
    expect(sessionCookie(ok)).not.toBe("");
    // The audit log's first row: the owner set up by the link, no password in it.
    const setUp = server.services.audit.page({}, 1)[0]!;
    expect(setUp).toMatchObject({ actor_kind: "user", actor: "admin", route: "/admin/setup", entity: "user", action: "setup", status: 303 });
    expect(JSON.parse(setUp.after!)).toEqual({ username: "admin", role: "owner", disabled: false, two_factor: false });
    expect(JSON.stringify(setUp)).not.toContain("long enough pw");
    const reuse = await fetch(`${server.url}/admin/setup`, { method: "POST", body: form({ token, password: "taken over!", confirm: "taken over!" }), redirect: "manual" });
    expect(reuse.status).toBe(403);
    expect((await login(server, "long enough pw")).status).toBe(303);
  });

  test("without htmx, creating a token shows it on the full settings page", async () => {
    const server = await start({ adminPassword: "password six" });
    const cookie = sessionCookie(await login(server, "password six"));
    const page = await (await fetch(`${server.url}/admin/settings`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const created = await fetch(`${server.url}/admin/settings/tokens`, { method: "POST", headers: { cookie }, body: form({ name: "plain form", _csrf: csrf }) });
    const html = await created.text();
    expect(html).toContain("<!doctype html>");
    const token = /id="new-token"[^>]*>\s*([^<\s]+)/.exec(html)![1]!;
    expect((await fetch(`${server.url}/api/v1/bots`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    // The list says who made it: the signed-in user.
    expect(server.services.tokens.list().find((t) => t.name === "plain form")!.created_by).toBe("admin");
    expect(html).toMatch(/<td>[^<]* UTC by admin<\/td>/);
  });

  test("a token given a role in Settings reaches what that role may: an agent token answers chats, lists no bots", async () => {
    const server = await start({ adminPassword: "password six" });
    const admin = await adminSession(server, "password six");
    const created = await admin.post("/admin/settings/tokens", { name: "helpdesk", role: "agent" });
    expect(created.status).toBe(200);
    const html = await created.text();
    expect(html).toContain("all bots, role agent");
    const token = /id="new-token"[^>]*>\s*([^<\s]+)/.exec(html)![1]!;
    expect(server.services.tokens.list().find((t) => t.name === "helpdesk")!.role).toBe("agent");
    const refused = await fetch(`${server.url}/api/v1/bots`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("token_role");
    const bot = server.services.bots.create({ name: "Desk", channel: "test", default_country: "US" });
    const contact = server.services.contacts.create(bot, { phone: "+14155550401" });
    const send = await fetch(`${server.url}/api/subscriber/send-text`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ user_ns: contact.user_ns, content: "Hello from the desk" }) });
    expect(send.status).toBe(200);
    // A role that is not one a token may have is refused in place.
    const owner = await admin.post("/admin/settings/tokens", { name: "too much", role: "owner" });
    expect(owner.status).toBe(422);
    expect(await owner.text()).toContain("A token&#x27;s role is one of admin, operator, agent, viewer");
    expect(server.services.tokens.list().some((t) => t.name === "too much")).toBe(false);
  });
});

describe("read-only API tokens", () => {
  test("read, never write", async () => {
    const server = await start();
    const { token } = server.services.tokens.create("reader", null, null, true);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    expect((await fetch(`${server.url}/api/v1/bots`, { headers })).status).toBe(200);
    const write = await fetch(`${server.url}/api/v1/bots`, { method: "POST", headers, body: JSON.stringify({ name: "x", channel: "sms" }) });
    expect(write.status).toBe(403);
    expect((await write.json()).error.code).toBe("read_only_token");
    const subscriber = await fetch(`${server.url}/api/subscriber/send-text`, { method: "POST", headers, body: JSON.stringify({ user_ns: "u", content: "x" }) });
    expect(subscriber.status).toBe(403);
    expect(server.services.bots.list()).toHaveLength(0);
  });
});
