// Two instances on one PostgreSQL, as behind a load balancer: each server here has its own data
// directory and port, both on one database. What one stores or changes, the other serves; limits
// are shared; deliveries are claimed once and in order per contact; migrations apply once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { PostgresDatabase } from "../../src/db/postgres/database";
import { migrations } from "../../src/db/migrations";
import { freshPostgresDatabase } from "../helpers/postgres";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { standIn } from "../helpers/worker";

const database = freshPostgresDatabase();
let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  a = await startTestServer({ databaseUrl: database.url, adminPassword: "instances admin password" });
  b = await startTestServer({ databaseUrl: database.url, adminPassword: "instances admin password" });
});
afterAll(async () => {
  await a.close();
  await b.close();
  database.drop();
});

/** Polls until `check` holds (a notification between instances takes a few milliseconds). */
async function eventually(check: () => Promise<boolean> | boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("did not happen in time");
    await Bun.sleep(10);
  }
}

describe("two instances on one PostgreSQL", () => {
  test("a webhook made on one is served by the other, and a change on one is honoured by the other", async () => {
    const bot = await createBot(a);
    const hook = await createWebhook(a, bot.flow_ns, { active: true, identify: { phone: "p" } });
    // B never saw this webhook: its token is looked up, not refused from B's memory.
    const viaB = await post(hookUrl(b, hook), { p: "+14155550100" });
    expect(viaB.status).toBe(200);
    // Deactivated through A: B hears of it and refuses with the documented 409.
    expect((await a.api("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, { active: false })).status).toBe(200);
    await eventually(async () => (await post(hookUrl(b, hook), { p: "+14155550101" })).status === 409);
    const body = await (await post(hookUrl(b, hook), { p: "+14155550102" })).json();
    expect(body.error.code).toBe("webhook_inactive");
  });

  test("a bot changed on one is honoured by the other (each keeps bots in memory)", async () => {
    const bot = await createBot(a, { name: "No country", channel: "sms" });
    const hook = await createWebhook(a, bot.flow_ns, { active: true, identify: { phone: "p" } });
    // B reads the bot (and keeps it) on its first request: a national number names no one yet.
    expect((await post(hookUrl(b, hook), { p: "(415) 555-0150" })).status).toBe(422);
    expect((await a.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { default_country: "US" })).status).toBe(200);
    await eventually(async () => (await post(hookUrl(b, hook), { p: "(415) 555-0151" })).status === 200);
  });

  test("a webhook's bucket is shared: exactly its capacity is accepted across both", async () => {
    const bot = await createBot(a);
    const hook = await createWebhook(a, bot.flow_ns, { active: true, identify: { phone: "p" }, rate_limit: { capacity: 10, refill_seconds: 86_400 } });
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => post(hookUrl(i % 2 ? b : a, hook), { p: `+1415555${String(2000 + i).padStart(4, "0")}` }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  test("unknown-token guesses from one address are counted across both instances", async () => {
    const guesses: number[] = [];
    for (let i = 0; i < 40; i++) guesses.push((await post(`${(i % 2 ? b : a).url}/hooks/not-a-token-${i}`, {}, { "x-forwarded-for": "203.0.113.9" })).status);
    // 30 guesses a minute per address (the scan guard's allowance), whichever instance they reach.
    expect(guesses.filter((s) => s === 404)).toHaveLength(30);
    expect(guesses.filter((s) => s === 429)).toHaveLength(10);
  });

  test("deliveries queued through both arrive once each and in order per contact, with both workers claiming", async () => {
    const arrived: { contact: string; n: number }[] = [];
    const target = standIn(async (_request, body) => {
      await Bun.sleep(Math.random() * 5);
      const { contact, n } = JSON.parse(body) as { contact: string; n: string };
      arrived.push({ contact, n: Number(n) });
      return new Response("ok");
    });
    try {
      const bot = await createBot(a);
      const hook = await createWebhook(a, bot.flow_ns, {
        active: true,
        identify: { phone: "p" },
        actions: [{ type: "http_request", url: `${target.url}/crm`, method: "POST", body: { contact: "{{payload.p}}", n: "{{payload.n}}" } }],
      });
      const contacts = ["+14155553001", "+14155553002", "+14155553003", "+14155553004"];
      for (let n = 0; n < 15; n++) {
        // Each contact's requests in order, alternating instances; contacts in parallel.
        const answers = await Promise.all(contacts.map((p, i) => post(hookUrl((n + i) % 2 ? b : a, hook), { p, n })));
        expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      }
      await eventually(() => arrived.length >= 60, 20_000);
      await Bun.sleep(200); // nothing more comes: each arrived once
      expect(arrived).toHaveLength(60);
      for (const contact of contacts) expect(arrived.filter((x) => x.contact === contact).map((x) => x.n)).toEqual(Array.from({ length: 15 }, (_, n) => n));
      // One try each: no delivery was claimed by both workers.
      const attempts = a.db.query<{ n: number }, []>("SELECT count(*) AS n FROM delivery_attempts").get()!.n;
      expect(attempts).toBe(60);
    } finally {
      target.stop();
    }
  });

  test("listening started on one captures a request that reaches the other, and the first shows it", async () => {
    const bot = await createBot(a);
    const hook = await createWebhook(a, bot.flow_ns, { active: true, identify: { phone: "p" } });
    expect((await a.api("GET", `/api/v1/inbound-webhooks/${hook.id}/listen`)).status).toBe(200); // A has read (and keeps) the webhook
    expect((await a.api("POST", `/api/v1/inbound-webhooks/${hook.id}/listen`)).status).toBe(200);
    await eventually(async () => (await post(hookUrl(b, hook), { p: "+14155554101", captured: "through b" })).status === 200);
    await eventually(async () => (await (await a.api("GET", `/api/v1/inbound-webhooks/${hook.id}/listen`)).json()).captured === true);
    const seen = await (await a.api("GET", `/api/v1/inbound-webhooks/${hook.id}/listen`)).json();
    expect(seen).toMatchObject({ listening: false, captured: true, example: { p: "+14155554101", captured: "through b" } });
  });

  // Requests to one webhook take its bucket's row lock first, so the second instance decides a
  // key only after the first has committed it.
  test("the same Idempotency-Key sent to both at once runs once; the others answer with the first answer", async () => {
    const bot = await createBot(a);
    const hook = await createWebhook(a, bot.flow_ns, { active: true, identify: { phone: "p" }, actions: [{ type: "add_tag", tag: "once" }] });
    for (let round = 0; round < 5; round++) {
      const key = `order-${round}`;
      const answers = await Promise.all([a, b, a, b].map((server) => post(hookUrl(server, hook), { p: `+141555550${round}0` }, { "idempotency-key": key })));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(answers.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(3);
    }
    const processed = a.db.query<{ n: number }, [number]>("SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ? AND outcome = 'processed'").get(hook.id)!.n;
    expect(processed).toBe(5);
  });

  test("failed admin logins from one address are counted across both instances", async () => {
    const login = (server: TestServer, password: string) =>
      fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ password }), redirect: "manual" }).then((r) => r.status);
    let checked = 0;
    for (let i = 0; i < 16; i++) if ((await login(i % 2 ? b : a, `guess ${i}`)) === 401) checked++;
    // Ten checked guesses per address in all (one instance alone would allow ten of its own).
    expect(checked).toBe(10);
    expect(await login(a, `one more`)).toBe(429);
    expect(await login(b, `one more`)).toBe(429);
  });

  test("a live topic published on one reaches the other's open streams", async () => {
    const stream = b.services.live.stream(["dashboard"]);
    const reader = stream.body!.getReader();
    let text = "";
    const bot = await createBot(a);
    const hook = await createWebhook(a, bot.flow_ns, { active: true, identify: { phone: "p" } });
    expect((await post(hookUrl(a, hook), { p: "+14155554001" })).status).toBe(200);
    const deadline = Date.now() + 3000;
    while (!text.includes("event: dashboard") && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(100).then(() => null)]);
      if (chunk?.value) text += new TextDecoder().decode(chunk.value);
    }
    await reader.cancel();
    expect(text).toContain("event: dashboard");
  });
});

test("instances starting together on a new database apply each migration once", async () => {
  const fresh = freshPostgresDatabase();
  try {
    const main = join(import.meta.dir, "..", "..", "src", "main.ts");
    const starts = Array.from({ length: 3 }, (_, i) =>
      Bun.spawn([process.execPath, main, "token", "create", `t${i}`, "--data", `/tmp/sb-migrate-${process.pid}-${i}`, "--database", fresh.url], { stdout: "pipe", stderr: "pipe" }),
    );
    expect(await Promise.all(starts.map((p) => p.exited))).toEqual([0, 0, 0]);
    const db = new PostgresDatabase(fresh.url);
    try {
      const rows = db.query<{ version: number; n: number }>("SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version").all();
      expect(rows.map((r) => r.n)).toEqual(rows.map(() => 1));
      expect(rows.at(-1)!.version).toBe(Math.max(...migrations.map((m) => m.version)));
      expect(db.query<{ n: number }>("SELECT count(*) AS n FROM api_tokens").get()!.n).toBe(3);
    } finally {
      db.close();
    }
  } finally {
    fresh.drop();
  }
});

test("/healthz says which engine, and 503 storage_unavailable while PostgreSQL cannot be reached, 200 once it can", async () => {
  const own = freshPostgresDatabase();
  const server = await startTestServer({ databaseUrl: own.url });
  const admin = new PostgresDatabase(own.url);
  try {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok", database: "postgres" });
    // Every session to this database is cut (as a failover or a restart of PostgreSQL would),
    // and new ones are refused while the database does not allow connections.
    admin.run("UPDATE pg_database SET datallowconn = false WHERE datname = current_database()");
    admin.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    const down = await fetch(`${server.url}/healthz`);
    expect(down.status).toBe(503);
    expect((await down.json()).error.code).toBe("storage_unavailable");
    admin.run("UPDATE pg_database SET datallowconn = true WHERE datname = current_database()");
    await eventually(async () => (await fetch(`${server.url}/healthz`)).status === 200);
  } finally {
    admin.close();
    await server.close();
    own.drop();
  }
});
