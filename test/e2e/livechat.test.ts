// Live chat in a real browser: configure the integration, send a test event, set a bot to
// relay, pause a contact, type as the contact, and see the stand-in platform receive it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";
import { standIn } from "../helpers/worker";

let server: TestServer;
let browser: Browser;
let page: Page;
let flowNs: string;
let userNs: string;
let problems: string[] = [];
const platform = standIn(() => new Response("ok"));

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "live chat admin password" });
  const bot = server.services.bots.create({ name: "Concierge", channel: "test", default_country: "US" });
  flowNs = bot.flow_ns;
  userNs = server.services.contacts.create(bot, { phone: "+14155550200", first_name: "Grace" }).user_ns;
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, "live chat admin password"));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  platform.stop();
  await browser?.close();
  await server?.close();
});

describe("live chat in the admin", () => {
  test("configure the integration and send a test event", async () => {
    await page.click("nav a:text('Integration')");
    await page.fill("#integration input[name=url]", `${platform.url}/inbox`);
    await page.fill("#integration textarea[name=headers]", "X-Team-Key: tk_123");
    await page.check("#integration input[name=enabled]");
    await page.click("#integration button:text('Save')");
    await page.waitForSelector("#integration [role=status]");
    expect(server.services.integration.get()).toMatchObject({ url: `${platform.url}/inbox`, headers: { "X-Team-Key": "tk_123" }, enabled: true });
    await page.click("#send-test-event");
    await page.waitForSelector("#test-event .badge.state-succeeded", { timeout: 10_000 });
    expect(platform.received.at(-1)!.headers.get("x-team-key")).toBe("tk_123");
  });

  test("pause a contact, type as them, and the platform receives the message", async () => {
    await page.goto(`${server.url}/admin/bots/${flowNs}`);
    await page.selectOption("#live-chat select[name=live_chat]", "webhook");
    await page.click("#live-chat button:text('Save')");
    await page.waitForFunction(() => (document.querySelector("#live-chat select") as HTMLSelectElement).value === "webhook");
    expect(server.services.bots.get(flowNs).live_chat).toBe("webhook");

    await page.goto(`${server.url}/admin/contacts/${userNs}`);
    await page.click("#contact-state button:text('Pause bot')");
    await page.waitForSelector("#contact-state .badge.paused");
    await page.fill("#conversation form:has-text('Type as the contact') input[name=text]", "Can a person help me?");
    await page.click("#conversation button:text('Receive')");
    await page.waitForSelector(".bubble.in:has-text('Can a person help me?')");
    await server.worker.idle();
    const relayed = platform.received.map((r) => JSON.parse(r.body)).find((b) => b.meta.user_ns === userNs);
    expect(relayed).toMatchObject({ meta: { flow_ns: flowNs }, message: { type: "in", content: "Can a person help me?", username: "Grace" } });
  });

  test("the inbox lists the paused contact; the integration page lists the relay", async () => {
    await page.click("nav a:text('Inbox')");
    expect(await page.textContent("#inbox")).toContain("Can a person help me?");
    await page.click("nav a:text('Integration')");
    expect(await page.textContent("#delivery-rows")).toContain("relay");
    expect(await page.textContent("#delivery-rows")).toContain("succeeded");
    await page.screenshot({ path: join(SCREENSHOTS, "integration.png"), fullPage: true, caret: "initial" });
    await page.goto(`${server.url}/admin/contacts/${userNs}`);
    await page.click("#contact-state button:text('Resume bot')");
    await page.waitForSelector("#contact-state button:text('Pause bot')");
    await page.screenshot({ path: join(SCREENSHOTS, "contact.png"), fullPage: true, caret: "initial" });
  });

});
