// The inbound webhook editor in a real browser: create, listen, test request, pick paths from
// the tree, activate, send again, and see the contact and the log.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { expectPageProblem, failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let page: Page;
let flowNs: string;
let problems: string[] = [];
const lead = { contact: { name: "Ada", phone: "(415) 555-2671" }, booking: { size: "4" } };

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "webhook admin password" });
  const bot = server.services.bots.create({ name: "Booking SMS", channel: "sms", default_country: "US" });
  flowNs = bot.flow_ns;
  server.services.fields.create(bot.id, { name: "party_size", type: "number" });
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, "webhook admin password"));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function sendTest(body: unknown) {
  await page.fill("#wh-test-body", JSON.stringify(body, null, 2));
  const answered = page.waitForResponse((r) => r.url().includes("/hooks/") && r.request().method() === "POST");
  await page.click("#wh-test-send");
  const response = await answered;
  await page.waitForFunction((status) => document.querySelector("#wh-test-result")?.getAttribute("data-status") === String(status), response.status());
  return response.status();
}

describe("inbound webhook editor", () => {
  test("create a webhook from the bot page", async () => {
    await page.goto(`${server.url}/admin/bots/${flowNs}`);
    await page.fill("#webhooks input[name=name]", "Website form");
    await page.click("#webhooks button[type=submit]");
    await page.waitForSelector("#wh-url");
    expect(await page.textContent("h1")).toBe("Website form");
    expect(await page.textContent("#wh-url")).toMatch(/\/hooks\/[A-Za-z0-9_-]{32}$/);
    expect(await page.textContent("#wh-head")).toContain("inactive");
  });

  test("listen, send a test request, and the example arrives with its tree", async () => {
    await page.click("#wh-listen");
    await page.waitForSelector("#wh-example .listening");
    expect(await sendTest(lead)).toBe(409); // inactive: logged, captured, not processed
    expectPageProblem(problems, /status of 409 \(Conflict\)/);
    await page.waitForSelector("#wh-tree button[data-path='contact.phone'][data-as='phone']", { timeout: 10_000 });
    expect(await page.inputValue("#wh-example textarea")).toContain('"(415) 555-2671"');
    await page.waitForSelector("#wh-logs .badge.outcome-webhook_inactive");
  });

  test("pick the phone path and a mapping from the tree, with a preview", async () => {
    await page.click("#wh-tree button[data-path='contact.phone'][data-as='phone']");
    await page.waitForFunction(() => (document.querySelector("#identify-phone") as HTMLInputElement)?.value === "contact.phone");
    expect(await page.textContent("#wh-config")).toContain("+14155552671");

    await page.click("#wh-tree button[data-path='contact.name'][data-as='map']");
    await page.waitForFunction(() => (document.querySelector("#wh-add-mapping input[name=path]") as HTMLInputElement)?.value === "contact.name");
    await page.selectOption("#wh-add-mapping select[name=field]", "first_name");
    await page.click("#wh-add-mapping button[type=submit]");
    await page.waitForSelector("#wh-mappings");

    await page.click("#wh-tree button[data-path='booking.size'][data-as='map']");
    await page.waitForFunction(() => (document.querySelector("#wh-add-mapping input[name=path]") as HTMLInputElement)?.value === "booking.size");
    await page.selectOption("#wh-add-mapping select[name=field]", "party_size");
    await page.click("#wh-add-mapping button[type=submit]");
    await page.waitForFunction(() => document.querySelector("#wh-mappings")?.textContent?.includes("party_size"));
    const rows = await page.textContent("#wh-mappings");
    expect(rows).toContain('"Ada" → "Ada"');
    expect(rows).toContain('"4" → 4');
  });

  test("add an action, activate, send again: the contact is created and logged", async () => {
    await page.selectOption("#wh-actions select[name=type]", "add_tag");
    await page.fill("#wh-actions input[name=tag]", "web-lead");
    await page.click("#wh-actions button[type=submit]");
    await page.waitForSelector("#wh-actions li:has-text('Add tag: web-lead')");

    await page.click("#wh-toggle");
    await page.waitForSelector("#wh-head .badge.on");
    expect(await sendTest(lead)).toBe(200);
    const result = JSON.parse((await page.textContent("#wh-test-result"))!.split("\n").slice(1).join("\n"));
    expect(result).toMatchObject({ ok: true, created: true });

    await page.waitForSelector("#wh-logs .badge.outcome-processed");
    await page.click("#wh-logs tr:has(.outcome-processed) a");
    await page.waitForSelector("#wh-log-detail h3");
    const detail = await page.textContent("#wh-log-detail");
    expect(detail).toContain("processed");
    expect(detail).toContain('"party_size": 4');
    await page.screenshot({ path: join(SCREENSHOTS, "webhook-editor.png"), fullPage: true, caret: "initial" });

    const contact = server.services.contacts.get(result.user_ns);
    expect(contact.contact).toMatchObject({ phone: "+14155552671", first_name: "Ada", tags: '["web-lead"]' });
    await page.goto(`${server.url}/admin/bots/${flowNs}`);
    expect(await page.textContent("#contact-list")).toContain("+14155552671");
  });

  test("filter logs by outcome and replay one: it asks first and says what will run", async () => {
    const webhook = server.services.webhooks.listForBot(server.services.bots.get(flowNs).id)[0]!;
    const logRows = () => (server.db.query("SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ?").get(webhook.id) as { n: number }).n;
    await page.goto(`${server.url}/admin/webhooks/${webhook.id}`);
    await page.selectOption("#wh-logs select[name=outcome]", "webhook_inactive");
    await page.waitForFunction(() => !document.querySelector("#wh-logs .outcome-processed") && !!document.querySelector("#wh-logs .outcome-webhook_inactive"));
    await page.click("#wh-logs tr:has(.outcome-webhook_inactive) a");
    const before = logRows();
    await page.click("#wh-log-detail button:text('Replay')");
    await page.waitForSelector("#replay-now");
    expect(await page.textContent("#replay-actions")).toContain("Add tag: web-lead");
    expect(logRows()).toBe(before); // nothing ran yet
    await page.click("#wh-log-detail button:text('Cancel')");
    await page.waitForSelector("#wh-log-detail h3:has-text('webhook_inactive')");
    await page.click("#wh-log-detail button:text('Replay')");
    await page.click("#replay-now");
    await page.waitForSelector("#wh-log-detail h3:has-text('replay of')");
    expect(await page.textContent("#wh-log-detail h3")).toContain("processed");
    expect(logRows()).toBe(before + 1);
  });

  test("a bad mapping path shows its error in place; generating a secret shows it once", async () => {
    await page.fill("#wh-add-mapping input[name=path]", "a..b");
    await page.click("#wh-add-mapping button[type=submit]");
    await page.waitForSelector("#wh-config .error");
    expect(await page.textContent("#wh-config .error")).toContain("not a valid path");
    await page.click("#wh-limits button:text('Generate')");
    await page.waitForSelector("#wh-secret");
    expect(await page.textContent("#wh-secret")).toMatch(/^whsec_/);
  });

  test("a send_text action reaches the bot's gateway; the delivery and the message show it", async () => {
    const received: unknown[] = [];
    const gateway = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: async (request) => (received.push(await request.json()), new Response("ok")) });
    server.services.bots.update(flowNs, { provider: "http", provider_settings: { url: `http://127.0.0.1:${gateway.port}/sms` } });
    const bot = server.services.bots.get(flowNs);
    const webhook = server.services.webhooks.listForBot(bot.id)[0]!;
    server.services.webhooks.update(webhook.id, { signing_secret: null, actions: [{ type: "send_text", text: "See you, {{first_name}}!" }] });
    await page.goto(`${server.url}/admin/webhooks/${webhook.id}`);
    expect(await sendTest({ contact: { name: "Bo", phone: "(415) 555-2672" } })).toBe(200);
    // The delivery is queued with the answer and sent by the worker soon after (under a loaded
    // full run, later than one idle()).
    for (const deadline = Date.now() + 10_000; received.length === 0 && Date.now() < deadline; ) {
      server.worker.pump();
      await server.worker.idle();
      if (received.length === 0) await Bun.sleep(20);
    }
    expect(received).toEqual([expect.objectContaining({ text: "See you, Bo!", to: { phone: "+14155552672", email: null }, flow_ns: flowNs })]);
    // Replaying that request would text Bo again: the confirmation says so before anything runs.
    await page.click("#wh-logs tbody tr a >> nth=0");
    await page.click("#wh-log-detail button:text('Replay')");
    await page.waitForSelector("#replay-now");
    expect(await page.textContent("#replay-actions")).toContain("Send text: See you, {{first_name}}! (sends the text to the contact again)");
    expect(await page.textContent("#wh-log-detail .warning")).toContain("1 of them acts outside Switchboard again");
    await page.click("#wh-log-detail button:text('Cancel')");
    expect(received).toHaveLength(1);
    gateway.stop();
    await page.click("nav a:text('Deliveries')");
    await page.waitForSelector("#delivery-rows");
    expect(await page.textContent("#delivery-rows")).toContain("message to Bo");
    await page.selectOption("#deliveries select[name=state]", "failed");
    await page.waitForSelector("#deliveries p.muted");
    const contact = server.services.contacts.findByPhone(bot.id, "+14155552672")!;
    await page.goto(`${server.url}/admin/contacts/${contact.user_ns}`);
    expect(await page.textContent("#messages")).toContain("See you, Bo!");
    expect(await page.textContent("#messages")).toContain("sent");
  });

  test("installation settings are saved from the settings page", async () => {
    await page.goto(`${server.url}/admin/settings`);
    await page.fill("#installation input[name=max_inbound_webhooks_per_bot]", "7");
    await page.click("#installation button[type=submit]");
    await page.waitForSelector("#installation [role=status]");
    expect(server.services.settings.get().max_inbound_webhooks_per_bot).toBe(7);
  });

});
