// Channels and deliveries in a real browser: the test conversation, switching a bot to an
// http gateway, and the deliveries page with attempts and retry.
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
let gatewayStatus = 200;
const gateway = standIn(() => new Response(gatewayStatus === 200 ? "accepted" : "gone", { status: gatewayStatus }));

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "channels admin password" });
  const bot = server.services.bots.create({ name: "Support", channel: "test", default_country: "US" });
  flowNs = bot.flow_ns;
  userNs = server.services.contacts.create(bot, { phone: "+14155550160", first_name: "Cy" }).user_ns;
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, "channels admin password"));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  gateway.stop();
  await browser?.close();
  await server?.close();
});

describe("channels in the admin", () => {
  test("on the test channel, type as the contact and answer as the bot", async () => {
    await page.goto(`${server.url}/admin/contacts/${userNs}`);
    await page.fill("#conversation form:has-text('Type as the contact') input[name=text]", "Do you open on Sunday?");
    await page.click("#conversation button:text('Receive')");
    await page.waitForSelector(".bubble.in:has-text('Do you open on Sunday?')");
    await page.fill("#conversation form:has-text('Your reply') input[name=text]", "Yes, from 10 am.");
    await page.click("#conversation button:text('Send')");
    await page.waitForSelector(".bubble.out:has-text('Yes, from 10 am.')");
    expect(await page.textContent(".bubble.out")).toContain("delivered");
  });

  test("switch the bot to an http gateway; a reply reaches it with its header", async () => {
    await page.goto(`${server.url}/admin/bots/${flowNs}`);
    await page.selectOption("#channel select[name=provider]", "http");
    await page.fill("#channel input[name=url]", `${gateway.url}/send`);
    await page.fill("#channel textarea[name=headers]", "X-Gateway-Key: s3cret");
    await page.click("#channel button:text('Save channel')");
    await page.waitForSelector("#channel [role=status]");
    expect(await page.textContent("#inbound-url")).toMatch(/\/channels\/[A-Za-z0-9_-]+\/messages$/);
    expect(await page.inputValue("#channel textarea[name=headers]")).toBe("X-Gateway-Key: ********");
    // Saving again with the masked value keeps the real one.
    await page.click("#channel button:text('Save channel')");
    await page.waitForSelector("#channel [role=status]");

    await page.goto(`${server.url}/admin/contacts/${userNs}`);
    expect(await page.$("form:has-text('Type as the contact')")).toBeNull();
    await page.fill("#conversation input[name=text]", "Your order shipped.");
    await page.click("#conversation button:text('Send')");
    await page.waitForSelector(".bubble.out:has-text('Your order shipped.')");
    await server.worker.idle();
    const request = gateway.received.at(-1)!;
    expect(request.headers.get("x-gateway-key")).toBe("s3cret");
    expect(JSON.parse(request.body)).toMatchObject({ text: "Your order shipped.", user_ns: userNs, to: { phone: "+14155550160" } });
    await page.reload();
    expect(await page.textContent(".bubble.out:has-text('Your order shipped.')")).toContain("sent");
  });

  test("the deliveries page shows counts, attempts, and retries a failed one", async () => {
    gatewayStatus = 410;
    await page.fill("#conversation input[name=text]", "This one bounces.");
    await page.click("#conversation button:text('Send')");
    await page.waitForSelector(".bubble.out:has-text('This one bounces.')");
    await server.worker.idle();
    await page.goto(`${server.url}/admin/deliveries`);
    expect(await page.textContent("#deliveries .counts")).toContain("failed: 1");
    await page.selectOption("#deliveries select[name=state]", "failed");
    await page.waitForFunction(() => document.querySelectorAll("#delivery-rows tbody tr").length === 1);
    await page.click("#delivery-rows tbody tr a");
    await page.waitForSelector("#attempt-rows");
    expect(await page.textContent("#attempt-rows")).toContain("HTTP 410");
    gatewayStatus = 200;
    await page.click("#delivery-detail button:text('Retry now')");
    await page.waitForSelector("#deliveries [role=status]");
    await server.worker.idle();
    await page.goto(`${server.url}/admin/deliveries`);
    expect(await page.textContent("#deliveries .counts")).toContain("failed: 0");
    await page.screenshot({ path: join(SCREENSHOTS, "deliveries.png"), fullPage: true, caret: "initial" });
  });

});
