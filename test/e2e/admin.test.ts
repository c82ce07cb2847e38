// The admin page in a real browser: first-run setup, login, bots, fields, contacts, tokens.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { expectPageProblem, failOnPageProblems, launchBrowser, SCREENSHOTS, watchPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let page: Page;
const PASSWORD = "a long admin password";
let problems: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  problems = watchPage(page);
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const setupLink = () => /(http:\/\/\S+\/admin\/setup\?token=\S+)/.exec(server.announced.join("\n"))![1]!;

describe("admin page", () => {
  test("first-run setup link sets the password and signs in", async () => {
    await page.goto(`${server.url}/admin/login`);
    expect(await page.textContent("h1")).toContain("Not set up yet");
    await page.goto(setupLink());
    await page.fill("input[name=password]", PASSWORD);
    await page.fill("input[name=confirm]", "something else");
    await page.click("button[type=submit]");
    expect(await page.textContent(".error")).toContain("differ");
    await page.fill("input[name=password]", PASSWORD);
    await page.fill("input[name=confirm]", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(`${server.url}/admin`);
    expect(await page.textContent("h1")).toBe("Bots");
    // The link works once.
    const again = await fetch(setupLink());
    expect(again.status).toBe(403);
  });

  test("logout, a wrong password, then login", async () => {
    await page.click("text=Log out");
    await page.waitForURL(`${server.url}/admin/login`);
    await page.goto(`${server.url}/admin`);
    expect(page.url()).toBe(`${server.url}/admin/login`);
    await page.fill("input[name=password]", "wrong password!");
    await page.click("button[type=submit]");
    expect(await page.textContent(".error")).toContain("Wrong password");
    expectPageProblem(problems, /status of 401 \(Unauthorized\)/); // the refused login's own answer
    await page.fill("input[name=password]", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(`${server.url}/admin`);
  });

  test("create a bot; it is listed without a reload", async () => {
    await page.fill("#bots input[name=name]", "Booking SMS");
    await page.selectOption("#bots select[name=channel]", "sms");
    await page.fill("#bots input[name=default_country]", "us");
    await page.click("#bots button[type=submit]");
    await page.waitForSelector("#bots td a:text('Booking SMS')");
    const row = await page.textContent("#bots tbody");
    expect(row).toContain("sms");
    expect(row).toContain("US");
    const stored = server.services.bots.list();
    expect(stored.map((b) => b.name)).toEqual(["Booking SMS"]);
  });

  test("a bad form shows its error in place", async () => {
    await page.fill("#bots input[name=name]", "Bad country");
    await page.fill("#bots input[name=default_country]", "ZZ");
    await page.click("#bots button[type=submit]");
    await page.waitForSelector("#bots .error");
    expect(await page.textContent("#bots .error")).toContain("ZZ");
    expect(server.services.bots.list()).toHaveLength(1);
  });

  test("open the bot and add custom fields", async () => {
    await page.click("#bots td a:text('Booking SMS')");
    await page.waitForSelector("#fields");
    for (const [name, type] of [["booking_date", "date"], ["party_size", "number"]] as const) {
      await page.fill("#fields input[name=name]", name);
      await page.selectOption("#fields select[name=type]", type);
      await page.click("#fields button[type=submit]:text('Add field')");
      await page.waitForSelector(`#fields td code:text('${name}')`);
    }
    await page.fill("#fields input[name=name]", "booking_date");
    await page.click("#fields button[type=submit]:text('Add field')");
    await page.waitForSelector("#fields .error");
    expect(await page.textContent("#fields .error")).toContain("already has");
    const bot = server.services.bots.list()[0]!;
    expect(server.services.fields.list(bot.id).map((f) => [f.name, f.type])).toEqual([["booking_date", "date"], ["party_size", "number"]]);
  });

  test("add contacts, search them, open one with its field values", async () => {
    const bot = server.services.bots.list()[0]!;
    for (const [phone, first] of [["(415) 555-2671", "Ada"], ["(415) 555-2672", "Grace"]]) {
      await page.locator("#contacts details").evaluate((details) => ((details as HTMLDetailsElement).open = true));
      await page.fill("#contacts input[name=phone]", phone);
      await page.fill("#contacts input[name=first_name]", first);
      // The section that comes back is wired up (hx- attributes processed) in the task that
      // inserts it: a form or search box on screen is never a plain, non-htmx one.
      const wiredOnArrival = page.evaluate(
        (name) =>
          new Promise<boolean>((resolve) => {
            const observer = new MutationObserver(() => {
              if (!Array.from(document.querySelectorAll("#contact-list a")).some((a) => a.textContent === name)) return;
              observer.disconnect();
              resolve(document.querySelector("#contacts.htmx-added, #contacts .htmx-added") === null);
            });
            observer.observe(document.body, { childList: true, subtree: true });
          }),
        first,
      );
      await page.click("#contacts button[type=submit]");
      expect(await wiredOnArrival).toBe(true);
    }
    const ada = server.services.contacts.list(bot, { q: "Ada" }).data[0]!;
    server.services.contacts.update(ada.user_ns, { fields: { booking_date: "2026-12-24", party_size: 4 } });

    const search = async (q: string) => {
      await Promise.all([page.waitForResponse((r) => r.url().includes(`/contacts?q=${q}`)), page.fill("input[type=search]", q)]);
      await page.waitForFunction((expected) => (document.querySelector("input[type=search]") as HTMLInputElement).value === expected, q);
    };
    await search("grace");
    await page.waitForFunction(() => !document.querySelector("#contact-list")?.textContent?.includes("Ada"));
    expect(await page.textContent("#contact-list")).toContain("+14155552672");
    await search("2671");
    await page.waitForSelector("#contact-list a:text('Ada')");
    await page.screenshot({ path: join(SCREENSHOTS, "bot.png"), fullPage: true, caret: "initial" });
    await page.click("#contact-list a:text('Ada')");
    await page.waitForSelector("#field-values");
    const values = await page.textContent("#field-values");
    expect(values).toContain("2026-12-24"); // read as text, not JSON-quoted
    expect(values).not.toContain('"2026-12-24"');
    expect(values).toContain("4");
  });

  test("create an API token, use it, revoke it", async () => {
    await page.click("nav a:text('Settings')");
    await page.fill("#tokens input[name=name]", "crm");
    await page.selectOption("#tokens select[name=bot]", { label: "Booking SMS" });
    await page.fill("#tokens input[name=agent_id]", "5");
    await page.click("#tokens button[type=submit]:text('Create token')");
    await page.waitForSelector("#new-token");
    const token = (await page.textContent("#new-token"))!.trim();
    await page.screenshot({ path: join(SCREENSHOTS, "settings.png"), fullPage: true, caret: "initial" });
    const call = () => fetch(`${server.url}/api/v1/bots`, { headers: { authorization: `Bearer ${token}` } });
    expect((await call()).status).toBe(200);
    expect(await page.textContent("#tokens tr:has-text('crm')")).toContain("Booking SMS, agent 5");
    const record = server.services.tokens.list().find((t) => t.name === "crm")!;
    expect(record).toMatchObject({ bot_id: server.services.bots.list()[0]!.id, agent_id: 5 });
    await page.reload();
    expect(await page.$("#new-token")).toBeNull(); // shown once
    page.once("dialog", (dialog) => dialog.accept());
    await page.click("#tokens tr:has-text('crm') button:text('Revoke')");
    await page.waitForSelector("#tokens tr.revoked:has-text('crm')");
    expect((await call()).status).toBe(401);
  });

  test("a cross-site form post is refused", async () => {
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const before = server.services.bots.list().length;
    const forged = await fetch(`${server.url}/admin/bots`, {
      method: "POST",
      headers: { cookie, origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "name=Evil&channel=sms",
      redirect: "manual",
    });
    expect(forged.status).toBe(403);
    const noToken = await fetch(`${server.url}/admin/bots`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: "name=Evil&channel=sms",
      redirect: "manual",
    });
    expect(noToken.status).toBe(403);
    expect(server.services.bots.list().length).toBe(before);
  });

  test("HTML in names is shown as text, never run", async () => {
    await page.goto(`${server.url}/admin`);
    const evil = `<img src=x onerror="document.body.dataset.xss='1'"><script>document.body.dataset.xss='1'</script>`;
    await page.fill("#bots input[name=name]", evil);
    await page.click("#bots button[type=submit]");
    await page.waitForSelector("#bots td a:has-text('<img')");
    await page.click("#bots td a:has-text('<img')");
    await page.waitForSelector("#fields");
    expect(await page.evaluate(() => document.body.dataset.xss)).toBeUndefined();
    expect(await page.textContent("h1")).toBe(evil);
  });


  test("usable at phone width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/admin`);
    await page.screenshot({ path: join(SCREENSHOTS, "bots-phone.png"), fullPage: true, caret: "initial" });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
