// Conditions on a webhook and on its actions, and a webhook's own reply to its caller: over
// real HTTP, with what is stored read back from the database.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { count, createBot, createWebhook, hookUrl, post } from "../helpers/inbound";

let server: TestServer;
let flowNs: string;

beforeAll(async () => {
  server = await startTestServer();
  await server.api("PATCH", "/api/v1/settings", { max_inbound_webhooks_per_bot: 100 });
  flowNs = (await createBot(server)).flow_ns;
  await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "plan", type: "text" });
});
afterAll(() => server.close());

const hook = (patch: Record<string, unknown> = {}) =>
  createWebhook(server, flowNs, { active: true, identify: { phone: "phone" }, mappings: [{ path: "name", field: "first_name" }, { path: "plan", field: "plan" }], ...patch });

const logs = async (webhookId: number, outcome?: string) =>
  (await (await server.api("GET", `/api/v1/inbound-webhooks/${webhookId}/logs?limit=100${outcome ? `&outcome=${outcome}` : ""}`)).json()).data as { id: number; outcome: string; status: number }[];
const logDetail = async (webhookId: number, logId: number) => (await server.api("GET", `/api/v1/inbound-webhooks/${webhookId}/logs/${logId}`)).json();
const contacts = () => count(server, "SELECT count(*) AS n FROM contacts");
const patch = (id: number, body: unknown) => server.api("PATCH", `/api/v1/inbound-webhooks/${id}`, body);

describe("webhook conditions", () => {
  const paidOver100 = { match: "all", rules: [{ path: "order.status", op: "equals", value: "paid" }, { path: "order.total", op: "greater_than", value: 100 }] };

  test("a request that meets them is processed; one that does not is answered {ok, filtered}, logged as filtered, and nothing is identified, mapped or run", async () => {
    const webhook = await hook({ conditions: paidOver100, actions: [{ type: "add_tag", tag: "big-order" }] });
    expect(webhook.conditions).toEqual(paidOver100);
    const before = contacts();

    const small = await post(hookUrl(server, webhook), { phone: "+14155550201", name: "Ada", order: { status: "paid", total: "99.5" } });
    expect(small.status).toBe(200);
    expect(await small.json()).toEqual({ ok: true, filtered: true });
    expect(contacts()).toBe(before);

    const big = await post(hookUrl(server, webhook), { phone: "+14155550201", name: "Ada", order: { status: "paid", total: "250" } });
    expect(big.status).toBe(200);
    const answer = await big.json();
    expect(answer).toMatchObject({ ok: true, created: true });
    expect(contacts()).toBe(before + 1);
    const stored = await (await server.api("GET", `/api/v1/contacts/${answer.user_ns}`)).json();
    expect(stored).toMatchObject({ first_name: "Ada", tags: ["big-order"] });

    const filtered = await logs(webhook.id, "filtered");
    expect(filtered).toHaveLength(1);
    const detail = await logDetail(webhook.id, filtered[0]!.id);
    expect(detail).toMatchObject({ outcome: "filtered", status: 200, user_ns: null, fields_written: {}, response: { ok: true, filtered: true } });
    expect(detail.notes).toEqual(['filtered: order.total is greater than 100: no (found "99.5")']);
  });

  test("match any: one rule holding is enough", async () => {
    const webhook = await hook({ conditions: { match: "any", rules: [{ path: "source", op: "equals", value: "ads" }, { path: "utm", op: "exists" }] } });
    const answers = [];
    for (const body of [{ source: "ads" }, { utm: { campaign: "x" } }, { source: "organic" }, { source: "organic", utm: null }]) {
      answers.push(await (await post(hookUrl(server, webhook), { phone: "+14155550202", ...body })).json());
    }
    expect(answers.map((a) => a.filtered === true)).toEqual([false, false, true, true]);
    const [last] = await logs(webhook.id, "filtered");
    expect((await logDetail(webhook.id, last!.id)).notes[0]).toBe('filtered: none of 2 held; source equals "ads": no (found "organic"); utm exists: no (found null)');
  });

  test("a repeat of a filtered request (same idempotency key) is answered the same", async () => {
    const webhook = await hook({ conditions: paidOver100 });
    const first = await post(hookUrl(server, webhook), { phone: "+14155550203", order: { status: "open" } }, { "idempotency-key": "k-1" });
    const again = await post(hookUrl(server, webhook), { phone: "+14155550203", order: { status: "paid", total: 500 } }, { "idempotency-key": "k-1" });
    expect(await first.json()).toEqual({ ok: true, filtered: true });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual({ ok: true, filtered: true });
  });

  test("null removes them", async () => {
    const webhook = await hook({ conditions: paidOver100 });
    const cleared = await (await patch(webhook.id, { conditions: null })).json();
    expect(cleared.conditions).toBeNull();
    expect(await (await post(hookUrl(server, webhook), { phone: "+14155550204" })).json()).toMatchObject({ ok: true, created: true });
  });

  test("bad definitions are refused with 422 naming the part at fault, and nothing is changed", async () => {
    const webhook = await hook({ conditions: paidOver100 });
    const cases: [unknown, string, string][] = [
      [{ rules: [] }, "invalid_condition", "conditions.rules: is a list of at least one rule."],
      [{ rules: [{ path: "a..b", op: "exists" }] }, "invalid_condition", "conditions.rules[0].path: 'a..b' is not a valid path"],
      [{ rules: [{ path: "a", op: "exists" }, { path: "b", op: "equals" }] }, "invalid_condition", "conditions.rules[1].value: is needed by 'equals'."],
      [{ rules: [{ path: "total", op: "greater_than", value: "lots" }] }, "invalid_condition", "conditions.rules[0].value: 'greater_than' compares numbers: give a number."],
      [{ rules: [{ path: "name", op: "matches", value: "(?=a)" }] }, "invalid_condition", "conditions.rules[0].value: is not a pattern this server runs (RE2 syntax: no lookaround or backreferences)"],
      [{ rules: [{ path: "name", op: "matches", value: "(a)\\1" }] }, "invalid_condition", "conditions.rules[0].value: is not a pattern this server runs"],
      [{ rules: [{ path: "name", op: "contains", value: "" }] }, "invalid_condition", "conditions.rules[0].value: 'contains' needs a non-empty text."],
      [{ rules: [{ path: "name", op: "resembles", value: "x" }] }, "invalid_condition", "conditions.rules[0].op: is one of equals, not_equals"],
      [{ match: "most", rules: [{ path: "a", op: "exists" }] }, "invalid_condition", "conditions.match: is 'all' or 'any'."],
      [{ rules: [{ path: "a", op: "equals", value: { nested: 1 } }] }, "invalid_condition", "conditions.rules[0].value: is a string, number, boolean or null."],
    ];
    for (const [conditions, code, message] of cases) {
      const response = await patch(webhook.id, { conditions });
      expect({ conditions, status: response.status }).toEqual({ conditions, status: 422 });
      const { error } = await response.json();
      expect({ conditions, code: error.code }).toEqual({ conditions, code });
      expect(error.message).toStartWith(message);
    }
    const actionCase = await patch(webhook.id, { actions: [{ type: "add_tag", tag: "x" }, { type: "add_tag", tag: "y", when: { rules: [{ path: "p", op: "less_than", value: null }] } }] });
    expect(actionCase.status).toBe(422);
    expect((await actionCase.json()).error).toEqual({ code: "invalid_condition", message: "actions[1].when.rules[0].value: 'less_than' compares numbers: give a number." });
    const unchanged = await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}`)).json();
    expect({ conditions: unchanged.conditions, actions: unchanged.actions }).toEqual({ conditions: paidOver100, actions: [] });
  });
});

describe("regular expressions", () => {
  test("a pattern that backtracks exponentially elsewhere is decided in linear time", async () => {
    const webhook = await hook({ conditions: { rules: [{ path: "code", op: "matches", value: "^(a+)+$" }] } });
    // 30,000 characters ending in "!": a backtracking engine would not finish this in a lifetime.
    const hostile = await post(hookUrl(server, webhook), { phone: "+14155550205", code: `${"a".repeat(30_000)}!` });
    expect(await hostile.json()).toEqual({ ok: true, filtered: true });
    const fine = await post(hookUrl(server, webhook), { phone: "+14155550205", code: "aaaa" });
    expect(await fine.json()).toMatchObject({ ok: true, created: true });
  });

  test("a match that would go over the request's regex budget is stopped, counts as not matching, and the log says so", async () => {
    // About 4,000 program steps per character: 4,000 characters go over the 4M-step budget.
    const webhook = await hook({ conditions: { rules: [{ path: "code", op: "matches", value: "[a-z]{1,1000}[0-9]{1,1000}$" }] } });
    const response = await post(hookUrl(server, webhook), { phone: "+14155550206", code: `${"x".repeat(4_000)}1` });
    expect(await response.json()).toEqual({ ok: true, filtered: true });
    const [log] = await logs(webhook.id, "filtered");
    expect((await logDetail(webhook.id, log!.id)).notes[0]).toBe('filtered: code matches "[a-z]{1,1000}[0-9]{1,1000}$": stopped: matching 4001 characters would go over the request\'s regex budget');
    const short = await post(hookUrl(server, webhook), { phone: "+14155550206", code: "abc123" });
    expect(await short.json()).toMatchObject({ ok: true, created: true });
  });

  test("(?i) makes a pattern ignore case; an unanchored pattern is found anywhere", async () => {
    const webhook = await hook({ conditions: { rules: [{ path: "name", op: "matches", value: "(?i)vip" }] } });
    const answers = [];
    for (const name of ["Big VIP client", "vip", "regular"]) answers.push((await (await post(hookUrl(server, webhook), { phone: "+14155550207", name })).json()).filtered === true);
    expect(answers).toEqual([false, false, true]);
  });
});

describe("action conditions", () => {
  test("an action runs only when its own condition holds, and the log says which were skipped", async () => {
    const webhook = await hook({
      actions: [
        { type: "add_tag", tag: "gold", when: { rules: [{ path: "plan", op: "equals", value: "gold" }] } },
        { type: "add_tag", tag: "lead" },
        { type: "set_field", field: "plan", value: "free", when: { rules: [{ path: "plan", op: "missing" }] } },
      ],
    });
    const gold = await (await post(hookUrl(server, webhook), { phone: "+14155550208", plan: "gold" })).json();
    const none = await (await post(hookUrl(server, webhook), { phone: "+14155550209" })).json();
    const goldContact = await (await server.api("GET", `/api/v1/contacts/${gold.user_ns}`)).json();
    const noneContact = await (await server.api("GET", `/api/v1/contacts/${none.user_ns}`)).json();
    expect({ tags: goldContact.tags, plan: goldContact.fields.plan }).toEqual({ tags: ["gold", "lead"], plan: "gold" });
    expect({ tags: noneContact.tags, plan: noneContact.fields.plan }).toEqual({ tags: ["lead"], plan: "free" });
    const [latest] = await logs(webhook.id);
    expect((await logDetail(webhook.id, latest!.id)).notes).toEqual([
      "mapping name → first_name: nothing at that path",
      "mapping plan → plan: nothing at that path",
      'actions[0] add_tag: skipped, its condition did not hold (plan equals "gold": no (found nothing))',
    ]);
    const saved = await (await server.api("GET", `/api/v1/inbound-webhooks/${webhook.id}`)).json();
    expect(saved.actions[0]).toEqual({ type: "add_tag", tag: "gold", when: { match: "all", rules: [{ path: "plan", op: "equals", value: "gold" }] } });
  });
});

describe("the reply to the caller", () => {
  const reply = {
    status: 201,
    body: { id: "{{user_ns}}", total: "{{payload.order.total}}", tags: "{{tags}}", created: "{{created}}", plan: "{{plan}}", missing: "{{payload.nope}}", text: "Thanks {{first_name}}, order {{payload.order.id}}{{payload.nope}}!" },
  };

  test("the status and the body template rendered after the run: a lone placeholder keeps its value's type, a missing value renders empty", async () => {
    const webhook = await hook({ reply, actions: [{ type: "add_tag", tag: "customer" }] });
    const response = await post(hookUrl(server, webhook), { phone: "+14155550210", name: "Grace", plan: "pro", order: { id: "A-17", total: 42.5 } });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toEqual({ id: expect.stringMatching(/^u/), total: 42.5, tags: ["customer"], created: true, plan: "pro", missing: "", text: "Thanks Grace, order A-17!" });
    const [log] = await logs(webhook.id);
    expect(await logDetail(webhook.id, log!.id)).toMatchObject({ outcome: "processed", status: 201, response: body });
  });

  test("a repeat with the same idempotency key gets the same reply", async () => {
    const webhook = await hook({ reply });
    const first = await post(hookUrl(server, webhook), { phone: "+14155550211", order: { total: 1 } }, { "idempotency-key": "r-1" });
    const again = await post(hookUrl(server, webhook), { phone: "+14155550211", order: { total: 2 } }, { "idempotency-key": "r-1" });
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(await first.json());
  });

  test("errors keep the error shape, and a filtered request gets {ok, filtered}", async () => {
    const webhook = await hook({ reply, conditions: { rules: [{ path: "order", op: "exists" }] } });
    const unidentified = await post(hookUrl(server, webhook), { order: {} });
    expect(unidentified.status).toBe(422);
    expect((await unidentified.json()).error.code).toBe("user_not_identified");
    const filtered = await post(hookUrl(server, webhook), { phone: "+14155550212" });
    expect(filtered.status).toBe(200);
    expect(await filtered.json()).toEqual({ ok: true, filtered: true });
  });

  test("null restores the default answer; a bad reply is refused naming the part", async () => {
    const webhook = await hook({ reply });
    expect((await (await patch(webhook.id, { reply: null })).json()).reply).toBeNull();
    expect(await (await post(hookUrl(server, webhook), { phone: "+14155550213" })).json()).toEqual({ ok: true, user_ns: expect.any(String), created: true });
    const noBody = await patch(webhook.id, { reply: { status: 200 } });
    expect(noBody.status).toBe(422);
    expect((await noBody.json()).error).toEqual({ code: "invalid_reply", message: "reply.body: is the JSON to answer with; strings in it may hold {{placeholders}}." });
    const badStatus = await patch(webhook.id, { reply: { status: 204, body: {} } });
    expect(badStatus.status).toBe(422);
    expect((await badStatus.json()).error).toEqual({ code: "invalid_reply", message: "reply.status: is one of 200, 201, 202." });
  });
});
