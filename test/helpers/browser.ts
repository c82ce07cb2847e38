// Headless Debian Chromium driven by playwright-core.
import { chromium, type Browser } from "playwright-core";
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

/** A page signed in to the admin of `serverUrl` with `password`; page errors are collected. */
export async function signedInPage(browser: Browser, serverUrl: string, password: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${serverUrl}/admin/login`);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForURL(`${serverUrl}/admin`);
  return { page, pageErrors };
}
