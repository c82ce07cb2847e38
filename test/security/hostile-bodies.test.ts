// Bodies built to cost the most per byte, on the public webhook URL: each is answered at once
// (parsing is linear, forms are capped) and the server keeps answering others meanwhile.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MAX_FORM_FIELDS, MAX_FORM_REPEATS } from "../../src/http/body";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl } from "../helpers/inbound";

let server: TestServer;
let url: string;
beforeAll(async () => {
  server = await startTestServer();
  const bot = await createBot(server);
  url = hookUrl(server, await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "phone" }, rate_limit: { capacity: 1000, refill_seconds: 60 } }));
});
afterAll(() => server.close());

const KB250 = 250 * 1024;
const repeat = (unit: string) => unit.repeat(Math.floor(KB250 / unit.length));

/** Sends the body and, while it is being handled, asks /healthz. */
async function sendWithHealthProbe(body: string, contentType: string) {
  const answer = fetch(url, { method: "POST", headers: { "content-type": contentType }, body }).then(async (r) => ({ status: r.status, json: await r.json() }));
  const health = fetch(`${server.url}/healthz`).then((r) => ({ status: r.status }));
  return { answer: await answer, health: await health };
}

describe("worst-case bodies of 250 KB", () => {
  const cases: { name: string; body: string; type: string; status: number; code?: string }[] = [
    { name: "one form field repeated 125,000 times", body: repeat("a&"), type: "application/x-www-form-urlencoded", status: 400, code: "invalid_body" },
    { name: "64,000 distinct form fields", body: Array.from({ length: 64_000 }, (_, i) => `k${i}=`).join("&").slice(0, KB250), type: "application/x-www-form-urlencoded", status: 400, code: "invalid_body" },
    { name: "a JSON object with one key repeated", body: `{${repeat('"a":1,')}"phone":"+14155552671"}`, type: "application/json", status: 200 },
    { name: "a JSON array of 30,000 small objects", body: `{"phone":"+14155552671","items":[${Array.from({ length: 30_000 }, () => '{"a":1}').join(",")}]}`, type: "application/json", status: 200 },
    { name: "JSON nested past the depth limit, over and over", body: `{"x":[${repeat("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],").slice(0, KB250 - 10)}]}`, type: "application/json", status: 400, code: "invalid_body" },
    { name: "a JSON string full of escapes", body: `{"phone":"+14155552671","s":"${repeat("\\u00e9\\n")}"}`, type: "application/json", status: 200 },
  ];
  for (const c of cases) {
    // Bounded by the test's own 5 s limit, not by a timed assertion: the quadratic parsing this
    // guards against took 30 s for such a body. (Timings are the benchmarks' job.)
    test(`${c.name}: answered ${c.status}, /healthz answered meanwhile`, async () => {
      expect(c.body.length).toBeLessThanOrEqual(256 * 1024);
      const { answer, health } = await sendWithHealthProbe(c.body, c.type);
      expect(answer.status).toBe(c.status);
      if (c.code) expect(answer.json.error.code).toBe(c.code);
      expect(health.status).toBe(200);
    }, 5_000);
  }
});

describe("form limits", () => {
  const form = (body: string) => fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  test(`${MAX_FORM_FIELDS} fields and ${MAX_FORM_REPEATS} repeats of one name are accepted; one more is 400 invalid_body naming the limit`, async () => {
    const fields = (n: number) => ["phone=%2B14155552671", ...Array.from({ length: n - 1 }, (_, i) => `f${i}=1`)].join("&");
    expect((await form(fields(MAX_FORM_FIELDS))).status).toBe(200);
    const tooMany = await form(fields(MAX_FORM_FIELDS + 1));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { code: string; message: string } }).error).toEqual({ code: "invalid_body", message: `The form has more than ${MAX_FORM_FIELDS} fields.` });
    const repeats = (n: number) => `phone=%2B14155552671&${"tag=x&".repeat(n)}`;
    const accepted = await form(repeats(MAX_FORM_REPEATS));
    expect(accepted.status).toBe(200);
    const tooOften = await form(repeats(MAX_FORM_REPEATS + 1));
    expect(tooOften.status).toBe(400);
    expect(((await tooOften.json()) as { error: { message: string } }).error.message).toBe(`The form repeats 'tag' more than ${MAX_FORM_REPEATS} times.`);
  });

  test("a repeated name still becomes an array, and __proto__ is just a field", async () => {
    const id = (await createWebhook(server, (await createBot(server)).flow_ns, { active: true, identify: { phone: "phone" } })).id;
    const hook = await server.api("GET", `/api/v1/inbound-webhooks/${id}`);
    const target = hookUrl(server, (await hook.json()) as { url: string });
    await server.api("POST", `/api/v1/inbound-webhooks/${id}/listen`);
    const response = await fetch(target, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "phone=%2B14155552671&c=1&c=2&__proto__=x" });
    expect(response.status).toBe(200);
    const listened = (await (await server.api("GET", `/api/v1/inbound-webhooks/${id}/listen`)).json()) as { example: Record<string, unknown> };
    expect(listened.example).toEqual({ phone: "+14155552671", c: ["1", "2"], ["__proto__"]: "x" });
  });
});
