// What survives a restart (bucket state, logs) and what retention removes.
import { allowWrites, refuseLogRowsContaining, refuseWrites } from "../helpers/engine";
import { describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { startTestServer, tempDir } from "../helpers/server";
import { count, createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { createRetention } from "../../src/modules/inbound/retention";

describe("unknown tokens", () => {
  test("an address guessing tokens is slowed down with 429", async () => {
    const server = await startTestServer();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 35; i++) statuses.push((await post(`${server.url}/hooks/guess${i}`, {})).status);
      expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
      expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe("durability", () => {
  test("when the database refuses writes: 503 storage_unavailable, nothing half-stored, and back by itself", async () => {
    const server = await startTestServer();
    try {
      const bot = await createBot(server);
      const hook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "p" } });
      expect((await post(hookUrl(server, hook), { p: "+14155550600" })).status).toBe(200);
      // The same connection the server writes with now refuses every write (as a full or
      // read-only disk would make it).
      refuseWrites(server.db);
      const refused = await post(hookUrl(server, hook), { p: "+14155550601" });
      expect(refused.status).toBe(503);
      expect((await refused.json()).error.code).toBe("storage_unavailable");
      expect(refused.headers.get("x-content-type-options")).toBe("nosniff");
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
      allowWrites(server.db);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await post(hookUrl(server, hook), { p: "+14155550602" })).status).toBe(200);
      const phones = server.db.query<{ phone: string }, []>("SELECT phone FROM contacts ORDER BY id").all().map((row) => row.phone);
      expect(phones).toEqual(["+14155550600", "+14155550602"]);
      expect(count(server, "SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ?", hook.id)).toBe(2);
    } finally {
      await server.close();
    }
  });

  test("a request whose writes roll back gives its token back to the bucket", async () => {
    const server = await startTestServer();
    try {
      const bot = await createBot(server);
      const hook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "p" }, rate_limit: { capacity: 2, refill_seconds: 86_400 } });
      // The log row of a request that says "explode" cannot be written: the request's writes roll back.
      refuseLogRowsContaining(server.db, "explode");
      for (let i = 0; i < 3; i++) expect((await post(hookUrl(server, hook), { p: `+1415555041${i}`, note: "explode" })).status).toBe(500);
      expect(count(server, "SELECT count(*) AS n FROM contacts")).toBe(0);
      // None of those took a token: both are still there.
      expect((await post(hookUrl(server, hook), { p: "+14155550420" })).status).toBe(200);
      expect((await post(hookUrl(server, hook), { p: "+14155550421" })).status).toBe(200);
      expect((await post(hookUrl(server, hook), { p: "+14155550422" })).status).toBe(429);
    } finally {
      await server.close();
    }
  });

  test("a restart neither refills the bucket nor loses logs", async () => {
    const dataDir = tempDir("sb-restart-");
    const first = await startTestServer({ dataDir });
    const bot = await createBot(first);
    const hook = await createWebhook(first, bot.flow_ns, { active: true, identify: { phone: "p" }, rate_limit: { capacity: 3, refill_seconds: 86_400 } });
    const token = first.token;
    for (let i = 0; i < 3; i++) expect((await post(hookUrl(first, hook), { p: `+1415555040${i}` })).status).toBe(200);
    await first.stop();

    const second = await startTestServer({ dataDir });
    try {
      const limited = await post(hookUrl(second, hook), { p: "+14155550409" });
      expect(limited.status).toBe(429);
      const logs = await (await fetch(`${second.url}/api/v1/inbound-webhooks/${hook.id}/logs`, { headers: { authorization: `Bearer ${token}` } })).json();
      expect(logs.data.map((l: { outcome: string }) => l.outcome)).toEqual(["rate_limited", "processed", "processed", "processed"]);
    } finally {
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("retention prunes logs older than the setting and expired idempotency keys, in batches", async () => {
    const server = await startTestServer();
    try {
      const bot = await createBot(server);
      const hook = await createWebhook(server, bot.flow_ns, { active: true, identify: { phone: "p" } });
      const now = Date.now();
      const insert = server.db.query(
        "INSERT INTO webhook_logs (webhook_id, received_at, headers, body, outcome, status, response, duration_ms) VALUES (?, ?, '{}', '{}', 'processed', 200, '{}', 1)",
      );
      // Older requests first, as they arrive: retention relies on ids following time.
      server.db.transaction(() => {
        for (let i = 0; i < 2500; i++) insert.run(hook.id, now - 41 * 86_400_000 + i);
        insert.run(hook.id, now - 10 * 86_400_000);
      })();
      await post(hookUrl(server, hook), { p: "+14155550500" }, { "idempotency-key": "k1" });
      server.db.run("UPDATE idempotency_keys SET created_at = ?", [now - 25 * 3600_000]);
      const retention = createRetention({ db: server.db, clock: { now: () => now }, settings: server.services.settings, deliveries: server.services.deliveries, hourly: server.services.hourly });
      const old = now - 40 * 86_400_000;
      server.db.run(
        `INSERT INTO deliveries (public_id, kind, target_url, state, next_attempt_at, created_at, updated_at) VALUES
         ('msg_old_done', 'http_request', 'http://x', 'succeeded', ?, ?, ?), ('msg_old_failed', 'http_request', 'http://x', 'failed', ?, ?, ?),
         ('msg_old_pending', 'http_request', 'http://x', 'pending', ?, ?, ?)`,
        [old, old, old, old, old, old, now + 3600_000, old, old],
      );
      expect(await retention.prune()).toEqual({ logs: 2500, keys: 1, deliveries: 2, audit: 0 });
      expect(server.db.query("SELECT public_id FROM deliveries WHERE public_id LIKE 'msg_old%'").all()).toEqual([{ public_id: "msg_old_pending" }]);
      expect(count(server, "SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ?", hook.id)).toBe(2);
      await server.api("PATCH", "/api/v1/settings", { log_retention_days: 5 });
      expect((await retention.prune()).logs).toBe(1);
    } finally {
      await server.close();
    }
  });
});
