// Live chat must not drop messages silently: a first URL saved in the admin turns the relay on,
// a bot set to relay while the integration is off says so on the bot, the Inbox and the paused
// conversation, and each message a paused contact sends shows what became of it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";
import { standIn } from "../helpers/worker";

const PASSWORD = "live chat traps password";
let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[];
let flowNs: string;
let userNs: string;
let answer = 200;
const platform = standIn(() => new Response(answer === 200 ? "ok" : "gone", { status: answer }));

beforeAll(async () => {
  server = await startTestServer({ adminPassword: PASSWORD });
  const bot = server.services.bots.create({ name: "Concierge", channel: "test", default_country: "US" });
  server.services.bots.update(bot.flow_ns, { live_chat: "webhook" });
  flowNs = bot.flow_ns;
  userNs = server.services.contacts.create(bot, { phone: "+14155550210", first_name: "Ada" }).user_ns;
  server.services.contacts.pause(userNs, null);
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, PASSWORD));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  platform.stop();
  await browser?.close();
  await server?.close();
});

const WARNING = "Live chat goes to the integration webhook, which is not set up";
async function typeAsContact(text: string) {
  await page.goto(`${server.url}/admin/contacts/${userNs}`);
  await page.fill("#conversation form:has-text('Type as the contact') input[name=text]", text);
  await page.click("#conversation button:text('Receive')");
  await page.waitForSelector(`.bubble.in:has-text('${text}')`);
  await server.worker.idle();
  await page.reload();
  return (await page.textContent(`.bubble.in:has-text('${text}')`))!;
}

describe("live chat traps", () => {
  test("with no integration, the bot, the Inbox and the paused conversation warn; the message says it was not relayed", async () => {
    await page.goto(`${server.url}/admin/bots/${flowNs}`);
    expect(await page.textContent("#live-chat .warning")).toContain(WARNING);
    await page.click("nav a:text('Inbox')");
    expect(await page.textContent(".warning")).toContain(WARNING);
    expect(await page.textContent("#inbox")).toContain("nowhere: the integration is off");
    expect(await typeAsContact("Is anyone there?")).toContain("not relayed: integration off");
    expect(await page.textContent("#contact-state .warning")).toContain(WARNING);
    await page.screenshot({ path: join(SCREENSHOTS, "livechat-integration-off.png"), fullPage: true, caret: "initial" });
  });

  test("saving a first URL turns the relay on (the box comes ticked); then messages are relayed and say so", async () => {
    await page.click("nav a:text('Integration')");
    expect(await page.isChecked("#integration input[name=enabled]")).toBe(true);
    await page.fill("#integration input[name=url]", `${platform.url}/inbox`);
    await page.click("#integration button:text('Save')");
    await page.waitForSelector("#integration [role=status]");
    expect(server.services.integration.get()).toMatchObject({ url: `${platform.url}/inbox`, enabled: true });
    await page.goto(`${server.url}/admin/bots/${flowNs}`);
    expect(await page.$("#live-chat .warning")).toBeNull();
    expect(await typeAsContact("Now can you hear me?")).toContain("relayed");
    expect(platform.received.map((r) => JSON.parse(r.body).message.content)).toContain("Now can you hear me?");
  });

  test("a relay the platform refuses shows as failed with the reason", async () => {
    answer = 410;
    expect(await typeAsContact("And now?")).toContain("relay failed: HTTP 410");
    answer = 200;
  });

  test("unticking Enabled keeps the relay off, and the warning says it is turned off", async () => {
    await page.click("nav a:text('Integration')");
    await page.uncheck("#integration input[name=enabled]");
    await page.click("#integration button:text('Save')");
    await page.waitForSelector("#integration [role=status]");
    expect(server.services.integration.get().enabled).toBe(false);
    await page.goto(`${server.url}/admin/bots/${flowNs}`);
    expect(await page.textContent("#live-chat .warning")).toContain("which is turned off");
    expect(await typeAsContact("Hello again")).toContain("not relayed: integration off");
  });

});
