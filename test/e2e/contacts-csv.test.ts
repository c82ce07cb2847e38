// Contacts in and out of the admin as CSV, in a real browser: export downloads the file, import
// goes upload → mapping → dry run with refused lines → import of the rest, with its progress.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage } from "../helpers/browser";
import { startTestServer, tempDir, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[] = [];
let flowNs: string;
let botId: number;

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "csv admin password" });
  const bot = server.services.bots.create({ name: "Newsletter", channel: "sms", default_country: "US" });
  flowNs = bot.flow_ns;
  botId = bot.id;
  server.services.fields.create(bot.id, { name: "plan", type: "text" });
  server.services.contacts.create(bot, { phone: "+14155551000", first_name: "Ada" });
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, "csv admin password"));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("contacts as CSV in the admin", () => {
  test("export downloads every contact with the bot's fields", async () => {
    await page.goto(`${server.url}/admin/bots/${flowNs}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#contacts-export")]);
    expect(download.suggestedFilename()).toBe(`contacts-${flowNs}.csv`);
    const rows = parse(readFileSync((await download.path())!, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.phone, r.first_name])).toEqual([["+14155551000", "Ada"]]);
    expect(Object.keys(rows[0]!)).toContain("plan");
  });

  test("import: upload, map a column, check, see the refused line, import the rest", async () => {
    const file = join(tempDir("sb-csv-"), "march-leads.csv");
    await Bun.write(file, ["Mobile,Name,Membership", "(415) 555-1001,Grace,gold", "12,Nobody,silver", "+1 415 555 1000,Ada L.,platinum"].join("\n"));
    await page.click("#contacts-import");
    await page.waitForSelector("#import-upload input[type=file]");
    await page.setInputFiles("#import-upload input[type=file]", file);
    await page.click("#import-upload button[type=submit]");
    await page.waitForSelector("#import-mapping");
    expect(await page.textContent("h1")).toBe("Import march-leads.csv");
    expect(await page.inputValue("select[name='map:Mobile']")).toBe("phone");
    expect(await page.inputValue("select[name='map:Membership']")).toBe("");
    await page.selectOption("select[name='map:Name']", "first_name");
    await page.selectOption("select[name='map:Membership']", "plan");
    await page.click("#import-check");
    await page.waitForSelector("#import-problems", { timeout: 10_000 });
    expect(await page.textContent("#import-report")).toContain("1 would be created, 1 updated, 0 skipped (found, left alone), 1 refused.");
    expect(await page.textContent("#import-problems")).toContain("3");
    expect(server.db.query("SELECT count(*) AS n FROM contacts WHERE bot_id = ?").get(botId)).toEqual({ n: 1 });
    await page.screenshot({ path: join(SCREENSHOTS, "import-checked.png"), fullPage: true, caret: "initial" });

    await page.check("input[name=skip_invalid]");
    await page.click("#import-run");
    await page.waitForSelector("#import-state:text('Imported.')", { timeout: 10_000 });
    expect(await page.textContent("#import-report")).toContain("1 were created, 1 updated");
    const grace = server.services.contacts.findByPhone(botId, "+14155551001")!;
    expect(grace.first_name).toBe("Grace");
    expect(server.services.contacts.fieldValues(grace.id)).toEqual({ plan: "gold" });
    expect(server.services.contacts.findByPhone(botId, "+14155551000")!.first_name).toBe("Ada L.");
  });

  test("an empty file is refused in place; earlier imports are listed", async () => {
    const file = join(tempDir("sb-csv-"), "empty.csv");
    await Bun.write(file, "");
    await page.goto(`${server.url}/admin/bots/${flowNs}/import`);
    await page.setInputFiles("#import-upload input[type=file]", file);
    await page.click("#import-upload button[type=submit]");
    await page.waitForSelector("#import-upload .error:has-text('The file is empty.')");
    expect(await page.textContent("main")).toContain("march-leads.csv (3 rows)"); // the earlier import stays listed
  });
});
