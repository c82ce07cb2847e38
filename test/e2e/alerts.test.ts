// Alerts in the admin, in a real browser: destinations and thresholds in Settings, open alerts
// on the home page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "alerts admin password" });
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, "alerts admin password"));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("alerts in the admin", () => {
  test("Settings: add a destination (a bad one is refused in place), change a threshold, remove the destination", async () => {
    await page.goto(`${server.url}/admin/settings`);
    await page.fill("#add-alert-destination input[name=url]", "not a url");
    await page.click("#add-alert-destination button[type=submit]");
    await page.waitForSelector("#alerts .error:has-text('an http:// or https:// URL')");
    await page.fill("#add-alert-destination input[name=url]", "https://hooks.slack.example.com/services/T0/B0/x");
    await page.click("#add-alert-destination button[type=submit]");
    await page.waitForSelector("#alert-destinations li:has-text('hooks.slack.example.com')");
    await page.fill("#alert-thresholds input[name=pending_minutes]", "45");
    await page.click("#alert-thresholds button[type=submit]");
    await page.waitForFunction(() => (document.querySelector("#alert-thresholds input[name=pending_minutes]") as HTMLInputElement).value === "45");
    expect(server.services.alerts.thresholds()).toEqual({ pending_minutes: 45, rejections_per_15_minutes: 50, target_failure_percent: 70, target_min_attempts: 10, free_disk_mb: 500 });
    await page.click("#alert-destinations button:text('Remove')");
    await page.waitForSelector("#alerts p:has-text('No destination')");
    expect(server.services.alerts.destinations()).toEqual([]);
  });

  test("an open alert is on the home page until it is resolved", async () => {
    server.db.transaction(() => server.services.alerts.check({ now: Date.now(), oldestPendingAt: Date.now() - 60 * 60_000, freeBytes: null }))();
    await page.goto(`${server.url}/admin`);
    expect(await page.textContent("#open-alerts")).toContain("1 open alert");
    expect(await page.textContent("#open-alerts")).toContain("deliveries are waiting too long");
    await page.screenshot({ path: join(SCREENSHOTS, "open-alerts.png"), caret: "initial" });
    server.db.transaction(() => server.services.alerts.check({ now: Date.now(), oldestPendingAt: null, freeBytes: null }))();
    await page.reload();
    expect(await page.$("#open-alerts")).toBeNull();
  });
});
