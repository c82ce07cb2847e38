// Forms never throw input away: a refused form comes back with what was typed and the reason
// next to it. Choice-driven forms show only the inputs of the choice, and a text action shows
// how the example request would render it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";

const PASSWORD = "forms keep input password";
let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[];
let flowNs: string;
let webhookId: number;

beforeAll(async () => {
  server = await startTestServer({ adminPassword: PASSWORD });
  const bot = server.services.bots.create({ name: "Forms", channel: "sms", default_country: "US" });
  flowNs = bot.flow_ns;
  const webhook = server.services.webhooks.create(bot, "Lead form");
  server.services.webhooks.update(webhook.id, { example: { lead: { name: "Ada", phone: "4155552671" } }, identify: { phone: "lead.phone" }, mappings: [{ path: "lead.name", field: "first_name" }] });
  webhookId = webhook.id;
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, PASSWORD));
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("refused forms keep what was typed", () => {
  test("create bot", async () => {
    await page.goto(`${server.url}/admin`);
    await page.fill("#bots input[name=name]", "Night shift");
    await page.selectOption("#bots select[name=channel]", "whatsapp");
    await page.fill("#bots input[name=default_country]", "ZZ");
    await page.click("#bots button:text('Create bot')");
    await page.waitForSelector("#bots .error");
    expect(await page.textContent("#bots .error")).toContain("'ZZ' is not a supported ISO 3166 country code");
    expect(await page.inputValue("#bots input[name=name]")).toBe("Night shift");
    expect(await page.inputValue("#bots select[name=channel]")).toBe("whatsapp");
    expect(await page.inputValue("#bots input[name=default_country]")).toBe("ZZ");
  });

  test("add contact: the form stays open with its values", async () => {
    await page.goto(`${server.url}/admin/bots/${flowNs}`);
    await page.click("#contacts summary");
    await page.fill("#contacts input[name=phone]", "12");
    await page.fill("#contacts input[name=first_name]", "Grace");
    await page.click("#contacts button:text('Add contact')");
    await page.waitForSelector("#contacts .error");
    expect(await page.isVisible("#contacts input[name=phone]")).toBe(true);
    expect(await page.inputValue("#contacts input[name=phone]")).toBe("12");
    expect(await page.inputValue("#contacts input[name=first_name]")).toBe("Grace");
  });

  test("custom field: the server says what a name may be (not the browser's pattern message), the name stays", async () => {
    await page.fill("#fields input[name=name]", "9 lives");
    await page.selectOption("#fields select[name=type]", "number");
    await page.click("#fields button:text('Add field')");
    await page.waitForSelector("#fields .error");
    expect(await page.textContent("#fields .error")).toContain("A field name is letters, digits and _, starting with a letter (at most 64).");
    expect(await page.inputValue("#fields input[name=name]")).toBe("9 lives");
    expect(await page.inputValue("#fields select[name=type]")).toBe("number");
  });

  test("channel provider: the chosen provider and its values stay; only its settings are shown", async () => {
    await page.selectOption("#channel select[name=provider]", "http");
    expect(await page.isVisible("#channel input[name=url]")).toBe(true);
    expect(await page.isVisible("#channel input[name=account_sid]")).toBe(false);
    await page.fill("#channel input[name=url]", "not a url");
    await page.click("#channel button:text('Save channel')");
    await page.waitForSelector("#channel .error");
    expect(await page.inputValue("#channel select[name=provider]")).toBe("http");
    expect(await page.inputValue("#channel input[name=url]")).toBe("not a url");
    expect(await page.isVisible("#channel input[name=account_sid]")).toBe(false);
    await page.selectOption("#channel select[name=provider]", "twilio");
    expect(await page.isVisible("#channel input[name=account_sid]")).toBe(true);
    expect(await page.isVisible("#channel input[name=url]")).toBe(false);
  });

  test("pasted example: invalid JSON stays in the box", async () => {
    await page.goto(`${server.url}/admin/webhooks/${webhookId}`);
    await page.fill("#wh-example textarea[name=example]", '{"lead": {"name": "Bo",}');
    await page.click("#wh-example button:text('Save example')");
    await page.waitForSelector("#wh-example .error");
    expect(await page.inputValue("#wh-example textarea[name=example]")).toBe('{"lead": {"name": "Bo",}');
  });

  test("mapping: a bad new field name keeps the path and the name", async () => {
    await page.fill("#wh-add-mapping input[name=path]", "lead.name");
    await page.fill("#wh-add-mapping input[name=new_field]", "full name");
    await page.selectOption("#wh-add-mapping select[name=new_type]", "text");
    await page.click("#wh-add-mapping button[type=submit]");
    await page.waitForSelector("#wh-config .error");
    expect(await page.inputValue("#wh-add-mapping input[name=path]")).toBe("lead.name");
    expect(await page.inputValue("#wh-add-mapping input[name=new_field]")).toBe("full name");
  });

  test("action: a refused HTTP request keeps its type and URL", async () => {
    await page.selectOption("#wh-actions select[name=type]", "http_request");
    await page.fill("#wh-actions input[name=url]", "https://{{payload.host}}/leads");
    await page.click("#wh-actions button:text('Add action')");
    await page.waitForSelector("#wh-actions .error");
    expect(await page.textContent("#wh-actions .error")).toContain("may not have placeholders in its scheme, host or port");
    expect(await page.inputValue("#wh-actions select[name=type]")).toBe("http_request");
    expect(await page.inputValue("#wh-actions input[name=url]")).toBe("https://{{payload.host}}/leads");
  });
});

describe("only the inputs of the choice, and a live preview", () => {
  test("each action type shows its own inputs", async () => {
    const visible = async () => {
      const names = ["text", "tag", "field", "value", "minutes", "url", "body", "method"];
      const shown: string[] = [];
      for (const name of names) if (await page.isVisible(`#wh-actions [name=${name}]`)) shown.push(name);
      return shown;
    };
    const expected: Record<string, string[]> = {
      send_text: ["text"],
      add_tag: ["tag"],
      remove_tag: ["tag"],
      set_field: ["field", "value"],
      pause_bot: ["minutes"],
      resume_bot: [],
      http_request: ["url", "body", "method"],
    };
    for (const [type, names] of Object.entries(expected)) {
      await page.selectOption("#wh-actions select[name=type]", type);
      expect({ type, shown: await visible() }).toEqual({ type, shown: names });
    }
  });

  test("the text of a send_text action is previewed with the example as it is typed", async () => {
    await page.selectOption("#wh-actions select[name=type]", "send_text");
    const box = await page.$("#wh-actions textarea[name=text]");
    expect((await box!.boundingBox())!.width).toBeGreaterThan(600);
    await page.fill("#wh-actions textarea[name=text]", "Hi {{first_name}}, we will call {{phone}} about {{payload.lead.name}}.");
    await page.waitForSelector("#action-preview:has-text('Hi Ada')");
    expect(await page.textContent("#action-preview")).toBe("Preview with the example: Hi Ada, we will call +14155552671 about Ada.");
    await page.screenshot({ path: join(SCREENSHOTS, "action-form.png"), fullPage: false, caret: "initial" });
  });

});
