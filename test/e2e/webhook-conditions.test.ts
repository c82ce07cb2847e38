// Conditions, action conditions and the reply, built in the webhook editor in a real browser:
// a rule from the example tree, its preview on the example, a test request filtered, a reply;
// and the test panel's saved payloads.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { join } from "node:path";
import { failOnPageProblems, launchBrowser, SCREENSHOTS, signedInPage } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let page: Page;
let webhookId: number;
let problems: string[] = [];
const example = { phone: "+14155550300", order: { status: "paid", total: 250 }, plan: "gold" };

beforeAll(async () => {
  server = await startTestServer({ adminPassword: "conditions admin password" });
  const bot = server.services.bots.create({ name: "Shop", channel: "sms", default_country: "US" });
  const webhook = server.services.webhooks.create(bot, "Orders");
  webhookId = server.services.webhooks.update(webhook.id, { active: true, example, identify: { phone: "phone" } }).id;
  browser = await launchBrowser();
  ({ page, problems } = await signedInPage(browser, server.url, "conditions admin password"));
  await page.goto(`${server.url}/admin/webhooks/${webhookId}`);
}, 60_000);
failOnPageProblems(() => problems);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const verdict = () => page.textContent("#wh-conditions-verdict");

async function sendTest(body: unknown) {
  await page.fill("#wh-test-body", JSON.stringify(body));
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes("/hooks/") && r.request().method() === "POST"), page.click("#wh-test-send")]);
  await page.waitForFunction((status) => document.querySelector("#wh-test-result")?.getAttribute("data-status") === String(status), response.status());
  return { status: response.status(), body: JSON.parse((await page.textContent("#wh-test-result"))!.replace(/^\d+ [^\n]*\n/, "")) };
}

describe("conditions in the webhook editor", () => {
  test("'only when equal' on a value of the example adds a rule, previewed on the example", async () => {
    expect(await page.textContent("#wh-conditions")).toContain("No conditions: every request is processed.");
    await page.click("#wh-tree button[data-path='order.status'][data-as='condition']");
    await page.waitForSelector("#wh-rules");
    expect(await page.textContent("#wh-rules")).toContain('order.status equals "paid"');
    expect(await page.textContent("#wh-rules td.ok")).toBe("holds");
    expect(await verdict()).toBe("The example meets them: it would be processed.");
    expect(server.services.webhooks.get(webhookId).conditions).toEqual({ match: "all", rules: [{ path: "order.status", op: "equals", value: "paid" }] });
  });

  test("a rule the example fails shows why it would be filtered; 'any' lets it pass", async () => {
    await page.fill("#wh-add-rule input[name=path]", "order.total");
    await page.selectOption("#wh-add-rule select[name=op]", "greater_than");
    await page.fill("#wh-add-rule input[name=value]", "1000");
    await page.click("#wh-add-rule button[type=submit]");
    await page.waitForFunction(() => document.querySelector("#wh-rules")?.textContent?.includes("order.total is greater than 1000"));
    expect(await verdict()).toBe("The example would be filtered: order.total is greater than 1000: no (found 250)");
    await page.selectOption("#wh-conditions select[name=match]", "any");
    await page.waitForFunction(() => document.querySelector("#wh-conditions-verdict")?.textContent?.includes("it would be processed"));
    expect(server.services.webhooks.get(webhookId).conditions!.match).toBe("any");
  });

  test("a refused rule shows its error in place, as typed", async () => {
    await page.fill("#wh-add-rule input[name=path]", "code");
    await page.selectOption("#wh-add-rule select[name=op]", "matches");
    await page.fill("#wh-add-rule input[name=value]", "(?=lookahead)");
    await page.click("#wh-add-rule button[type=submit]");
    await page.waitForSelector("#wh-conditions .error:has-text('not a pattern this server runs')");
    expect(await page.inputValue("#wh-add-rule input[name=value]")).toBe("(?=lookahead)");
    expect(server.services.webhooks.get(webhookId).conditions!.rules).toHaveLength(2);
  });

  test("a test request that meets no rule is answered filtered and logged as filtered", async () => {
    expect(await sendTest({ phone: "+14155550301", order: { status: "open", total: 5 } })).toEqual({ status: 200, body: { ok: true, filtered: true } });
    await page.waitForSelector("#wh-logs .badge.outcome-filtered");
  });

  test("an action with its own condition is listed with it, and runs only when it holds", async () => {
    await page.selectOption("#wh-actions select[name=type]", "add_tag");
    await page.fill("#wh-actions input[name=tag]", "gold-customer");
    await page.click("#wh-actions summary:text('Only when')");
    await page.fill("#wh-actions input[name=when_path]", "plan");
    await page.selectOption("#wh-actions select[name=when_op]", "equals");
    await page.fill("#wh-actions input[name=when_value]", "gold");
    await page.click("#wh-actions button[type=submit]:text('Add action')");
    await page.waitForSelector("#wh-actions .actions-list li:has-text('only when plan equals \"gold\"')");
    const gold = await sendTest({ phone: "+14155550302", order: { status: "paid" }, plan: "gold" });
    const free = await sendTest({ phone: "+14155550303", order: { status: "paid" }, plan: "free" });
    expect(server.services.contacts.get(gold.body.user_ns).contact.tags).toBe('["gold-customer"]');
    expect(server.services.contacts.get(free.body.user_ns).contact.tags).toBe("[]");
  });

  test("a reply set in the editor is what the caller gets back", async () => {
    await page.selectOption("#wh-reply select[name=status]", "201");
    await page.fill("#wh-reply textarea[name=body]", '{"id": "{{user_ns}}", "total": "{{payload.order.total}}", "tags": "{{tags}}"}');
    await page.click("#wh-reply button[type=submit]:text('Save reply')");
    await page.waitForSelector("#wh-reply button:text('Use the default answer')");
    const answer = await sendTest({ phone: "+14155550304", order: { status: "paid", total: 99 }, plan: "gold" });
    expect(answer).toEqual({ status: 201, body: { id: expect.stringMatching(/^u/), total: 99, tags: ["gold-customer"] } });
    await page.screenshot({ path: join(SCREENSHOTS, "webhook-conditions.png"), fullPage: true, caret: "initial" });
  });

  test("a reply body that is not JSON is refused in place; the default answer comes back", async () => {
    await page.fill("#wh-reply textarea[name=body]", "{not json");
    await page.click("#wh-reply button[type=submit]:text('Save reply')");
    await page.waitForSelector("#wh-reply .error:has-text('not valid JSON')");
    await page.click("#wh-reply button:text('Use the default answer')");
    await page.waitForSelector("#wh-reply button:text('Use the default answer')", { state: "detached" });
    expect(server.services.webhooks.get(webhookId).reply).toBeNull();
    expect((await sendTest({ phone: "+14155550305", order: { status: "paid" } })).body).toEqual({ ok: true, user_ns: expect.any(String), created: true });
  });
});

describe("saved test payloads", () => {
  test("save the body under a name, pick it after a reload, send it; the example stays a choice", async () => {
    const vip = { phone: "+14155550306", order: { status: "paid", total: 2000 }, plan: "gold" };
    await page.fill("#wh-test-body", JSON.stringify(vip));
    await page.fill("#wh-test-save input[name=name]", "Big order");
    await page.click("#wh-test-save button[type=submit]");
    await page.waitForSelector("#wh-test-pick option:checked:text('Big order')", { state: "attached" });
    expect(server.services.testPayloads.list(webhookId).map((p) => [p.name, p.body])).toEqual([["Big order", vip]]);

    await page.reload();
    expect(JSON.parse(await page.inputValue("#wh-test-body"))).toEqual(example);
    await page.selectOption("#wh-test-pick", { label: "Big order" });
    await page.waitForFunction(() => (document.querySelector("#wh-test-body") as HTMLTextAreaElement).value.includes("2000"));
    expect(JSON.parse(await page.inputValue("#wh-test-body"))).toEqual(vip);
    const sent = await sendTest(vip);
    expect(sent.status).toBe(200);
    await page.selectOption("#wh-test-pick", { label: "the example" });
    await page.waitForFunction(() => !(document.querySelector("#wh-test-body") as HTMLTextAreaElement).value.includes("2000"));
  });

  test("a body that is not JSON is not saved, and stays as typed with the error", async () => {
    await page.fill("#wh-test-body", "{oops");
    await page.fill("#wh-test-save input[name=name]", "Broken");
    await page.click("#wh-test-save button[type=submit]");
    await page.waitForSelector("#wh-test .error:has-text('not valid JSON')");
    expect(await page.inputValue("#wh-test-body")).toBe("{oops");
    expect(server.services.testPayloads.list(webhookId)).toHaveLength(1);
  });

  test("delete the chosen payload after confirming", async () => {
    await page.selectOption("#wh-test-pick", { label: "Big order" });
    await page.waitForSelector("#wh-test button:text('Delete this payload')");
    page.once("dialog", (dialog) => dialog.accept());
    await page.click("#wh-test button:text('Delete this payload')");
    await page.waitForSelector("#wh-test button:text('Delete this payload')", { state: "detached" });
    expect(server.services.testPayloads.list(webhookId)).toEqual([]);
    expect(await page.$$eval("#wh-test-pick option", (options) => options.map((o) => o.textContent?.trim()))).toEqual(["the example"]);
  });
});

describe("replay in bulk", () => {
  test("check what a filter matches, confirm, and watch the job finish", async () => {
    const filtered = server.db.query("SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ? AND outcome = 'filtered'").get(webhookId) as { n: number };
    expect(filtered.n).toBeGreaterThan(0);
    await page.selectOption("#wh-bulk-replay select[name=outcome]", "filtered");
    await page.click("#wh-bulk-replay button:text('Check what would be replayed')");
    await page.waitForSelector("#bulk-confirm");
    expect(await page.textContent("#bulk-confirm")).toContain(`${filtered.n} logged request${filtered.n === 1 ? "" : "s"} match`);
    expect(await page.textContent("#bulk-confirm")).toContain("Add tag: gold-customer, only when plan equals \"gold\"");
    await page.click("#bulk-replay-start");
    await page.waitForSelector(`#wh-bulk-replay .replay-state:has-text('${filtered.n} of ${filtered.n} replayed (outcome filtered): done')`, { timeout: 10_000 });
    const replays = server.db.query("SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ? AND replay_of IS NOT NULL").get(webhookId) as { n: number };
    expect(replays.n).toBe(filtered.n);
    await page.locator("#wh-bulk-replay").screenshot({ path: join(SCREENSHOTS, "bulk-replay.png"), caret: "initial" });
  });
});
