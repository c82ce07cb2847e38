// Deliveries and logs match what happened: each delivery names its cause with a link and shows
// the request it sends (credentials and secret headers masked); a processed request whose values
// were skipped says so; a refused one shows why in the list; rows open from the keyboard; and
// no word is broken in two at laptop or phone width.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage, waitLive } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { standIn } from "../helpers/worker";

const PASSWORD = "deliveries and logs password";
let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[];
let webhookId: number;
const gateway = standIn(() => new Response("ok"));

beforeAll(async () => {
  server = await startTestServer({ adminPassword: PASSWORD });
  const bot = await createBot(server, { name: "Shop", channel: "sms", default_country: "US" });
  await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: `${gateway.url}/sms`, headers: { Authorization: "Bearer gateway-key" } } });
  await server.api("POST", `/api/v1/bots/${bot.flow_ns}/fields`, { name: "party_size", type: "number" });
  const port = new URL(gateway.url).port;
  const webhook = await createWebhook(server, bot.flow_ns, {
    name: "Checkout",
    active: true,
    identify: { phone: "phone" },
    mappings: [{ path: "first", field: "first_name" }, { path: "size", field: "party_size" }],
    actions: [{ type: "send_text", text: "Thanks {{first_name}}!" }, { type: "http_request", url: `http://crm:s3cret@127.0.0.1:${port}/leads`, body: { phone: "{{phone}}" } }],
  });
  webhookId = webhook.id;
  expect((await post(hookUrl(server, webhook), { phone: "+14155550250", first: "Mia", size: "a few" })).status).toBe(200);
  expect((await post(hookUrl(server, webhook), { first: "Nobody" })).status).toBe(422);
  await server.worker.idle();
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, PASSWORD));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  gateway.stop();
  await browser?.close();
  await server?.close();
});

/** Words of visible text (not URLs or ids in code) that the layout split over two lines. */
function brokenWords(root: string) {
  return page.evaluate((selector) => {
    const broken: string[] = [];
    const walker = document.createTreeWalker(document.querySelector(selector)!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest("code, pre")) continue;
      const text = node.textContent ?? "";
      for (const match of text.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index!);
        range.setEnd(node, match.index! + match[0].length);
        const lines = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
    return broken;
  }, root);
}

describe("deliveries", () => {
  test("the page says which kinds it holds; each row names its cause with a link", async () => {
    await page.goto(`${server.url}/admin/deliveries`);
    await waitLive(page);
    expect(await page.textContent("main > p.muted")).toContain("Messages on the test provider never leave this machine, so they are not listed here");
    const rows = await page.textContent("#delivery-rows");
    expect(rows).toContain("message to Mia");
    expect(rows).toContain('action of webhook "Checkout"');
    expect(await page.getAttribute("#delivery-rows a:text('message to Mia')", "href")).toMatch(/^\/admin\/contacts\/u/);
    expect(await page.getAttribute(`#delivery-rows a:text('action of webhook "Checkout"')`, "href")).toBe(`/admin/webhooks/${webhookId}`);
    expect(rows).not.toContain("s3cret");
  });

  test("the detail shows the request sent: method, URL without credentials, headers with secrets masked, body", async () => {
    await page.click("#delivery-rows tr:has-text('message to Mia') td a >> nth=0");
    await page.waitForSelector("#delivery-request");
    const request = (await page.textContent("#delivery-request"))!;
    expect(request).toContain(`POST ${gateway.url}/sms`);
    expect(request).toContain("Authorization: ********");
    expect(request).toContain("webhook-id: msg_");
    expect(request).toContain('"text": "Thanks Mia!"');
    expect(request).not.toContain("gateway-key");
    await page.click("#delivery-rows tr:has-text('Checkout') td a >> nth=0");
    await page.waitForSelector("#delivery-request:has-text('/leads')");
    const action = (await page.textContent("#delivery-request"))!;
    expect(action).toContain(`POST http://********@127.0.0.1:${new URL(gateway.url).port}/leads`);
    expect(action).not.toContain("s3cret");
    await page.screenshot({ path: join(SCREENSHOTS, "delivery-detail.png"), fullPage: true, caret: "initial" });
  });

  test("no word is broken in two at 1280 px or on a phone", async () => {
    expect(await brokenWords("#deliveries")).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await waitLive(page);
    await page.click("#delivery-rows tr:has-text('message to Mia') td a >> nth=0");
    await page.waitForSelector("#delivery-request");
    expect(await brokenWords("#deliveries")).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "deliveries-phone.png"), fullPage: true, caret: "initial" });
    await page.setViewportSize({ width: 1280, height: 1000 });
  });
});

describe("webhook logs", () => {
  test("a request with skipped values reads 'processed with 1 warning'; a refused one shows why in the list", async () => {
    await page.goto(`${server.url}/admin/webhooks/${webhookId}`);
    await waitLive(page);
    const rows = (await page.textContent("#wh-log-rows"))!;
    expect(rows).toContain("processed with 1 warning");
    expect(rows).toContain("No contact could be identified");
    expect(await page.$("#wh-log-rows .badge.outcome-processed")).toBeNull();
  });

  test("rows open from the keyboard", async () => {
    await page.focus("#wh-log-rows tbody tr:has-text('warning') a");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#wh-log-detail h3");
    expect(await page.textContent("#wh-log-detail")).toContain("size → party_size");
    expect(await brokenWords("#wh-logs")).toEqual([]);
  });

});

describe("bulk retry", () => {
  test("Retry failed… says how many and how paced, and sends exactly those again", async () => {
    // Both deliveries of the lead failed (as if the gateway had been down).
    server.db.query("UPDATE deliveries SET state = 'failed', next_attempt_at = ?").run(Number.MAX_SAFE_INTEGER);
    const sentBefore = gateway.received.length;
    await page.goto(`${server.url}/admin/deliveries`);
    await page.click("#retry-check");
    await page.waitForSelector("#retry-confirm");
    expect(await page.textContent("#retry-confirm")).toContain("2 failed deliveries will be sent again, 20 a second (about 1 s)");
    await page.click("#retry-confirmed");
    await page.waitForSelector("#deliveries .notice:has-text('2 failed deliveries queued again, paced')");
    for (let i = 0; i < 100 && gateway.received.length < sentBefore + 2; i++) await Bun.sleep(20);
    expect(gateway.received.length).toBe(sentBefore + 2);
    expect(server.db.query("SELECT count(*) AS n FROM deliveries WHERE state = 'failed'").get()).toEqual({ n: 0 });
  });
});

describe("throttles per target", () => {
  test("add one from the Deliveries page: listed by origin and kept; a bad one is refused in place; remove it", async () => {
    await page.goto(`${server.url}/admin/deliveries`);
    await page.fill("#add-throttle input[name=origin]", `${gateway.url}/sms/anything`);
    await page.fill("#add-throttle input[name=count]", "5");
    await page.fill("#add-throttle input[name=concurrency]", "2");
    await page.click("#add-throttle button[type=submit]");
    await page.waitForSelector("#throttle-rows");
    expect(await page.textContent("#throttle-rows")).toContain(`${gateway.url}5 a second, 2 at once`);
    expect(server.services.targetLimits.list()).toEqual([{ origin: gateway.url, count: 5, per: "second", concurrency: 2 }]);
    await page.fill("#add-throttle input[name=origin]", "not a url");
    await page.click("#add-throttle button[type=submit]");
    await page.waitForSelector("#throttles .error:has-text('an http:// or https:// URL')");
    await page.click("#throttle-rows button:text('Remove')");
    await page.waitForSelector("#throttles p:has-text('No throttles')");
    expect(server.services.targetLimits.list()).toEqual([]);
  });
});

describe("targets", () => {
  test("a target whose circuit opened is listed with its failure rate and last error, and can be closed by hand", async () => {
    for (let i = 0; i < 10; i++) server.services.circuits.record("https://crm.example.com", 503, null, Date.now());
    await page.goto(`${server.url}/admin/deliveries`);
    const row = await page.textContent("#target-rows tr:has-text('https://crm.example.com')");
    expect(row).toContain("open, next probe");
    expect(row).toContain("10 of 10 (100%)");
    expect(row).toContain("HTTP 503");
    await page.click("#target-rows tr:has-text('https://crm.example.com') button:text('Close circuit')");
    // Closed by hand, with no tries since: it leaves the list until it is tried again.
    await page.waitForSelector("#target-rows tr:has-text('https://crm.example.com')", { state: "detached" });
    expect(server.services.circuits.health(Date.now()).find((t) => t.origin === "https://crm.example.com")).toBeUndefined();
    expect(server.services.circuits.admit("https://crm.example.com", Date.now())).toEqual({ ok: true });
  });
});
