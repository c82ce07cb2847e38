// A bot can be renamed, re-countried, moved to another channel and deleted from the admin. The
// delete says what goes with the bot and asks for its name; a refused change keeps the input.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";

const PASSWORD = "bots manage password";
let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[];
let flowNs: string;

beforeAll(async () => {
  server = await startTestServer({ adminPassword: PASSWORD });
  const bot = server.services.bots.create({ name: "Front desk", channel: "sms", default_country: "US" });
  flowNs = bot.flow_ns;
  server.services.contacts.create(bot, { phone: "+14155550230" });
  server.services.contacts.create(bot, { phone: "+14155550231" });
  server.services.webhooks.create(bot, "Form");
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, PASSWORD));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("managing a bot in the admin", () => {
  test("the Bot ID is explained and copyable", async () => {
    await page.goto(`${server.url}/admin/bots/${flowNs}`);
    expect(await page.getAttribute("#bot-settings abbr", "title")).toContain("flow_ns");
    expect(await page.textContent("#bot-id")).toBe(flowNs);
  });

  test("rename, change country and channel: saved, and the heading follows", async () => {
    await page.fill("#bot-settings input[name=name]", "Reception");
    await page.fill("#bot-settings input[name=default_country]", "GB");
    await page.selectOption("#bot-settings select[name=channel]", "whatsapp");
    await page.click("#bot-settings button:text('Save bot')");
    await page.waitForSelector("#bot-settings [role=status]");
    expect(await page.textContent("#bot-name")).toBe("Reception");
    expect(server.services.bots.get(flowNs)).toMatchObject({ name: "Reception", default_country: "GB", channel: "whatsapp" });
  });

  test("a refused change shows why and keeps what was typed", async () => {
    await page.fill("#bot-settings input[name=name]", "Reception desk");
    await page.fill("#bot-settings input[name=default_country]", "ZZ");
    await page.click("#bot-settings button:text('Save bot')");
    await page.waitForSelector("#bot-settings .error");
    expect(await page.textContent("#bot-settings .error")).toContain("'ZZ' is not a supported ISO 3166 country code");
    expect(await page.inputValue("#bot-settings input[name=name]")).toBe("Reception desk");
    expect(await page.inputValue("#bot-settings input[name=default_country]")).toBe("ZZ");
    expect(server.services.bots.get(flowNs).name).toBe("Reception");
  });

  test("delete says what goes with the bot, refuses a wrong name, then deletes it", async () => {
    await page.reload();
    const text = await page.textContent("#bot-delete");
    expect(text).toContain("1 inbound webhook");
    expect(text).toContain("2 contacts");
    await page.fill("#bot-delete input[name=confirm_name]", "Reception?");
    await page.click("#bot-delete button:text('Delete bot')");
    await page.waitForSelector("#bot-delete .error");
    expect(await page.textContent("#bot-delete .error")).toContain("Type the bot's name, Reception, exactly");
    expect(await page.inputValue("#bot-delete input[name=confirm_name]")).toBe("Reception?");
    await page.screenshot({ path: join(SCREENSHOTS, "bot-delete.png"), fullPage: true, caret: "initial" });
    await page.fill("#bot-delete input[name=confirm_name]", "Reception");
    await page.click("#bot-delete button:text('Delete bot')");
    await page.waitForURL(`${server.url}/admin`);
    expect(await page.textContent("#bots")).not.toContain("Reception");
    expect(server.services.bots.list()).toEqual([]);
  });

});
