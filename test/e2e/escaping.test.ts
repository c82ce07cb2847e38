// HTML and script in every name a user can type is shown as text on every admin page, and no
// script runs.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { failOnPageProblems, launchBrowser, signedInPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";

const EVIL = `<img src=x onerror="document.body.dataset.xss='1'"><script>document.body.dataset.xss='1'</script>"'&`;
let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[];
const pages: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "escaping admin password" });
  const s = server.services;
  const bot = s.bots.create({ name: EVIL, channel: "test", default_country: "US" });
  s.fields.create(bot.id, { name: "note", type: "text" });
  const contact = s.contacts.create(bot, { phone: "+14155550400", first_name: EVIL, last_name: EVIL });
  s.contacts.update(contact.user_ns, { tags: [EVIL], fields: { note: EVIL } });
  s.contacts.pause(contact.user_ns, null);
  server.db.transaction(() => s.channels.receiveIn(bot, { from: contact.user_ns, text: EVIL }))();
  const webhook = s.webhooks.create(bot, EVIL);
  s.webhooks.update(webhook.id, { active: true, example: { [EVIL]: EVIL }, identify: { phone: "phone" }, actions: [{ type: "send_text", text: EVIL }, { type: "add_tag", tag: EVIL }] });
  await fetch(`${server.url}/hooks/${webhook.token}`, { method: "POST", headers: { "content-type": "application/json", "x-evil": EVIL }, body: JSON.stringify({ phone: "+14155550401", [EVIL]: EVIL }) });
  s.tokens.create(EVIL);
  s.integration.put({ url: "http://127.0.0.1:9/x", headers: [{ name: "X-Evil", value: EVIL }] });
  pages.push("/admin", `/admin/bots/${bot.flow_ns}`, `/admin/contacts/${contact.user_ns}`, `/admin/webhooks/${webhook.id}`, "/admin/settings", "/admin/inbox", "/admin/deliveries", "/admin/integration");
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, "escaping admin password"));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test("no admin page runs script from user text, and each shows the text as typed", async () => {
  for (const path of pages) {
    await page.goto(`${server.url}${path}`);
    expect(await page.evaluate(() => document.body.dataset.xss), path).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll("img[src=x], main script").length), path).toBe(0);
  }
  await page.goto(`${server.url}/admin/contacts/${server.services.contacts.findByPhone(server.services.bots.list()[0]!.id, "+14155550400")!.user_ns}`);
  expect(await page.textContent("h1")).toBe(`${EVIL} ${EVIL}`);
  // The log detail shows the evil header and body as text too.
  await page.goto(`${server.url}${pages[3]}`);
  await page.click("#wh-logs tbody tr a");
  await page.waitForSelector("#wh-log-detail h3");
  expect(await page.textContent("#wh-log-detail")).toContain("<script>document.body.dataset.xss='1'</script>");
  expect(await page.evaluate(() => document.body.dataset.xss)).toBeUndefined();
});
