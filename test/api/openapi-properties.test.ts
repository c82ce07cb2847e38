// The OpenAPI document run against the server, as schemathesis would: for every operation,
// requests fast-check builds from the document's own schemas (path, query and body; mixed with
// names that exist), each answered with a status the operation documents, never a 500, and
// with a body its documented schema accepts (checked with Ajv, JSON Schema 2020-12).
import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import Ajv2020 from "ajv/dist/2020";
import { startTestServer, type TestServer } from "../helpers/server";
import { arbitraryFor, recordOf, valueFor, type ArbitraryContext, type Schema } from "../helpers/openapi-arbitrary";

// A fixed seed: the suite must not pass or fail by luck. Set FC_SEED to explore other inputs.
const SEED = Number(process.env.FC_SEED ?? 20261123);
const RUNS = Number(process.env.FC_RUNS ?? 15);
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

let server: TestServer;
let document: Schema;
const known: Record<string, unknown[]> = {};
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  spec: Schema;
}

/** A fresh bot with one of everything, its names offered to the generators. */
async function freshWorld() {
  const { bots, fields, contacts, webhooks, subFlows, tags, tokens, settings } = server.services;
  settings.update({ max_inbound_webhooks_per_bot: 5, log_retention_days: 30, delivery_timeout_seconds: 15, max_deliveries_in_flight: 32, allow_private_targets: true });
  const bot = bots.create({ name: "Props", channel: "sms", default_country: "US" });
  const httpBot = bots.update(bot.flow_ns, { provider: "http", provider_settings: { url: "http://127.0.0.1:9/out" } });
  const twilioBot = bots.update(bots.create({ name: "Props SMS", channel: "sms", default_country: "US" }).flow_ns, { provider: "twilio", provider_settings: { account_sid: "AC00000000000000000000000000000000", auth_token: "a twilio auth token of 32 chars.", from: "+14155550000", base_url: "http://127.0.0.1:9" } });
  const field = fields.create(bot.id, { name: "plan", type: "text" });
  const contact = contacts.create(bot, { phone: "+14155550100", first_name: "Ada" });
  contacts.update(contact.user_ns, { tags: ["vip"], fields: { plan: "gold" } });
  const webhook = webhooks.create(bot, "Form");
  webhooks.update(webhook.id, { active: true, identify: { phone: "phone" } });
  const subFlow = subFlows.create(bot.id, "Greeting", [{ type: "add_tag", tag: "greeted" }]);
  const receipt = await fetch(`${server.url}/hooks/${webhook.token}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone: "+14155550100" }) });
  expect(receipt.status).toBe(200);
  const logId = server.db.query<{ id: number }, [number]>("SELECT max(id) AS id FROM webhook_logs WHERE webhook_id = ?").get(webhook.id)!.id;
  const message = server.services.liveChat.send(httpBot, contacts.get(contact.user_ns).contact, [{ msgType: "text", content: "Hi", payload: { text: "Hi" } }])[0]!;
  const delivery = server.db.query<{ public_id: string }, [number]>("SELECT public_id FROM deliveries WHERE message_id = ?").get(message.id)!;
  const tag = tags.ensure(bot.id, "vip").tag;
  Object.assign(known, {
    flow_ns: [bot.flow_ns],
    confirm: [bot.flow_ns],
    user_ns: [contact.user_ns],
    user_id: ["+14155550100", "14155550100"],
    id: [webhook.id, field.id, delivery.public_id],
    log_id: [logId],
    token: [webhook.token],
    channel_token: [httpBot.channel_token, twilioBot.channel_token],
    var_ns: [`v${field.id}`],
    user_field_ns: [`v${field.id}`],
    field_name: ["plan"],
    tag_ns: [`t${tag.id}`],
    tag_name: ["vip"],
    sub_flow_ns: [subFlow.sub_flow_ns],
    flow_name: ["Greeting"],
    name: ["plan", "vip"],
    phone: ["+14155550100", "(415) 555-0101"],
    email: ["ada@example.com"],
    url: ["http://127.0.0.1:9/relay"],
  });
  void tokens;
}

function operations(): Operation[] {
  return Object.entries(document.paths as Record<string, Record<string, Schema>>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method, path, spec: item[method]! })),
  );
}

/** Path segments the client would rewrite (".", "..") or that are empty do not name a resource. */
const segment = (value: unknown) => {
  const text = String(value);
  return text === "" || /^\.+$/.test(text) ? "x" : encodeURIComponent(text);
};

function requestArbitrary(operation: Operation) {
  const context: ArbitraryContext = { document, known, allows: (schema, value) => validatorFor(schema)(value) === true };
  const parameters: Schema[] = operation.spec.parameters ?? [];
  const inPath = Object.fromEntries(parameters.filter((p) => p.in === "path").map((p) => [p.name, valueFor(p.name, p.schema, context)]));
  const inQuery = parameters.filter((p) => p.in === "query");
  const query = recordOf(Object.fromEntries(inQuery.map((p) => [p.name, valueFor(p.name, p.schema, context)])), inQuery.filter((p) => p.required).map((p) => p.name));
  const content = operation.spec.requestBody?.content ?? {};
  const json = content["application/json"]?.schema;
  const form = content["application/x-www-form-urlencoded"]?.schema;
  const body = json ? arbitraryFor(json, context).map((value) => ({ type: "application/json", text: JSON.stringify(value) }))
    : form ? arbitraryFor(form, context).map((value) => ({ type: "application/x-www-form-urlencoded", text: new URLSearchParams(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])).toString() }))
    : fc.constant(null);
  return fc.record({ path: fc.record(inPath), query, body });
}

function validatorFor(schema: Schema) {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ ...schema, components: document.components });
    validators.set(key, validate);
  }
  return validate;
}

/** What is wrong with the answer, or null. */
async function problemWith(operation: Operation, response: Response): Promise<string | null> {
  const status = String(response.status);
  const text = await response.text();
  if (response.status >= 500 && status !== "503") return `${status}: ${text.slice(0, 300)}`;
  const documented = operation.spec.responses?.[status] ?? operation.spec.responses?.default;
  if (!documented) return `undocumented status ${status} (documented: ${Object.keys(operation.spec.responses ?? {}).join(", ")}): ${text.slice(0, 300)}`;
  const schema = documented.content?.["application/json"]?.schema;
  if (!documented.content) return text === "" ? null : `status ${status} documents no body, got ${text.slice(0, 100)}`;
  if (!schema) return null; // HTML, TwiML or metrics text
  if (!response.headers.get("content-type")?.includes("application/json")) return `status ${status}: not JSON (${response.headers.get("content-type")})`;
  const validate = validatorFor(schema);
  const body = JSON.parse(text);
  if (!validate(body)) return `status ${status}: the body breaks its schema: ${ajv.errorsText(validate.errors)}; body ${text.slice(0, 300)}`;
  // The server's own request schemas name what they refuse this way: a request built from the
  // document must never be refused by them (the document and the server agree).
  if (status === "422" && body.error.code === "validation_failed" && /^(field|query parameter|path parameter) '/.test(body.error.message)) return `the document allows this request, the server's schema refused it: ${body.error.message}`;
  return null;
}

// The tests are made from the served document: the server starts before they are named.
server = await startTestServer({}, { workerOptions: { fetch: (async () => new Response("ok")) as unknown as typeof fetch, lookup: async () => ["127.0.0.1"] } });
document = await (await fetch(`${server.url}/docs/json`)).json();
afterAll(() => server.close());

describe("the document against the server", () => {
  test("covers every operation the router documents", () => {
    expect(operations().length).toBeGreaterThan(90);
  });

  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const method of METHODS.filter((m) => item[m])) {
      test(`${method.toUpperCase()} ${path}: ${RUNS} generated requests, each answered as documented`, async () => {
        await freshWorld();
        const operation = operations().find((op) => op.path === path && op.method === method)!;
        const problems: string[] = [];
        await fc.assert(
          fc.asyncProperty(requestArbitrary(operation), async (input) => {
            const url = new URL(server.url + operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => segment((input.path as Record<string, unknown>)[name])));
            for (const [name, value] of Object.entries(input.query as Record<string, unknown>)) url.searchParams.set(name, typeof value === "string" ? value : JSON.stringify(value));
            const headers: Record<string, string> = { authorization: `Bearer ${server.token}` };
            if (input.body) headers["content-type"] = input.body.type;
            const response = await fetch(url, { method: operation.method.toUpperCase(), headers, body: input.body?.text });
            const problem = await problemWith(operation, response);
            if (problem) problems.push(`${operation.method.toUpperCase()} ${url.pathname}${url.search} ${input.body?.text ?? ""}\n  → ${problem}`);
          }),
          { numRuns: RUNS, seed: SEED },
        );
        expect(problems).toEqual([]);
      });
    }
  }
});
