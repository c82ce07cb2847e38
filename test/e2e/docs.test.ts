// The API docs page in a real browser: Swagger UI's operations in the first screen (no wall of
// raw text), a way back to the admin, an icon, the admin's security headers, no console errors;
// and the guide beside it with the prose the schemas cannot say.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, watchPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "docs page password" });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  problems = watchPage(page);
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("/docs", () => {
  test("Swagger UI's operations are in the first screen, under a bar that leads back to the admin", async () => {
    const response = await page.goto(`${server.url}/docs`);
    expect(response!.status()).toBe(200);
    await page.waitForSelector(".opblock", { timeout: 10_000 });
    const top = await page.evaluate(() => document.querySelector(".opblock")!.getBoundingClientRect().top);
    expect(top).toBeLessThan(800);
    expect(await page.textContent(".swagger-ui .info .title")).toContain("Switchboard API");
    expect(await page.getAttribute("header.topbar a:text('Back to the admin')", "href")).toBe("/admin");
    await page.screenshot({ path: join(SCREENSHOTS, "docs.png"), caret: "initial" });
  });

  test("the page carries the admin's security headers and an icon that loads", async () => {
    const docs = await fetch(`${server.url}/docs`);
    const admin = await fetch(`${server.url}/admin/login`);
    for (const name of ["content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"]) expect(docs.headers.get(name)).toBe(admin.headers.get(name));
    const icon = await page.getAttribute("link[rel=icon]", "href");
    expect((await fetch(`${server.url}${icon}`)).status).toBe(200);
  });

  test("the guide has the prose, linked from the reference", async () => {
    expect(await page.getAttribute(".swagger-ui .info .description a", "href")).toBe("/docs/guide");
    await page.goto(`${server.url}/docs/guide`);
    expect(await page.textContent("main.guide h2:text('Live chat: the relay payload')")).toBeTruthy();
    expect(await page.textContent("main.guide")).toContain("message.assigned_agent_id");
  });

});
