// Roles in the admin: every admin route is named by a rule of roles.ts, and every route is
// walked with every role: refused with 403 exactly when the role lacks the route's capability.
// A few routes per role are pinned by hand, so the policy itself is checked, not only the guard.
// The walk also checks that each state-changing route leaves its row in the audit log.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { adminSession } from "../helpers/admin";
import { can, capabilityFor, ROLES, type Role } from "../../src/modules/admin/roles";
import { subjectOf } from "../../src/modules/audit/subjects";

const PASSWORD = "roles test password";
let server: TestServer;
const sessions = {} as Record<Role, Awaited<ReturnType<typeof adminSession>>>;
let flowNs = "";
let userNs = "";
let webhookId = 0;

beforeAll(async () => {
  server = await startTestServer({ adminPassword: PASSWORD });
  await server.services.accounts.setPassword(PASSWORD); // the owner, "admin"
  for (const role of ROLES.filter((r) => r !== "owner")) await server.services.accounts.setPassword(PASSWORD, { username: `${role}-user`, role });
  for (const role of ROLES) sessions[role] = await adminSession(server, PASSWORD, role === "owner" ? "" : `${role}-user`);
  const bot = await (await server.api("POST", "/api/v1/bots", { name: "Roles", channel: "sms", default_country: "US" })).json();
  flowNs = bot.flow_ns;
  userNs = (await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+14155550177" })).json()).user_ns;
  webhookId = (await (await server.api("POST", `/api/v1/bots/${flowNs}/inbound-webhooks`, { name: "w" })).json()).id;
});
afterAll(() => server.close());

/** A route's path with its parameters filled with real (or harmless) values. */
const concrete = (path: string) =>
  path.replace(":flow_ns", flowNs).replace(":user_ns", userNs).replace(/^\/admin\/webhooks\/:id/, `/admin/webhooks/${webhookId}`).replace(/:[a-z_]+/g, "999999");

// Signing out ends the session the walk uses, and the event stream stays open: both are checked on their own.
const walked = () => server.routes().filter((r) => r.path.startsWith("/admin/") || r.path === "/admin").filter((r) => !/^\/admin\/(login|login\/two-factor|setup|invite|logout|events)$/.test(r.path) && ["GET", "POST"].includes(r.method));

describe("admin roles", () => {
  test("every admin route is named by a rule (none is left open or shut by accident)", () => {
    const unnamed = walked().filter((r) => capabilityFor(r.method, r.path) === null);
    expect(unnamed).toEqual([]);
    expect(walked().length).toBeGreaterThan(70);
  });

  for (const role of ROLES) {
    test(`${role}: every admin route answers 403 exactly when the role lacks its capability, and each state change leaves its audit row`, async () => {
      const wrong: string[] = [];
      for (const { method, path } of walked()) {
        const allowed = can(role, capabilityFor(method, path)!);
        const url = concrete(path);
        // The CSRF token as a header too: the CSV upload reads its own (multipart) body.
        const lastAudited = server.services.audit.page({}, 1)[0]?.id ?? 0;
        const response = method === "GET" ? await sessions[role].get(url) : await sessions[role].post(url, {}, { "x-csrf-token": sessions[role].csrf });
        await response.body?.cancel();
        if ((response.status === 403) === allowed) wrong.push(`${method} ${path}: ${response.status} (${allowed ? "allowed" : "refused"} by the rules)`);
        // Every state-changing admin route, allowed or refused, leaves its one audit row under this user's name.
        const audited = server.services.audit.page({}, 5).filter((entry) => entry.id > lastAudited).map((entry) => `${entry.route} ${entry.actor} ${entry.status}`);
        const wanted = method === "POST" && subjectOf(method, path) !== null ? [`${path} ${sessions[role].username} ${response.status}`] : [];
        if (JSON.stringify(audited) !== JSON.stringify(wanted)) wrong.push(`${method} ${path}: audited ${JSON.stringify(audited)}, expected ${JSON.stringify(wanted)}`);
      }
      expect(wrong).toEqual([]);
    }, 60_000);
  }

  test("the policy, route by route: agents answer chats, operators build, viewers only read, settings are owners' and admins'", async () => {
    const status = async (role: Role, method: "GET" | "POST", path: string) => {
      const response = method === "GET" ? await sessions[role].get(path) : await sessions[role].post(path);
      await response.body?.cancel();
      return response.status === 403 ? "refused" : "allowed";
    };
    const expectations: [Role, "GET" | "POST", string, "allowed" | "refused"][] = [
      ["agent", "GET", "/admin/inbox", "allowed"],
      ["agent", "POST", `/admin/contacts/${userNs}/send`, "allowed"],
      ["agent", "POST", `/admin/contacts/${userNs}/pause`, "allowed"],
      ["agent", "GET", "/admin", "refused"],
      ["agent", "POST", "/admin/bots", "refused"],
      ["agent", "GET", "/admin/settings", "refused"],
      ["operator", "POST", "/admin/bots", "allowed"],
      ["operator", "POST", `/admin/webhooks/${webhookId}/name`, "allowed"],
      ["operator", "POST", "/admin/deliveries/retry-failed", "allowed"],
      ["operator", "GET", "/admin/settings", "refused"],
      ["operator", "POST", "/admin/settings/tokens", "refused"],
      ["operator", "POST", "/admin/integration", "refused"],
      ["operator", "POST", `/admin/contacts/${userNs}/send`, "refused"],
      ["viewer", "GET", "/admin/settings", "allowed"],
      ["viewer", "GET", `/admin/webhooks/${webhookId}`, "allowed"],
      ["viewer", "POST", "/admin/bots", "refused"],
      ["viewer", "POST", `/admin/contacts/${userNs}/send`, "refused"],
      ["admin", "POST", "/admin/settings/installation", "allowed"],
      ["admin", "POST", "/admin/alert-thresholds", "allowed"],
      ["owner", "POST", "/admin/settings/tokens", "allowed"],
      ["owner", "GET", "/admin/users", "allowed"],
      ["admin", "GET", "/admin/users", "refused"],
      ["admin", "POST", "/admin/users/invitations", "refused"],
    ];
    const seen = [];
    for (const [role, method, path] of expectations) seen.push([role, method, path, await status(role, method, path)]);
    expect(seen).toEqual(expectations);
  });

  test("the nav shows each role the pages it opens, and nothing it would be refused", async () => {
    const navOf = async (role: Role) => {
      const page = await (await sessions[role].get("/admin/account")).text();
      const nav = /<nav>(.*?)<\/nav>/s.exec(page)![1]!;
      return [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    };
    const always = ["/admin/account", "/docs"];
    expect(await navOf("owner")).toEqual(["/admin", "/admin/inbox", "/admin/deliveries", "/admin/integration", "/admin/settings", "/admin/audit", ...always]);
    expect(await navOf("admin")).toEqual(["/admin", "/admin/inbox", "/admin/deliveries", "/admin/integration", "/admin/settings", "/admin/audit", ...always]);
    expect(await navOf("viewer")).toEqual(["/admin", "/admin/inbox", "/admin/deliveries", "/admin/integration", "/admin/settings", "/admin/audit", ...always]);
    expect(await navOf("operator")).toEqual(["/admin", "/admin/inbox", "/admin/deliveries", ...always]);
    expect(await navOf("agent")).toEqual(["/admin/inbox", ...always]);
    // Every page shows it so, not only the Account page: the Inbox of an agent.
    const inbox = await (await sessions.agent.get("/admin/inbox")).text();
    expect(inbox).not.toContain('href="/admin/deliveries"');
    expect(inbox).toContain('<a class="brand" href="/admin/inbox">'); // the name leads to where an agent works
    // The page refusing a role keeps that role's nav, so the user can go on from it.
    const refused = await sessions.operator.get("/admin/settings");
    expect(refused.status).toBe(403);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain("Not open to your role");
    expect([...(/<nav>(.*?)<\/nav>/s.exec(refusedPage)![1]!).matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(["/admin", "/admin/inbox", "/admin/deliveries", ...always]);
  });

  test("a role changed while signed in applies to the next request; every role may sign out", async () => {
    expect((await sessions.viewer.post("/admin/bots", { name: "x", channel: "sms" })).status).toBe(403);
    // Changed behind the session's back (as a future users page will): the same session now builds.
    server.db.run("UPDATE admins SET role = 'operator' WHERE username = 'viewer-user'");
    expect((await sessions.viewer.post("/admin/bots", { name: "Made by a former viewer", channel: "sms" })).status).toBe(200);
    server.db.run("UPDATE admins SET role = 'viewer' WHERE username = 'viewer-user'");
    expect((await sessions.viewer.post("/admin/bots", { name: "y", channel: "sms" })).status).toBe(403);
    for (const role of ROLES) {
      const out = await sessions[role].post("/admin/logout");
      expect(out.status).toBe(303);
      expect((await sessions[role].get("/admin/inbox")).status).toBe(303); // to the login page
    }
  });

  test("an agent signs in to the Inbox; others to the bots; a wrong name is refused like a wrong password", async () => {
    const login = (username: string, password = PASSWORD) =>
      fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ username, password }), redirect: "manual" });
    expect((await login("agent-user")).headers.get("location")).toBe("/admin/inbox");
    expect((await login("operator-user")).headers.get("location")).toBe("/admin");
    const unknown = await login("nobody");
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toContain("Wrong name or password.");
    expect((await login("agent-user", "wrong password")).status).toBe(401);
  });
});
