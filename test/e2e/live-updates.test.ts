// Pages update by themselves while they are open, over one server-sent event stream per page,
// without polling: the Inbox, a conversation (an API reply appears by itself), webhook
// logs, Deliveries and the dashboard; and listening for a live request shows its window,
// can be cancelled, and fills the example, the tree and the test panel when a request comes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage, waitLive } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { standIn } from "../helpers/worker";

const PASSWORD = "live updates password";
let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[];
let flowNs: string;
let userNs: string;
const gateway = standIn(() => new Response("ok"));

beforeAll(async () => {
  server = await startTestServer({ adminPassword: PASSWORD });
  const bot = await createBot(server, { name: "Live", channel: "sms", default_country: "US" });
  flowNs = bot.flow_ns;
  userNs = ((await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+14155550240", first_name: "Lin" })).json()) as { user_ns: string }).user_ns;
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, PASSWORD));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  gateway.stop();
  await browser?.close();
  await server?.close();
});

/** Requests the page makes while nothing happens (an idle tab must make none). */
async function requestsWhileIdle(ms: number): Promise<string[]> {
  const seen: string[] = [];
  const record = (request: { url(): string }) => seen.push(request.url());
  page.on("request", record);
  await page.waitForTimeout(ms);
  page.off("request", record);
  return seen;
}

describe("live updates", () => {
  test("the Inbox lists a contact paused through the API without a reload", async () => {
    await page.goto(`${server.url}/admin/inbox`);
    await waitLive(page);
    expect(await page.textContent("#inbox-list")).toContain("No paused contacts.");
    await server.api("POST", "/api/subscriber/pause-bot", { user_ns: userNs });
    await page.waitForSelector("#inbox a:text('Lin')", { timeout: 2000 });
  });

  test("an API reply appears in the open conversation by itself (pushed, not polled)", async () => {
    await page.goto(`${server.url}/admin/contacts/${userNs}`);
    await waitLive(page);
    expect(await requestsWhileIdle(2500)).toEqual([]);
    const sent = await server.api("POST", "/api/subscriber/send-text", { user_ns: userNs, content: "An agent here, how can I help?" });
    expect(sent.status).toBe(200);
    await page.waitForSelector(".bubble.out:has-text('An agent here, how can I help?')", { timeout: 5000 });
  });

  test("a resume through the API updates the contact's live-chat state", async () => {
    await server.api("POST", "/api/subscriber/resume-bot", { user_ns: userNs });
    await page.waitForSelector("#contact-state .badge:text('bot active')", { timeout: 2000 });
  });

  test("webhook logs: a request appears in the list as it arrives", async () => {
    const webhook = await createWebhook(server, flowNs, { active: true, identify: { phone: "phone" } });
    await page.goto(`${server.url}/admin/webhooks/${webhook.id}`);
    await waitLive(page);
    expect(await page.textContent("#wh-log-rows")).toContain("No requests yet.");
    expect(await requestsWhileIdle(2500)).toEqual([]);
    expect((await post(hookUrl(server, webhook), { phone: "+14155550241" })).status).toBe(200);
    await page.waitForSelector("#wh-log-rows .badge.outcome-processed", { timeout: 2000 });
  });

  test("Deliveries: a queued request appears, then shows it succeeded", async () => {
    await server.api("PATCH", `/api/v1/bots/${flowNs}`, { provider: "http", provider_settings: { url: `${gateway.url}/sms` } });
    await page.goto(`${server.url}/admin/deliveries`);
    await waitLive(page);
    await server.api("POST", `/api/v1/contacts/${userNs}/messages`, { text: "Live delivery" });
    await page.waitForSelector("#delivery-rows a:text('message to Lin')", { timeout: 2000 });
    await page.waitForSelector("#delivery-rows .badge.state-succeeded", { timeout: 3000 });
  });

  test("the dashboard counts a new request without a reload", async () => {
    await page.goto(`${server.url}/admin`);
    await waitLive(page);
    const before = await page.textContent("#last-day figcaption >> nth=0");
    const webhook = server.services.webhooks.listForBot(server.services.bots.get(flowNs).id)[0]!;
    await post(hookUrl(server, { url: `http://x/hooks/${webhook.token}` }), { phone: "+14155550242" });
    await page.waitForFunction((text) => document.querySelector("#last-day figcaption")?.textContent !== text, before, { timeout: 4000 });
    expect(await page.textContent("#last-day figcaption >> nth=0")).toContain("Webhook requests: 2 in 24 h");
  });
});

describe("listening for a live request", () => {
  let webhookId: number;
  test("shows a spinner, the time left and Cancel; Cancel stops listening", async () => {
    const webhook = await createWebhook(server, flowNs);
    webhookId = webhook.id;
    await page.goto(`${server.url}/admin/webhooks/${webhook.id}`);
    await waitLive(page);
    await page.click("#wh-listen");
    await page.waitForSelector("#wh-example .spinner");
    const left = await page.textContent("#wh-example .countdown");
    expect(left).toMatch(/^(10:00|9:5\d)$/);
    await page.waitForFunction((first) => document.querySelector("#wh-example .countdown")?.textContent !== first, left);
    await page.click("#wh-listen-cancel");
    await page.waitForSelector("#wh-listen");
    expect(server.services.webhooks.isListening(server.services.webhooks.get(webhook.id), Date.now())).toBe(false);
  });

  test("a request to the inactive webhook gets 409 saying it was captured; the example, tree and test panel fill without a reload", async () => {
    const webhook = server.services.webhooks.get(webhookId);
    await page.click("#wh-listen");
    await page.waitForSelector("#wh-example .spinner");
    const answer = await post(hookUrl(server, { url: `http://x/hooks/${webhook.token}` }), { order: { id: "A-17", phone: "+14155550243" } });
    expect(answer.status).toBe(409);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toContain("The body was captured as the webhook's example.");
    await page.waitForSelector("#wh-tree button[data-path='order.phone']", { timeout: 2000 });
    expect(await page.inputValue("#wh-example textarea[name=example]")).toContain('"A-17"');
    expect(await page.inputValue("#wh-test-body")).toContain('"A-17"');
    expect(await page.$("#wh-example .spinner")).toBeNull();
    await page.screenshot({ path: join(SCREENSHOTS, "listen-captured.png"), fullPage: false, caret: "initial" });
  });

});
