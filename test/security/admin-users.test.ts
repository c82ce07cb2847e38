// The team, from the owner's Users page: an invitation link works once, for 72 hours, for its
// role; a disabled user's session ends at once and the user cannot sign in; the last owner
// cannot be demoted, disabled or deleted; a withdrawn invitation is refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { adminSession } from "../helpers/admin";
import { fakeClock } from "../helpers/worker";
import { Secret, TOTP } from "otpauth";

const OWNER_PASSWORD = "users test owner password";
const clock = fakeClock();
let server: TestServer;
let owner: Awaited<ReturnType<typeof adminSession>>;
beforeAll(async () => {
  server = await startTestServer({ adminPassword: OWNER_PASSWORD }, { clock });
  await server.services.accounts.setPassword(OWNER_PASSWORD);
  owner = await adminSession(server, OWNER_PASSWORD);
});
afterAll(() => server.close());

async function invite(role: string): Promise<string> {
  const page = await (await owner.post("/admin/users/invitations", { role })).text();
  const link = /<code id="invitation-link">([^<]+)<\/code>/.exec(page)?.[1];
  if (!link) throw new Error(`no link on the page: ${page.slice(0, 300)}`);
  return new URL(link.replaceAll("&amp;", "&")).searchParams.get("token")!;
}

const join = (token: string, username: string, password = "a new agent's password", confirm = password) =>
  fetch(`${server.url}/admin/invite`, { method: "POST", body: new URLSearchParams({ token, username, password, confirm }), redirect: "manual" });
const login = (username: string, password: string) =>
  fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ username, password }), redirect: "manual" });
const userId = (username: string) => server.services.accounts.users().find((u) => u.username === username)!.id;

describe("users and invitations", () => {
  test("an invitation link makes a user of its role once; reused, it is refused", async () => {
    const token = await invite("agent");
    const page = await fetch(`${server.url}/admin/invite?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("You are invited as agent.");
    expect((await join(token, "ada", "one password", "another password")).status).toBe(422);
    const taken = await join(token, "admin");
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain("The name admin is taken");
    const joined = await join(token, "Ada");
    expect(joined.status).toBe(303);
    expect(joined.headers.get("location")).toBe("/admin/inbox");
    expect(server.services.accounts.users().find((u) => u.username === "ada")!.role).toBe("agent");
    // The link is used up.
    expect((await fetch(`${server.url}/admin/invite?token=${token}`)).status).toBe(403);
    const again = await join(token, "ada2");
    expect(again.status).toBe(403);
    expect(await again.text()).toContain("Invitation not valid");
    expect((await login("ada", "a new agent's password")).status).toBe(303);
  });

  test("two tabs racing with one link: one user is made", async () => {
    const token = await invite("viewer");
    const answers = await Promise.all(["grace", "grace2", "grace3"].map((name) => join(token, name, "a viewer's password")));
    expect(answers.map((r) => r.status).sort()).toEqual([303, 403, 403]);
  });

  test("an invitation expires after 72 hours; a withdrawn one is refused at once", async () => {
    const late = await invite("operator");
    clock.advance(72 * 3600_000 + 1);
    expect((await fetch(`${server.url}/admin/invite?token=${late}`)).status).toBe(403);
    expect((await join(late, "too-late")).status).toBe(403);
    owner = await adminSession(server, OWNER_PASSWORD); // a fresh session for the rest
    const withdrawn = await invite("operator");
    const open = server.services.accounts.openInvitations();
    expect(open).toHaveLength(1);
    expect((await owner.post(`/admin/users/invitations/${open[0]!.id}/delete`)).status).toBe(200);
    expect((await join(withdrawn, "never")).status).toBe(403);
  });

  test("a user disabled mid-session is signed out at once and cannot sign in until enabled", async () => {
    const token = await invite("agent");
    const joined = await join(token, "linus");
    const cookie = /sb_session=[^;]*/.exec(joined.headers.get("set-cookie")!)![0];
    expect((await fetch(`${server.url}/admin/inbox`, { headers: { cookie } })).status).toBe(200);
    expect((await owner.post(`/admin/users/${userId("linus")}/disable`)).status).toBe(200);
    const next = await fetch(`${server.url}/admin/inbox`, { headers: { cookie }, redirect: "manual" });
    expect(next.status).toBe(303);
    expect(next.headers.get("location")).toBe("/admin/login");
    expect((await login("linus", "a new agent's password")).status).toBe(401);
    expect((await owner.post(`/admin/users/${userId("linus")}/enable`)).status).toBe(200);
    expect((await login("linus", "a new agent's password")).status).toBe(303);
  });

  test("a deleted user's session ends and the name no longer signs in", async () => {
    const token = await invite("viewer");
    const joined = await join(token, "margaret", "a viewer's password");
    const cookie = /sb_session=[^;]*/.exec(joined.headers.get("set-cookie")!)![0];
    expect((await owner.post(`/admin/users/${userId("margaret")}/delete`)).status).toBe(200);
    expect((await fetch(`${server.url}/admin`, { headers: { cookie }, redirect: "manual" })).status).toBe(303);
    expect((await login("margaret", "a viewer's password")).status).toBe(401);
  });

  test("a forgotten password: a reset link lets that user choose a new one, once, for 72 hours; old sessions end; the name cannot change", async () => {
    await server.services.accounts.setPassword("remy's old password", { username: "remy", role: "operator" });
    const remy = await adminSession(server, "remy's old password", "remy");
    const page = await (await owner.post(`/admin/users/${userId("remy")}/reset-link`)).text();
    expect(page).toContain("A link for remy to choose a new password");
    expect(page).toContain("password reset for remy");
    const token = new URL(/<code id="invitation-link">([^<]+)<\/code>/.exec(page)![1]!).searchParams.get("token")!;
    const form = await (await fetch(`${server.url}/admin/invite?token=${token}`)).text();
    expect(form).toContain("A new password for remy.");
    expect(form).toContain('type="hidden" name="username" value="remy"'); // shown, not chosen
    // The name sent is ignored: the link sets remy's password, it makes no one else.
    const used = await join(token, "someone-else", "remy's new password");
    expect(used.status).toBe(303);
    expect(server.services.accounts.users().some((u) => u.username === "someone-else")).toBe(false);
    expect((await login("remy", "remy's new password")).status).toBe(303);
    expect((await login("remy", "remy's old password")).status).toBe(401);
    expect((await remy.get("/admin")).status).toBe(303); // the old password's session ended
    expect(server.services.accounts.user(userId("remy"))!.role).toBe("operator");
    expect((await join(token, "remy", "a third password here")).status).toBe(403); // once
    // 72 hours, like an invitation.
    const late = new URL(/<code id="invitation-link">([^<]+)<\/code>/.exec(await (await owner.post(`/admin/users/${userId("remy")}/reset-link`)).text())![1]!).searchParams.get("token")!;
    clock.advance(72 * 3600_000 + 1);
    expect((await join(late, "remy", "too late a password")).status).toBe(403);
    expect((await login("remy", "remy's new password")).status).toBe(303);
    expect((await owner.post("/admin/users/999999/reset-link")).status).toBe(404);
  });

  test("a reset link sets the password of a user with two factors, but signs no one in: the code is still asked", async () => {
    await server.services.accounts.setPassword("tess's old password", { username: "tess", role: "viewer" });
    const secret = new Secret({ size: 20 }).base32;
    const code = () => new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp: clock.now() });
    expect(server.services.twoFactor.enable(userId("tess"), secret, code())).toHaveLength(10);
    const page = await (await owner.post(`/admin/users/${userId("tess")}/reset-link`)).text();
    const token = new URL(/<code id="invitation-link">([^<]+)<\/code>/.exec(page)![1]!).searchParams.get("token")!;
    const used = await join(token, "tess", "tess's new password");
    expect(used.status).toBe(303);
    expect(used.headers.get("location")).toBe("/admin/login");
    expect(used.headers.get("set-cookie") ?? "").not.toContain("sb_session=");
    const signIn = await login("tess", "tess's new password");
    expect(signIn.headers.get("location")).toBe("/admin/login/two-factor");
    expect(signIn.headers.get("set-cookie") ?? "").not.toContain("sb_session=");
  });

  test("the last owner cannot be demoted, disabled or deleted; with a second owner, one can", async () => {
    const me = userId("admin");
    for (const [path, fields] of [[`/admin/users/${me}/role`, { role: "viewer" }], [`/admin/users/${me}/disable`, {}], [`/admin/users/${me}/delete`, {}]] as const) {
      const refused = await owner.post(path, fields);
      expect(refused.status).toBe(422);
      expect(await refused.text()).toContain("admin is the last owner");
    }
    expect((await owner.post(`/admin/users/${userId("ada")}/role`, { role: "owner" })).status).toBe(200);
    expect((await owner.post(`/admin/users/${me}/role`, { role: "admin" })).status).toBe(200);
    expect(server.services.accounts.users().find((u) => u.id === me)!.role).toBe("admin");
    // Now an admin: the Users page is an owner's.
    expect((await owner.get("/admin/users")).status).toBe(403);
  });
});
