// Headless Debian Chromium driven by playwright-core.
import { afterEach, expect } from "bun:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const SCREENSHOTS = join(import.meta.dir, "..", ".tmp", "screenshots");

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Everything that went wrong on a page: script errors, console errors (a CSP violation, a
 * failed resource) and requests that failed or answered 5xx. Tests expect it to stay empty.
 */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  page.on("console", (message) => {
    // A refused form comes back as 422 with the form and its message: the browser logs the
    // status, but it is the answer the page asked for.
    if (message.type() === "error" && !/status of 422 \(Unprocessable Entity\)/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on("requestfailed", (request) => {
    // A navigation away cancels what the old page was loading: not a failure of the page.
    if (request.failure()?.errorText !== "net::ERR_ABORTED") problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 500) problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return problems;
}

/**
 * Registers a check after each test of the file: what went wrong on the page during that test
 * fails it (and is cleared), so each test answers for its own page, alone or in a run.
 */
export function failOnPageProblems(problems: () => string[] | undefined): void {
  afterEach(() => {
    const found = problems()?.splice(0) ?? [];
    expect(found.join("\n")).toBe("");
  });
}

/** A problem the test caused on purpose (a refused login, a request to an inactive webhook): it must be there, once; it is taken off the list. */
export function expectPageProblem(problems: string[], pattern: RegExp): void {
  const index = problems.findIndex((problem) => pattern.test(problem));
  expect({ pattern: String(pattern), found: index >= 0, problems }).toMatchObject({ pattern: String(pattern), found: true });
  problems.splice(index, 1);
}

/** A page signed in to the admin of `serverUrl` with `password`; what goes wrong on it is collected. */
export async function signedInPage(browser: Browser, serverUrl: string, password: string, viewport = { width: 1280, height: 1000 }) {
  const page = await browser.newPage({ viewport });
  const problems = watchPage(page);
  await page.goto(`${serverUrl}/admin/login`);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForURL(`${serverUrl}/admin`);
  return { page, problems };
}

/** Waits until a live page's event stream is open (its parts then update by themselves). */
export async function waitLive(page: Page): Promise<void> {
  await page.waitForSelector("body[data-live=open]", { state: "attached" });
  await page.waitForLoadState("networkidle");
}
