// Two-factor sign-in on a fixed clock, its codes made by the otpauth library as an authenticator
// app would: turned on with a code from the app, then sign-in asks for one after the password;
// a code works once, a wrong or stale one is refused; recovery codes work once each; turning it
// off needs a code. The challenge between the two steps is no session.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Secret, TOTP } from "otpauth";
import { startTestServer, type TestServer } from "../helpers/server";
import { adminSession } from "../helpers/admin";
import { fakeClock } from "../helpers/worker";

const PASSWORD = "two factor test password";
const clock = fakeClock(Date.UTC(2026, 10, 23, 12, 0, 10));
let server: TestServer;
let secret = "";
let recoveryCodes: string[] = [];
const code = (at = clock.now()) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp: at });

beforeAll(async () => {
  server = await startTestServer({ adminPassword: PASSWORD }, { clock });
  await server.services.accounts.setPassword(PASSWORD);
});
afterAll(() => server.close());

/** Password first: the answer and the challenge cookie, when one is given. */
async function password() {
  const answer = await fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ password: PASSWORD }), redirect: "manual" });
  return { answer, challenge: /sb_challenge=[^;]*/.exec(answer.headers.get("set-cookie") ?? "")?.[0] ?? "" };
}
const second = (challenge: string, value: string) =>
  fetch(`${server.url}/admin/login/two-factor`, { method: "POST", headers: { cookie: challenge }, body: new URLSearchParams({ code: value }), redirect: "manual" });

describe("two-factor sign-in", () => {
  test("turned on from the account page with a code from the app; recovery codes shown once", async () => {
    const me = await adminSession(server, PASSWORD);
    const start = await (await me.post("/admin/account/two-factor/start", {}, { "hx-request": "false" })).text();
    secret = /<code id="totp-secret">([A-Z2-7]{32})<\/code>/.exec(start)![1]!;
    expect(start).toContain(`otpauth://totp/Switchboard:admin?issuer=Switchboard&amp;secret=${secret}`);
    const wrong = await me.post("/admin/account/two-factor/on", { secret, code: "000000" });
    expect(wrong.status).toBe(422);
    // Asked again with the same key: the app just set up stays right.
    expect(await wrong.text()).toContain(`<code id="totp-secret">${secret}</code>`);
    const on = await me.post("/admin/account/two-factor/on", { secret, code: code() });
    expect(on.status).toBe(200);
    const page = await on.text();
    recoveryCodes = /<pre id="recovery-codes">([^<]+)<\/pre>/.exec(page)![1]!.split("\n");
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await (await me.get("/admin/account")).text()).toContain("10 recovery codes left");
  });

  test("after the password, a challenge but no session; the right code signs in, and only once", async () => {
    clock.advance(30_000); // the code used to turn it on cannot be used again anyway
    const { answer, challenge } = await password();
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/admin/login/two-factor");
    expect(answer.headers.get("set-cookie")).not.toContain("sb_session=");
    // The challenge is no session: the admin stays closed.
    expect((await fetch(`${server.url}/admin`, { headers: { cookie: challenge }, redirect: "manual" })).headers.get("location")).toBe("/admin/login");
    expect((await second(challenge, "123456")).status).toBe(401);
    const current = code();
    const ok = await second(challenge, current);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("set-cookie")).toContain("sb_session=");
    expect(ok.headers.get("set-cookie")).toContain("sb_challenge=;");
    // The same code again, with a fresh challenge: refused (a code counts once).
    const again = await password();
    expect((await second(again.challenge, current)).status).toBe(401);
    // The app's next code works.
    clock.advance(30_000);
    expect((await second(again.challenge, code())).status).toBe(303);
  });

  test("a code from two minutes ago is refused; one a step early or late is accepted (clock drift)", async () => {
    clock.advance(30_000);
    const { challenge } = await password();
    expect((await second(challenge, code(clock.now() - 120_000))).status).toBe(401);
    expect((await second(challenge, code(clock.now() + 30_000))).status).toBe(303);
  });

  test("a challenge ends after five minutes", async () => {
    const { challenge } = await password();
    clock.advance(5 * 60_000 + 1);
    const late = await second(challenge, code());
    expect(late.status).toBe(303);
    expect(late.headers.get("location")).toBe("/admin/login");
  });

  test("a recovery code signs in once, typed with or without its dash", async () => {
    const first = await password();
    expect((await second(first.challenge, recoveryCodes[0]!.replace("-", "").toUpperCase())).status).toBe(303);
    const again = await password();
    expect((await second(again.challenge, recoveryCodes[0]!)).status).toBe(401);
    expect((await second(again.challenge, recoveryCodes[1]!)).status).toBe(303);
  });

  test("turning it off needs a code; then the password alone signs in", async () => {
    clock.advance(60_000);
    const { challenge } = await password();
    const signedIn = await second(challenge, code());
    const cookie = /sb_session=[^;]*/.exec(signedIn.headers.get("set-cookie")!)![0];
    const page = await (await fetch(`${server.url}/admin/account`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const off = (value: string) => fetch(`${server.url}/admin/account/two-factor/off`, { method: "POST", headers: { cookie }, body: new URLSearchParams({ _csrf: csrf, code: value }) });
    expect((await off("999999")).status).toBe(422);
    expect((await off(recoveryCodes[2]!)).status).toBe(200);
    const plain = await password();
    expect(plain.answer.headers.get("location")).toBe("/admin");
    expect(plain.answer.headers.get("set-cookie")).toContain("sb_session=");
  });
});

test("an owner turns off a teammate's two factors (a lost phone): the password alone then signs them in; the row says so", async () => {
  await server.services.accounts.setPassword("sam's password here", { username: "sam", role: "agent" });
  const samId = server.services.accounts.users().find((user) => user.username === "sam")!.id;
  const samSecret = new Secret({ size: 20 }).base32;
  const samCode = new TOTP({ secret: Secret.fromBase32(samSecret), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp: clock.now() });
  expect(server.services.twoFactor.enable(samId, samSecret, samCode)).toHaveLength(10);
  const samLogin = () => fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ username: "sam", password: "sam's password here" }), redirect: "manual" });
  expect((await samLogin()).headers.get("location")).toBe("/admin/login/two-factor");

  const owner = await adminSession(server, PASSWORD);
  const users = await (await owner.get("/admin/users")).text();
  expect(users).toContain("active, two-factor");
  const off = await owner.post(`/admin/users/${samId}/two-factor/off`);
  expect(off.status).toBe(200);
  expect(await off.text()).not.toContain("Turn off two-factor");
  expect(server.services.twoFactor.enabled(samId)).toBe(false);
  expect(server.services.twoFactor.recoveryCodesLeft(samId)).toBe(0);
  const plain = await samLogin();
  expect(plain.headers.get("location")).toBe("/admin/inbox");
  expect(plain.headers.get("set-cookie")).toContain("sb_session=");
  expect(server.services.audit.page({ entity: "user", entity_id: String(samId), action: "two-factor/off" }, 1)[0]).toMatchObject({ actor: "admin", status: 200, before: '{"two_factor":true}', after: '{"two_factor":false}' });
  expect((await owner.post("/admin/users/999999/two-factor/off")).status).toBe(404);
  // Owners only: an agent cannot turn off anyone's, the owner's included.
  const sam = await adminSession(server, "sam's password here", "sam");
  expect((await sam.post(`/admin/users/${server.services.accounts.users().find((user) => user.username === "admin")!.id}/two-factor/off`)).status).toBe(403);
});

test("when the installation requires it, an owner without two factors is sent to set it up first; other roles are not", async () => {
  const patched = await server.api("PATCH", "/api/v1/settings", { require_owner_two_factor: true });
  expect((await patched.json()).require_owner_two_factor).toBe(true);
  await server.services.accounts.setPassword("a viewer's password", { username: "vera", role: "viewer" });
  const owner = await adminSession(server, PASSWORD); // its CSRF token is read from the account page it lands on
  for (const path of ["/admin", "/admin/settings", "/admin/users"]) {
    const sent = await owner.get(path);
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe("/admin/account");
  }
  expect((await owner.post("/admin/bots", { name: "x", channel: "sms" }, { "hx-request": "false" })).headers.get("location")).toBe("/admin/account");
  expect(await (await owner.get("/admin/account")).text()).toContain("This installation requires owners to sign in with two factors");
  const viewer = await adminSession(server, "a viewer's password", "vera");
  expect((await viewer.get("/admin")).status).toBe(200);
  // Set up: the owner goes on.
  const start = await (await owner.post("/admin/account/two-factor/start", {}, { "hx-request": "false" })).text();
  secret = /<code id="totp-secret">([A-Z2-7]{32})<\/code>/.exec(start)![1]!;
  clock.advance(30_000);
  expect((await owner.post("/admin/account/two-factor/on", { secret, code: code() })).status).toBe(200);
  expect((await owner.get("/admin")).status).toBe(200);
});
