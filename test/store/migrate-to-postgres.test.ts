// `switchboard migrate-to-postgres`: an installation used on SQLite is copied into PostgreSQL,
// every count checked; the same token, webhook URL and queue work there; the SQLite file is
// left as it was; a database already holding an installation is refused.
import { afterAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { DATABASE_FILE } from "../../src/db/index";
import { COPIED_TABLES } from "../../src/db/migrate-to-postgres";
import { freshPostgresDatabase } from "../helpers/postgres";
import { startTestServer, tempDir } from "../helpers/server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { standIn } from "../helpers/worker";

const main = join(import.meta.dir, "..", "..", "src", "main.ts");
const database = freshPostgresDatabase();
const dataDir = tempDir("sb-migrate-pg-");
const down = standIn(() => new Response("down", { status: 503 }));
afterAll(() => {
  database.drop();
  down.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => Bun.spawnSync([process.execPath, main, ...args], { stdout: "pipe", stderr: "pipe" });
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

test("an installation on SQLite is copied to PostgreSQL whole, and works there as it did", async () => {
  // Used on SQLite: a bot with fields, contacts with tags and values, a webhook with logs, a
  // delivery still waiting for a target that is down, a setting changed.
  const before = await startTestServer({ dataDir, databaseUrl: null });
  const bot = await createBot(before);
  await expect((await before.api("POST", `/api/v1/bots/${bot.flow_ns}/fields`, { name: "plan", type: "text" })).status).toBe(201);
  const hook = await createWebhook(before, bot.flow_ns, {
    active: true,
    identify: { phone: "p" },
    mappings: [{ path: "plan", field: "plan" }],
    actions: [{ type: "add_tag", tag: "lead" }, { type: "http_request", url: `${down.url}/crm`, method: "POST", body: { p: "{{payload.p}}" } }],
  });
  for (let i = 0; i < 5; i++) expect((await post(hookUrl(before, hook), { p: `+1415555500${i}`, plan: `gold-${i}` })).status).toBe(200);
  expect((await before.api("PATCH", "/api/v1/settings", { log_retention_days: 12 })).status).toBe(200);
  const contactsBefore = await (await before.api("GET", `/api/v1/bots/${bot.flow_ns}/contacts`)).json();
  const token = before.token;
  await before.stop();
  const fileBefore = sha(join(dataDir, DATABASE_FILE));

  const run = cli("migrate-to-postgres", "--to", database.url, "--data", dataDir);
  const out = run.stdout.toString();
  expect(run.stderr.toString()).toBe("");
  expect(run.exitCode).toBe(0);
  for (const table of COPIED_TABLES) expect(out).toMatch(new RegExp(`^${table}: (\\d+) of \\1 rows$`, "m"));
  expect(out).toContain("webhook_logs: 5 of 5 rows");
  expect(out).toContain("every count matches");
  expect(sha(join(dataDir, DATABASE_FILE))).toBe(fileBefore);

  // On PostgreSQL, from another data directory: the same token, contacts, webhook URL, settings.
  const after = await startTestServer({ databaseUrl: database.url });
  try {
    const authed = (path: string) => fetch(`${after.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await (await authed(`/api/v1/bots/${bot.flow_ns}/contacts`)).json()).toEqual(contactsBefore);
    expect(contactsBefore.data[0].tags).toEqual(["lead"]);
    expect((await (await authed("/api/v1/settings")).json()).log_retention_days).toBe(12);
    expect((await post(hookUrl(after, hook), { p: "+14155555009", plan: "new" })).status).toBe(200);
    const logs = await (await authed(`/api/v1/inbound-webhooks/${hook.id}/logs`)).json();
    expect(logs.data).toHaveLength(6);
    // New rows are numbered after the copied ones.
    const newBot = await (await after.api("POST", "/api/v1/bots", { name: "After", channel: "sms" })).json();
    expect(newBot.flow_ns).not.toBe(bot.flow_ns);
    const ids = after.db.query<{ id: number }, []>("SELECT id FROM bots ORDER BY id").all().map((row) => row.id);
    expect(ids).toEqual([ids[0]!, ids[0]! + 1]);
    // The queue came along: the waiting deliveries are there, still pending for the down target.
    const pending = after.db.query<{ n: number }, []>("SELECT count(*) AS n FROM deliveries WHERE state = 'pending'").get()!.n;
    expect(pending).toBeGreaterThanOrEqual(5);
  } finally {
    await after.close();
  }
});

test("a database that already holds an installation is refused, and nothing is changed", () => {
  const again = cli("migrate-to-postgres", "--to", database.url, "--data", dataDir);
  expect(again.exitCode).toBe(2);
  expect(again.stderr.toString()).toContain("already holds an installation");
});

test("without --to, or with a URL that is not postgres://, the usage is printed", () => {
  const missing = cli("migrate-to-postgres", "--data", dataDir);
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr.toString()).toContain("usage: switchboard migrate-to-postgres --to postgres://");
});
