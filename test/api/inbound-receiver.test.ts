// POST /hooks/{token}: every outcome, identification branch, limit and guarantee.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { startTestServer, type TestServer } from "../helpers/server";
import { count, createBot, createWebhook, hookUrl, post } from "../helpers/inbound";

let server: TestServer;
let flowNs: string;

beforeAll(async () => {
  server = await startTestServer();
  // Each test gets a webhook of its own on one bot.
  await server.api("PATCH", "/api/v1/settings", { max_inbound_webhooks_per_bot: 100 });
  flowNs = (await createBot(server)).flow_ns;
  for (const [name, type] of [["party_size", "number"], ["booking_date", "date"], ["note", "text"]]) {
    await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name, type });
  }
});
afterAll(() => server.close());

const leadHook = (patch: Record<string, unknown> = {}, bot = flowNs) =>
  createWebhook(server, bot, {
    active: true,
    identify: { user_ns: "user_ns", phone: "contact.phone", email: "contact.email" },
    mappings: [
      { path: "contact.first", field: "first_name" },
      { path: "booking.size", field: "party_size" },
      { path: "booking.date", field: "booking_date" },
    ],
    ...patch,
  });

const lastLog = async (webhookId: number) => {
  const list = await (await server.api("GET", `/api/v1/inbound-webhooks/${webhookId}/logs?limit=1`)).json();
  return (await server.api("GET", `/api/v1/inbound-webhooks/${webhookId}/logs/${list.data[0].id}`)).json();
};

const contact = async (userNs: string) => (await server.api("GET", `/api/v1/contacts/${userNs}`)).json();

describe("identification", () => {
  test("a new valid phone creates the contact and stores the mapped fields", async () => {
    const hook = await leadHook();
    const response = await post(hookUrl(server, hook), { contact: { phone: "(415) 555-0101", first: "Ada" }, booking: { size: "4", date: "2026-12-24" } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ ok: true, user_ns: expect.stringMatching(/^u/), created: true });
    const stored = await contact(body.user_ns);
    expect(stored).toMatchObject({ phone: "+14155550101", first_name: "Ada", fields: { party_size: 4, booking_date: "2026-12-24" } });
    const log = await lastLog(hook.id);
    expect(log).toMatchObject({ outcome: "processed", status: 200, user_ns: body.user_ns, created: true, fields_written: { first_name: "Ada", party_size: 4 } });
  });

  test("user_ns finds the contact", async () => {
    const hook = await leadHook();
    const first = await (await post(hookUrl(server, hook), { contact: { phone: "+14155550102" } })).json();
    const again = await (await post(hookUrl(server, hook), { user_ns: first.user_ns, contact: { first: "Bea" } })).json();
    expect(again).toEqual({ ok: true, user_ns: first.user_ns, created: false });
    expect((await contact(first.user_ns)).first_name).toBe("Bea");
  });

  test("the phone matches when written differently", async () => {
    const hook = await leadHook();
    const first = await (await post(hookUrl(server, hook), { contact: { phone: "+1 415 555 0103" } })).json();
    const again = await (await post(hookUrl(server, hook), { contact: { phone: "(415) 555-0103" } })).json();
    expect(again).toEqual({ ok: true, user_ns: first.user_ns, created: false });
  });

  test("the email matches in any case", async () => {
    const hook = await leadHook();
    const created = await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { email: "grace@example.com" })).json();
    const found = await (await post(hookUrl(server, hook), { contact: { email: "  Grace@EXAMPLE.com" } })).json();
    expect(found).toEqual({ ok: true, user_ns: created.user_ns, created: false });
  });

  test("phone and email matching different contacts: the phone wins and the log says so", async () => {
    const hook = await leadHook();
    const byPhone = await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+14155550104" })).json();
    const byEmail = await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { email: "other@example.com" })).json();
    const found = await (await post(hookUrl(server, hook), { contact: { phone: "4155550104", email: "other@example.com" } })).json();
    expect(found.user_ns).toBe(byPhone.user_ns);
    const log = await lastLog(hook.id);
    expect(log.notes.join(" ")).toContain(`phone matches ${byPhone.user_ns} and email matches ${byEmail.user_ns}`);
  });

  test("an invalid phone with no match is 422 user_not_identified, nothing written but the log", async () => {
    const hook = await leadHook();
    const contacts = count(server, "SELECT count(*) AS n FROM contacts");
    const response = await post(hookUrl(server, hook), { contact: { phone: "555", first: "Nobody" } });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("user_not_identified");
    expect(count(server, "SELECT count(*) AS n FROM contacts")).toBe(contacts);
    expect((await lastLog(hook.id)).outcome).toBe("user_not_identified");
  });

  test("a channel that may not start conversations never creates contacts", async () => {
    const messenger = await createBot(server, { name: "FB", channel: "messenger", default_country: "US" });
    const hook = await leadHook({ mappings: [] }, messenger.flow_ns);
    const response = await post(hookUrl(server, hook), { contact: { phone: "+14155550105" } });
    expect(response.status).toBe(422);
    expect((await response.json()).error.message).toContain("messenger");
  });

  test("a change to the webhook's bot applies to its next request (the bot kept in memory is forgotten)", async () => {
    const bot = await createBot(server, { name: "No country", channel: "sms" });
    const hook = await leadHook({ mappings: [] }, bot.flow_ns);
    const national = () => post(hookUrl(server, hook), { contact: { phone: "(415) 555-0107" } });
    expect((await national()).status).toBe(422); // no default country: a national number names no one
    expect((await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { default_country: "US" })).status).toBe(200);
    const found = await national();
    expect(found.status).toBe(200);
    expect(count(server, `SELECT count(*) AS n FROM contacts WHERE phone = '+14155550107'`)).toBe(1);
    expect((await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { channel: "messenger" })).status).toBe(200);
    const refused = await post(hookUrl(server, hook), { contact: { phone: "(415) 555-0108" } });
    expect(refused.status).toBe(422);
    expect((await refused.json()).error.message).toContain("messenger");
  });

  test("50 parallel requests with the same new phone create exactly one contact", async () => {
    const hook = await leadHook();
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(hookUrl(server, hook), { contact: { phone: "+14155550106" } })));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(new Set(bodies.map((b) => b.user_ns)).size).toBe(1);
    expect(bodies.filter((b) => b.created)).toHaveLength(1);
    expect(count(server, "SELECT count(*) AS n FROM contacts WHERE phone = '+14155550106'")).toBe(1);
  });
});

describe("mappings and actions", () => {
  test("a value that cannot be coerced is skipped and noted; the rest apply", async () => {
    const hook = await leadHook();
    const body = await (await post(hookUrl(server, hook), { contact: { phone: "+14155550107", first: "Cy" }, booking: { size: "lots", date: "2026-02-31" } })).json();
    expect(body.ok).toBe(true);
    const stored = await contact(body.user_ns);
    expect(stored.first_name).toBe("Cy");
    expect(stored.fields).toEqual({});
    const notes = (await lastLog(hook.id)).notes.join("\n");
    expect(notes).toContain("party_size");
    expect(notes).toContain("booking_date");
  });

  test("actions run in order: text queued through the channel, tags, fields, pause, HTTP request queued", async () => {
    const hook = await leadHook({
      actions: [
        { type: "add_tag", tag: "lead" },
        { type: "add_tag", tag: "temp" },
        { type: "remove_tag", tag: "temp" },
        { type: "set_field", field: "note", value: "from {{payload.source}} for {{first_name}}" },
        { type: "send_text", text: "Hi {{first_name}}, table for {{party_size}} on {{booking_date}}.{{missing}}" },
        { type: "pause_bot", minutes: 30 },
        { type: "http_request", url: "http://127.0.0.1:9/crm?phone={{phone}}", method: "POST", headers: { "x-source": "{{payload.source}}" }, body: { name: "{{first_name}}", size: "{{party_size}}" } },
      ],
    });
    const before = Date.now();
    const body = await (await post(hookUrl(server, hook), { source: "web", contact: { phone: "+14155550108", first: "Dee" }, booking: { size: 2, date: "2026-12-31" } })).json();
    const stored = await contact(body.user_ns);
    expect(stored.tags).toEqual(["lead"]);
    expect(stored.fields.note).toBe("from web for Dee");
    const pausedUntil = Date.parse(stored.paused_until);
    expect(pausedUntil).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1000);
    expect(pausedUntil).toBeLessThanOrEqual(Date.now() + 30 * 60_000 + 1000);

    const message = server.db.query("SELECT m.* FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE c.user_ns = ?").get(body.user_ns) as Record<string, unknown>;
    // The bot is on the built-in test provider: nothing leaves the machine, delivered at once.
    expect(message).toMatchObject({ direction: "out", msg_type: "text", content: "Hi Dee, table for 2 on 2026-12-31.", delivery_state: "delivered" });
    const deliveries = server.db.query("SELECT * FROM deliveries WHERE bot_id = (SELECT bot_id FROM contacts WHERE user_ns = ?) AND created_at >= ? ORDER BY id").all(body.user_ns, before) as Record<string, any>[];
    expect(deliveries.map((d) => d.kind)).toEqual(["http_request"]);
    const http = deliveries[0]!;
    // Nothing listens on port 9: the worker keeps the delivery for later. The value is percent-encoded.
    expect(http).toMatchObject({ method: "POST", target_url: "http://127.0.0.1:9/crm?phone=%2B14155550108" });
    expect(http.state).not.toBe("succeeded");
    expect(JSON.parse(http.body)).toEqual({ name: "Dee", size: "2" });
    expect(JSON.parse(http.headers)).toMatchObject({ "x-source": "web", "content-type": "application/json" });
  });

  test("resume_bot clears the pause", async () => {
    const pause = await leadHook({ actions: [{ type: "pause_bot", minutes: null }] });
    const body = await (await post(hookUrl(server, pause), { contact: { phone: "+14155550109" } })).json();
    expect((await contact(body.user_ns)).paused_until).toBe("forever");
    const resume = await leadHook({ actions: [{ type: "resume_bot" }] });
    await post(hookUrl(server, resume), { user_ns: body.user_ns });
    expect((await contact(body.user_ns)).paused_until).toBeNull();
  });
});

describe("receiver outcomes", () => {
  test("unknown token 404, not logged; other methods 405", async () => {
    const logs = count(server, "SELECT count(*) AS n FROM webhook_logs");
    const response = await post(`${server.url}/hooks/not-a-real-token`, { a: 1 });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("not_found");
    expect(count(server, "SELECT count(*) AS n FROM webhook_logs")).toBe(logs);
    const hook = await leadHook();
    const preflight = await fetch(hookUrl(server, hook), { method: "OPTIONS", headers: { origin: "https://shop.example", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type");
    const fromAnotherSite = await post(hookUrl(server, hook), { contact: { phone: "+14155550199" } }, { origin: "https://shop.example" });
    expect(fromAnotherSite.headers.get("access-control-allow-origin")).toBe("*");
    for (const method of ["GET", "PUT", "DELETE"]) {
      const other = await fetch(hookUrl(server, hook), { method });
      expect(other.status).toBe(405);
      expect(other.headers.get("allow")).toBe("POST");
    }
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/switchboard_inbound_requests_total\{outcome="unknown_token"\} [1-9]/);
  });

  test("inactive → 409 webhook_inactive, logged", async () => {
    const hook = await leadHook({ active: false });
    const response = await post(hookUrl(server, hook), { contact: { phone: "+14155550110" } });
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe("webhook_inactive");
    expect((await lastLog(hook.id)).outcome).toBe("webhook_inactive");
    expect(count(server, "SELECT count(*) AS n FROM contacts WHERE phone = '+14155550110'")).toBe(0);
  });

  const badBodies: [string, BodyInit, Record<string, string>, number, string, string][] = [
    ["malformed JSON", '{"contact": ', {}, 400, "invalid_json", "invalid_body"], // one code for malformed JSON on every surface
    ["empty body", "", {}, 400, "invalid_body", "invalid_body"],
    ["top-level array", "[1,2]", {}, 400, "invalid_body", "invalid_body"],
    ["top-level string", '"hello"', {}, 400, "invalid_body", "invalid_body"],
    ["nesting deeper than 64", `${"[".repeat(100)}${"]".repeat(100)}`.replace(/^\[/, '{"a":[').replace(/\]$/, "]}"), {}, 400, "invalid_body", "invalid_body"],
    ["depth 10,000", `{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}`, {}, 400, "invalid_body", "invalid_body"],
    ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {}, 400, "invalid_body", "invalid_body"],
    ["multipart", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--", { "content-type": "multipart/form-data; boundary=x" }, 415, "unsupported_media_type", "invalid_body"],
    ["300 KiB", JSON.stringify({ pad: "x".repeat(300 * 1024) }), {}, 413, "payload_too_large", "too_large"],
    ["10 MB", JSON.stringify({ pad: "x".repeat(10 * 1024 * 1024) }), {}, 413, "payload_too_large", "too_large"],
  ];
  for (const [name, body, headers, status, code, outcome] of badBodies) {
    test(`bad body: ${name} → ${status} ${code}, logged as ${outcome}`, async () => {
      const hook = await leadHook();
      const response = await fetch(hookUrl(server, hook), { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
      expect(response.status).toBe(status);
      const json = await response.json();
      expect(json.error.code).toBe(code);
      expect(json.error.message.length).toBeGreaterThan(10);
      const log = await lastLog(hook.id);
      expect(log.outcome).toBe(outcome);
    });
  }

  test("a form-encoded body is read as an object", async () => {
    const hook = await leadHook();
    const response = await fetch(hookUrl(server, hook), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "phone=%2B14155550111&first=Eve",
    });
    // The form is flat: point the paths at its keys.
    expect(response.status).toBe(422);
    const flat = await leadHook({ identify: { phone: "phone" }, mappings: [{ path: "first", field: "first_name" }] });
    const ok = await fetch(hookUrl(server, flat), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "phone=%2B14155550111&first=Eve" });
    const body = await ok.json();
    expect(body.created).toBe(true);
    expect((await contact(body.user_ns)).first_name).toBe("Eve");
  });

  test("__proto__ and constructor keys pollute nothing", async () => {
    const hook = await leadHook({ mappings: [{ path: "__proto__.polluted", field: "note" }, { path: 'constructor["prototype"]', field: "first_name" }] });
    const response = await post(hookUrl(server, hook), '{"contact":{"phone":"+14155550112"},"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}');
    expect(response.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    const stored = await contact((await response.json()).user_ns);
    expect(stored.fields.note).toBe("yes"); // an own key named __proto__ is data like any other
  });

  test("a bucket of 10 lets exactly 10 through; the 11th gets 429 with Retry-After", async () => {
    const hook = await leadHook({ rate_limit: { capacity: 10, refill_seconds: 86_400 } });
    const responses = await Promise.all(Array.from({ length: 25 }, (_, i) => post(hookUrl(server, hook), { contact: { phone: `+1415555${String(2000 + i)}` } })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const limited = responses.find((r) => r.status === 429)!;
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()).error.code).toBe("rate_limited");
    const logs = await (await server.api("GET", `/api/v1/inbound-webhooks/${hook.id}/logs?outcome=rate_limited&limit=200`)).json();
    expect(logs.data).toHaveLength(15);
  });
});

describe("signatures and idempotency", () => {
  // Computed here from the Standard Webhooks definition, independently of the server's code.
  const secret = `whsec_${Buffer.from("a test secret of 32 bytes length").toString("base64")}`;
  const signed = (id: string, timestamp: number, body: string) =>
    `v1,${createHmac("sha256", Buffer.from("a test secret of 32 bytes length")).update(`${id}.${timestamp}.${body}`).digest("base64")}`;

  test("a valid signature passes; wrong, missing or stale ones get 401 invalid_signature", async () => {
    const hook = await leadHook({ signing_secret: secret });
    expect(hook.signing_secret).toBe(`${secret.slice(0, 10)}…`); // write-only
    const body = JSON.stringify({ contact: { phone: "+14155550113" } });
    const now = Math.floor(Date.now() / 1000);
    const headers = (id: string, ts: number, signature: string) => ({ "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signature });

    const ok = await post(hookUrl(server, hook), body, headers("msg_1", now, `v1,bm9wZQ== ${signed("msg_1", now, body)}`));
    expect(ok.status).toBe(200);
    for (const [name, h] of [
      ["missing", {}],
      ["other id", headers("msg_3", now, signed("msg_x", now, body))],
      ["stale", headers("msg_4", now - 600, signed("msg_4", now - 600, body))],
      ["tampered body", headers("msg_2", now, signed("msg_2", now, `${body} `))],
    ] as [string, Record<string, string>][]) {
      const response = await post(hookUrl(server, hook), body, h);
      expect(response.status, name).toBe(401);
      expect((await response.json()).error.code).toBe("invalid_signature");
    }
    // The last request (tampered) sent a signature: the log keeps its id, not the signature.
    const log = await lastLog(hook.id);
    expect(log.outcome).toBe("invalid_signature");
    expect(log.headers["webhook-id"]).toBe("msg_2");
    expect(log.headers["webhook-signature"]).toBe("[redacted]");
  });

  test("a repeated Idempotency-Key returns the first answer and runs nothing twice", async () => {
    const hook = await leadHook({ actions: [{ type: "send_text", text: "Thanks!" }] });
    const body = { contact: { phone: "+14155550114" } };
    const first = await post(hookUrl(server, hook), body, { "idempotency-key": "order-77" });
    const second = await post(hookUrl(server, hook), body, { "idempotency-key": "order-77" });
    const firstBody = await first.json();
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(firstBody);
    expect(firstBody.created).toBe(true);
    expect(count(server, "SELECT count(*) AS n FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE c.user_ns = ?", firstBody.user_ns)).toBe(1);
    expect((await lastLog(hook.id)).outcome).toBe("duplicate");
  });

  test("idempotency by a path in the body", async () => {
    const hook = await leadHook({ idempotency_path: "order.id", actions: [{ type: "add_tag", tag: "x" }] });
    const a = await (await post(hookUrl(server, hook), { order: { id: 5 }, contact: { phone: "+14155550115" } })).json();
    const b = await (await post(hookUrl(server, hook), { order: { id: 5 }, contact: { phone: "+14155550116" } })).json();
    expect(b).toEqual(a);
    expect(count(server, "SELECT count(*) AS n FROM contacts WHERE phone = '+14155550116'")).toBe(0);
  });
});

describe("logs", () => {
  test("newest first, filtered by outcome, paged, with secrets redacted; replay makes a new row", async () => {
    const hook = await leadHook();
    const url = hookUrl(server, hook);
    await post(url, { contact: { phone: "555" } }, { authorization: "Bearer very-secret", "x-api-key": "k", cookie: "s=1", "x-trace": "visible" });
    for (let i = 0; i < 4; i++) await post(url, { contact: { phone: `+1415555030${i}` } });
    const all = await (await server.api("GET", `/api/v1/inbound-webhooks/${hook.id}/logs?limit=3`)).json();
    expect(all.data).toHaveLength(3);
    expect(all.data[0].id).toBeGreaterThan(all.data[1].id);
    const rest = await (await server.api("GET", `/api/v1/inbound-webhooks/${hook.id}/logs?limit=3&cursor=${all.next_cursor}`)).json();
    expect(rest.data).toHaveLength(2);
    expect(rest.next_cursor).toBeNull();

    const failed = await (await server.api("GET", `/api/v1/inbound-webhooks/${hook.id}/logs?outcome=user_not_identified`)).json();
    expect(failed.data).toHaveLength(1);
    const detail = await (await server.api("GET", `/api/v1/inbound-webhooks/${hook.id}/logs/${failed.data[0].id}`)).json();
    expect(detail.headers).toMatchObject({ authorization: "[redacted]", "x-api-key": "[redacted]", cookie: "[redacted]", "x-trace": "visible" });
    expect(JSON.stringify(detail)).not.toContain("very-secret");
    expect(JSON.parse(detail.body)).toEqual({ contact: { phone: "555" } });
    expect(detail.source_ip).toBe("127.0.0.1");

    // Fix the settings, then replay the failed request.
    await server.api("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, { identify: { phone: "fixed" } });
    const replay = await (await server.api("POST", `/api/v1/inbound-webhooks/${hook.id}/logs/${failed.data[0].id}/replay`)).json();
    expect(replay.status).toBe(422);
    const replayed = await (await server.api("GET", `/api/v1/inbound-webhooks/${hook.id}/logs/${replay.log_id}`)).json();
    expect(replayed.replay_of).toBe(failed.data[0].id);

    expect((await server.api("GET", `/api/v1/inbound-webhooks/${hook.id}/logs?outcome=bogus`)).status).toBe(422);
    expect((await server.api("GET", `/api/v1/inbound-webhooks/${hook.id}/logs/99999999`)).status).toBe(404);
  });
});
