// The team in a real browser: the owner invites an agent from the Users page, the agent opens
// the link in another browser, chooses a name and a password, turns on two-factor sign-in, signs
// in again with a code, lands in the Inbox and answers a contact; a page outside the role says so.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage, watchPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";
import { Secret, TOTP } from "otpauth";

const OWNER_PASSWORD = "team owner password";
let server: TestServer;
let browser: Browser;
let owner: Page;
let userNs: string;
let problems: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ adminPassword: OWNER_PASSWORD });
  const bot = server.services.bots.create({ name: "Front desk", channel: "test", default_country: "US" });
  const contact = server.services.contacts.create(bot, { phone: "+14155550300", first_name: "Ada" });
  userNs = contact.user_ns;
  // Paused: the contact waits for a person, so the Inbox lists it.
  expect((await server.api("POST", `/api/v1/contacts/${userNs}/pause`, {})).status).toBe(200);
  browser = await launchBrowser();
  ({ page: owner, problems } = await signedInPage(browser, server.url, OWNER_PASSWORD));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the team", () => {
  let link = "";

  test("the owner finds Users from Settings and makes an invitation link for an agent", async () => {
    await owner.click("nav a:text('Settings')");
    await owner.click("a:text('Users')");
    await owner.waitForURL(`${server.url}/admin/users`);
    expect(await owner.textContent("#users")).toContain("admin (you)");
    await owner.selectOption("#users form:has-text('Create an invitation link') select[name=role]", "agent");
    await owner.click("#users button:text('Create an invitation link')");
    await owner.waitForSelector("#invitation-link");
    link = (await owner.textContent("#invitation-link"))!.trim();
    expect(link).toMatch(new RegExp(`^${server.url}/admin/invite\\?token=`));
    expect(await owner.textContent("#users")).toContain("for a new agent");
    await owner.screenshot({ path: join(SCREENSHOTS, "users.png"), fullPage: true, caret: "initial" });
  });

  test("the agent joins with the link, signs in with two factors, lands in the Inbox and answers the contact", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const agent = await context.newPage();
    const agentProblems = watchPage(agent);
    try {
      await agent.goto(link);
      expect(await agent.textContent("main")).toContain("You are invited as agent.");
      await agent.fill("input[name=username]", "grace");
      await agent.fill("input[name=password]", "grace's own password");
      await agent.fill("input[name=confirm]", "grace's own password");
      await agent.click("button:text('Join')");
      await agent.waitForURL(`${server.url}/admin/inbox`);
      // Two-factor sign-in, set up from the account page with an authenticator app (otpauth here).
      await agent.click("nav a:text('Account')");
      await agent.click("button:text('Set up two-factor sign-in')");
      const secret = (await agent.textContent("#totp-secret"))!.trim();
      const app = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
      await agent.fill("input[name=code]", app.generate());
      await agent.click("button:text('Turn on')");
      await agent.waitForSelector("#recovery-codes");
      await agent.screenshot({ path: join(SCREENSHOTS, "two-factor-on.png"), fullPage: true, caret: "initial" });
      await agent.click("nav button:text('Log out')");
      await agent.waitForURL(`${server.url}/admin/login`);
      await agent.fill("input[name=username]", "grace");
      await agent.fill("input[name=password]", "grace's own password");
      await agent.click("button[type=submit]");
      await agent.waitForURL(`${server.url}/admin/login/two-factor`);
      // The code of the next time step: the one used to turn it on counts once.
      await agent.fill("input[name=code]", app.generate({ timestamp: Date.now() + 30_000 }));
      await agent.click("button:text('Sign in')");
      await agent.waitForURL(`${server.url}/admin/inbox`);
      expect(await agent.textContent("#inbox")).toContain("Ada");
      await agent.goto(`${server.url}/admin/contacts/${userNs}`);
      await agent.fill("#conversation input[name=text][placeholder='Type a reply…']", "Hello Ada, Grace here.");
      await agent.click("#conversation button:text('Send')");
      await agent.waitForSelector(".bubble:has-text('Hello Ada, Grace here.')");
      // The reply is signed with her name, and the conversation nobody had is hers now.
      expect(await agent.textContent(".bubble:has-text('Hello Ada, Grace here.') small")).toContain("grace");
      expect(await agent.textContent("#contact-state")).toContain("assigned to grace");
      // Her nav: only the pages an agent opens.
      expect(await agent.locator("header nav a").allTextContents()).toEqual(["Inbox", "Account", "API docs"]);
      expect(await agent.locator("nav.crumbs a").allTextContents()).toEqual(["Inbox"]);
      await agent.screenshot({ path: join(SCREENSHOTS, "agent-conversation.png"), fullPage: true, caret: "initial" });
      // Outside the role: the page says why.
      const settings = await agent.goto(`${server.url}/admin/settings`);
      expect(settings!.status()).toBe(403);
      expect(await agent.textContent("main")).toContain("Your role (agent) does not include this page");
      expect(await agent.getAttribute("main a", "href")).toBe("/admin/inbox"); // back to where an agent works
      await agent.screenshot({ path: join(SCREENSHOTS, "agent-refused.png"), fullPage: true, caret: "initial" });
      expect(agentProblems.filter((p) => !p.includes("403"))).toEqual([]);
    } finally {
      await context.close();
    }
    // The owner's list shows the new user, and the invitation is no longer open.
    await owner.reload();
    expect(await owner.textContent("#users")).toContain("grace");
    expect(await owner.textContent("#users")).toContain("No open invitations.");
  });

  test("the owner reads in the Audit page who did what: the invitation, the agent joining and her reply", async () => {
    await owner.goto(`${server.url}/admin/audit`);
    const table = await owner.textContent("table.audit");
    expect(table).toContain("invitation create");
    expect(table).toContain("user invite");
    expect(table).toContain("contact send");
    // Filtered to the agent: only what she did.
    await owner.selectOption("select[name=actor]", "grace");
    await owner.click("button:text('Filter')");
    await owner.waitForURL(/actor=grace/);
    const whats = await owner.locator("table.audit tbody tr td:nth-child(4) strong").allTextContents();
    expect(whats.length).toBeGreaterThan(0);
    expect(await owner.locator("table.audit tbody tr td:nth-child(2)").allTextContents()).toEqual(whats.map(() => "grace"));
    expect(whats).toContain("contact send");
    await owner.screenshot({ path: join(SCREENSHOTS, "audit-log.png"), fullPage: true, caret: "initial" });
  });
});
