// An http_request with response handling, set up in the webhook editor in a real browser; the
// contact's page then shows the request and what its answer wrote, and the delivery detail too.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";
import { standIn } from "../helpers/worker";

let server: TestServer;
let browser: Browser;
let page: Page;
let webhookId: number;
let problems: string[] = [];
const crm = standIn(() => Response.json({ customer: { id: "C-7", segment: "vip" } }));

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "response admin password" });
  server.services.settings.update({ allow_private_targets: true });
  const bot = server.services.bots.create({ name: "CRM sync", channel: "sms", default_country: "US" });
  server.services.fields.create(bot.id, { name: "crm_id", type: "text" });
  const webhook = server.services.webhooks.create(bot, "Leads");
  webhookId = server.services.webhooks.update(webhook.id, { active: true, identify: { phone: "phone" }, example: { phone: "+14155550800" } }).id;
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, "response admin password"));
  await page.goto(`${server.url}/admin/webhooks/${webhookId}`);
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  crm.stop();
});

describe("response handling in the admin", () => {
  test("a response that is not JSON is refused in place, as typed", async () => {
    await page.selectOption("#wh-actions select[name=type]", "http_request");
    await page.fill("#wh-actions input[name=url]", `${crm.url}/customers`);
    await page.fill("#wh-actions textarea[name=response]", "{mappings: oops");
    await page.click("#wh-actions button[type=submit]:text('Add action')");
    await page.waitForSelector("#wh-actions .error:has-text(\"'With the response' is not valid JSON\")");
    expect(await page.inputValue("#wh-actions textarea[name=response]")).toBe("{mappings: oops");
  });

  test("add it, send a lead: the contact's page shows the request and what the answer wrote", async () => {
    await page.fill("#wh-actions textarea[name=response]", JSON.stringify({ mappings: [{ path: "customer.id", field: "crm_id" }], tags: ["customer.segment"], on_success: [{ type: "add_tag", tag: "synced" }] }));
    await page.click("#wh-actions button[type=submit]:text('Add action')");
    await page.waitForSelector("#wh-actions .actions-list li:has-text('then saves customer.id → crm_id; tags from customer.segment; on success: Add tag: synced')");

    const hook = `${server.url}/hooks/${server.services.webhooks.get(webhookId).token}`;
    const lead = await (await fetch(hook, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone: "+14155550801" }) })).json();
    // The worker sends it at once; its answer is handled in the same transaction as the attempt.
    for (let i = 0; i < 100 && server.services.contacts.get(lead.user_ns).contact.tags === "[]"; i++) await Bun.sleep(20);
    expect(server.services.contacts.get(lead.user_ns).contact.tags).toBe('["vip","synced"]');

    await page.goto(`${server.url}/admin/contacts/${lead.user_ns}`);
    const requests = await page.textContent("#contact-requests");
    expect(requests).toContain(`POST ${crm.url}/customers`);
    expect(requests).toContain("succeeded, HTTP 200 → wrote crm_id; tagged vip; 1 follow-up action");
    expect(await page.textContent("#field-values")).toContain("C-7");
    await page.screenshot({ path: join(SCREENSHOTS, "contact-requests.png"), fullPage: true, caret: "initial" });

    await page.click("#contact-requests a");
    await page.waitForSelector("#delivery-follow-up");
    expect(await page.textContent("#delivery-follow-up")).toContain('Fields written: crm_id = "C-7"');
  });
});
