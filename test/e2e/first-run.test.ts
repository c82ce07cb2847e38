// The whole first-run path a new user walks, in a real browser, as the README tells it:
// setup → bot → webhook → listen → pick from the tree → action → activate → test request →
// contact → live chat on → pause → a message relayed → an API reply appearing live.
// Screenshots of each step land in test/.tmp/screenshots/first-run-*.png; no console error
// and no failed request may occur on the way. Then the same admin at phone width.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, waitLive, watchPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";
import { standIn } from "../helpers/worker";

const PASSWORD = "first run password";
let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[];
let step = 0;
const platform = standIn(() => new Response("ok"));
const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `first-run-${String(++step).padStart(2, "0")}-${name}.png`), fullPage: true, caret: "initial" });

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  problems = watchPage(page);
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  platform.stop();
  await browser?.close();
  await server?.close();
});

let webhookUrl = "";
let userNs = "";

describe("first run, as the README tells it", () => {
  test("the setup link printed at start sets the password and opens the admin", async () => {
    const link = /(http:\/\/\S+\/admin\/setup\?token=\S+)/.exec(server.announced.join("\n"))![1]!;
    await page.goto(link.replace(/^http:\/\/[^/]+/, server.url));
    await page.fill("input[name=password]", PASSWORD);
    await page.fill("input[name=confirm]", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(`${server.url}/admin`);
    expect(await page.textContent("h1")).toBe("Bots");
    await shot("bots");
  });

  test("create a bot and open it", async () => {
    await page.fill("#bots input[name=name]", "Bookings");
    await page.selectOption("#bots select[name=channel]", "sms");
    await page.fill("#bots input[name=default_country]", "US");
    await page.click("#bots button:text('Create bot')");
    await page.click("#bots a:text('Bookings')");
    await page.waitForSelector("#bot-name:text('Bookings')");
    expect(await page.textContent("#bot-settings abbr")).toBe("Bot ID");
    await shot("bot");
  });

  test("create an inbound webhook and listen for a live request: it fills the tree", async () => {
    await page.fill("#webhooks input[name=name]", "Website form");
    await page.click("#webhooks button:text('New inbound webhook')");
    await page.waitForSelector("#wh-url");
    await waitLive(page);
    // Every step of the breadcrumb leads somewhere.
    const crumbs = await page.$$eval("nav.crumbs > *", (elements) => elements.map((e) => `${e.tagName}:${e.textContent}`));
    expect(crumbs).toEqual(["A:Bots", "A:Bookings", "A:Inbound webhooks"]);
    webhookUrl = (await page.textContent("#wh-url"))!.replace(/^http:\/\/[^/]+/, server.url);
    await page.click("#wh-listen");
    await page.waitForSelector("#wh-example .countdown");
    const sent = await fetch(webhookUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ lead: { name: "Ada", phone: "(415) 555-2671" }, party: 4 }) });
    expect(sent.status).toBe(409); // not active yet: captured, not processed
    await page.waitForSelector("#wh-tree button[data-path='lead.phone'][data-as='phone']");
    await shot("captured");
  });

  test("pick the phone and a name mapping from the tree, with previews", async () => {
    await page.click("#wh-tree button[data-path='lead.phone'][data-as='phone']");
    await page.waitForFunction(() => (document.querySelector("#identify-phone") as HTMLInputElement)?.value === "lead.phone");
    expect(await page.textContent("#wh-config")).toContain("+14155552671");
    await page.click("#wh-tree button[data-path='lead.name'][data-as='map']");
    await page.waitForFunction(() => (document.querySelector("#wh-add-mapping input[name=path]") as HTMLInputElement)?.value === "lead.name");
    await page.selectOption("#wh-add-mapping select[name=field]", "first_name");
    await page.click("#wh-add-mapping button[type=submit]");
    await page.waitForSelector("#wh-mappings:has-text('first_name')");
  });

  test("add a send-text action with its preview, activate, send a test request: the contact is created and logged", async () => {
    await page.selectOption("#wh-actions select[name=type]", "send_text");
    await page.fill("#wh-actions textarea[name=text]", "Hi {{first_name}}, your table for {{payload.party}} is booked.");
    await page.waitForSelector("#action-preview:has-text('Hi Ada, your table for 4 is booked.')");
    await page.click("#wh-actions button:text('Add action')");
    await page.waitForSelector("#wh-actions li:has-text('Send text')");
    await page.click("#wh-toggle");
    await page.waitForSelector("#wh-head .badge.on");
    await page.click("#wh-test-send");
    await page.waitForFunction(() => document.querySelector("#wh-test-result")?.getAttribute("data-status") === "200");
    const result = JSON.parse((await page.textContent("#wh-test-result"))!.split("\n").slice(1).join("\n"));
    expect(result).toMatchObject({ ok: true, created: true });
    userNs = result.user_ns;
    await page.waitForSelector("#wh-log-rows a:text('Ada')"); // the log names the contact, live
    await shot("webhook");
  });

  test("the contact's page shows the text the action sent", async () => {
    await page.click("#wh-log-rows a:text('Ada')");
    await page.waitForURL(`${server.url}/admin/contacts/${userNs}`);
    expect(await page.textContent("#messages")).toContain("Hi Ada, your table for 4 is booked.");
    await shot("contact");
  });

  test("turn live chat on: the integration URL (enabled as it is saved) and the bot's mode", async () => {
    await page.click("nav a:text('Integration')");
    expect(await page.textContent("h1")).toBe("Integration");
    await page.fill("#integration input[name=url]", `${platform.url}/inbox`);
    await page.click("#integration button:text('Save')");
    await page.waitForSelector("#integration [role=status]");
    await page.goto(`${server.url}/admin/bots/${server.services.bots.list()[0]!.flow_ns}`);
    await page.selectOption("#live-chat select[name=live_chat]", "webhook");
    await page.click("#live-chat button:text('Save')");
    await page.waitForFunction(() => (document.querySelector("#live-chat select") as HTMLSelectElement).value === "webhook");
    expect(await page.$("#live-chat .warning")).toBeNull();
    await shot("live-chat-on");
  });

  test("pause the bot for the contact; what the contact writes is relayed and says so", async () => {
    await page.goto(`${server.url}/admin/contacts/${userNs}`);
    await waitLive(page);
    await page.click("#contact-state button:text('Pause bot')");
    await page.waitForSelector("#contact-state .badge.paused");
    await page.fill("#conversation form:has-text('Type as the contact') input[name=text]", "Can I bring a dog?");
    await page.click("#conversation button:text('Receive')");
    await page.waitForSelector(".bubble.in:has-text('Can I bring a dog?') .relay-succeeded", { timeout: 5000 });
    expect(platform.received.map((r) => JSON.parse(r.body).message.content)).toContain("Can I bring a dog?");
  });

  test("a reply through the API with a token made in Settings appears in the open conversation", async () => {
    const settings = await browser.newPage();
    await settings.context().addCookies(await page.context().cookies());
    await settings.goto(`${server.url}/admin/settings`);
    await settings.fill("#tokens input[name=name]", "live-chat platform");
    await settings.click("#tokens button:text('Create token')");
    const token = (await settings.textContent("#new-token"))!.trim();
    await settings.close();
    const reply = await fetch(`${server.url}/api/subscriber/send-text`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ user_ns: userNs, content: "Of course, dogs are welcome!" }),
    });
    expect(reply.status).toBe(200);
    await page.waitForSelector(".bubble.out:has-text('Of course, dogs are welcome!')", { timeout: 5000 });
    await shot("conversation");
  });

});

describe("the same admin on a phone", () => {
  test("the nav fits, nothing scrolls sideways, and every touch target is at least 32 px high", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const webhook = server.services.webhooks.listForBot(server.services.bots.list()[0]!.id)[0]!;
    for (const path of ["/admin", `/admin/webhooks/${webhook.id}`, `/admin/contacts/${userNs}`, "/admin/deliveries"]) {
      await page.goto(`${server.url}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect({ path, overflow }).toEqual({ path, overflow: 0 });
      const small = await page.evaluate(() =>
        Array.from(document.querySelectorAll("button, .topbar nav a, select, input:not([type=checkbox]):not([type=hidden]), .leaf .pick"))
          .filter((e) => (e as HTMLElement).offsetParent !== null)
          .map((e) => ({ what: `${e.tagName} ${(e.textContent ?? "").trim().slice(0, 20)}`, height: Math.round(e.getBoundingClientRect().height) }))
          .filter((e) => e.height < 32),
      );
      expect({ path, small }).toEqual({ path, small: [] });
    }
    await page.goto(`${server.url}/admin/webhooks/${webhook.id}`);
    await shot("phone-webhook");
    expect(problems.join("\n")).toBe("");
  });
});
