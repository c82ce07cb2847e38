// Rotating signing secrets from the admin in a real browser: a webhook's, the integration's and
// an http channel's. Each shows the new secret once and until when the previous one still works.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { failOnPageProblems, launchBrowser, signedInPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[] = [];
const OLD = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "rotation admin password" });
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, "rotation admin password"));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A stored expiry as the page writes it (to the minute), a day after it was rotated. */
const shownTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16);

describe("secret rotation in the admin", () => {
  test("a webhook's Rotate keeps the previous secret working for a day, and says until when", async () => {
    const bot = server.services.bots.create({ name: "Forms", channel: "sms", default_country: "US" });
    const webhook = server.services.webhooks.update(server.services.webhooks.create(bot, "Signed form").id, { signing_secret: OLD });
    await page.goto(`${server.url}/admin/webhooks/${webhook.id}`);
    await page.click("#wh-limits button:text('Rotate')");
    await page.waitForSelector("#wh-secret");
    const shown = (await page.textContent("#wh-secret"))!.trim();
    const rotated = server.services.webhooks.get(webhook.id);
    expect(rotated).toMatchObject({ signing_secret: shown, previous_signing_secret: OLD });
    expect(rotated.previous_secret_until! - rotated.updated_at).toBe(24 * 3600_000);
    expect(await page.textContent("#wh-previous-secret")).toContain(`The previous secret still verifies until ${shownTime(server.services.webhooks.get(webhook.id).previous_secret_until!)}`);
  });

  test("the integration's Rotate secret shows the new one once and the overlap", async () => {
    server.services.integration.put({ url: "https://chat.example.com/relay", secret: OLD, enabled: true });
    await page.goto(`${server.url}/admin/integration`);
    page.once("dialog", (dialog) => dialog.accept());
    await page.click("#rotate-secret");
    await page.waitForSelector("#new-secret code");
    expect((await page.textContent("#new-secret code"))!.trim()).toBe(server.services.integration.get().secret!);
    expect(await page.textContent("#previous-secret")).toContain(`Until ${shownTime(server.services.integration.get().previous_until!)}`);
    await page.reload();
    expect(await page.$("#new-secret")).toBeNull(); // shown once
    expect(await page.textContent("#previous-secret")).toContain("two, space-separated");
  });

  test("an http channel's Rotate secret, on the bot's page", async () => {
    const bot = server.services.bots.create({ name: "Gateway", channel: "sms", default_country: "US" });
    server.services.bots.update(bot.flow_ns, { provider: "http", provider_settings: { url: "https://gateway.example.com/send", secret: OLD } });
    await page.goto(`${server.url}/admin/bots/${bot.flow_ns}`);
    page.once("dialog", (dialog) => dialog.accept());
    await page.click("#rotate-channel-secret");
    await page.waitForSelector("#new-channel-secret code");
    const settings = JSON.parse(server.services.bots.get(bot.flow_ns).provider_settings);
    expect(settings).toMatchObject({ secret: (await page.textContent("#new-channel-secret code"))!.trim(), previous_secret: OLD });
    expect(await page.textContent("#previous-channel-secret")).toContain(`Until ${shownTime(settings.previous_until)}`);
  });
});
