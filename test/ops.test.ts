// Day-two operations: a backup taken under load, restored and started; a data dir used by a
// running server refuses a second server and a restore.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { runCli, spawnServer } from "./helpers/process";
import { tempDir } from "./helpers/server";

const dir = tempDir("sb-ops-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("backup under load, restore into a fresh data dir, and it serves the same data", async () => {
  const data = join(dir, "data");
  const token = (await runCli(["token", "create", "ops", "--data", data])).stdout.trim().split("\n").at(-1)!;
  const server = await spawnServer(["--data", data]);
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  let loadRunning = true;
  let answered = 0;
  try {
    const bot = await (await call("POST", "/api/v1/bots", { name: "Ops", channel: "sms", default_country: "US" })).json();
    const hook = await (await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "w" })).json();
    await call("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, { active: true, identify: { phone: "p" } });
    const url = `${server.url}${new URL(hook.url).pathname}`;
    const load = (async () => {
      for (let n = 0; loadRunning; n++) {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ p: `+1415555${String(3000 + (n % 900))}` }) });
        if (response.status === 200) answered++;
      }
    })();
    while (answered < 50) await Bun.sleep(10);
    const answeredBefore = answered;
    const file = join(dir, "backup.db");
    const backup = await runCli(["backup", file, "--data", data]);
    expect(backup.code).toBe(0);
    loadRunning = false;
    await load;

    const copy = new Database(file, { readonly: true });
    expect(copy.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    const logged = (copy.query("SELECT count(*) AS n FROM webhook_logs WHERE outcome = 'processed'").get() as { n: number }).n;
    // The audit log is in the backup: who made the bot and the webhook is kept with them.
    const audited = copy.query("SELECT actor, entity, action, entity_id FROM audit_log WHERE method = 'POST' ORDER BY id").all();
    copy.close();
    expect(audited).toEqual([{ actor: "ops", entity: "bot", action: "create", entity_id: bot.flow_ns }, { actor: "ops", entity: "webhook", action: "create", entity_id: String(hook.id) }]);
    expect(logged).toBeGreaterThanOrEqual(answeredBefore);

    expect((await runCli(["backup", file, "--data", data])).code).toBe(2); // never overwrites
    const busy = await runCli(["restore", file, "--data", data]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain("stop the server first");
    const second = await runCli(["serve", "--data", data, "--port", "0"]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain("in use");

    const fresh = join(dir, "restored");
    const restored = await runCli(["restore", file, "--data", fresh]);
    expect(restored.code).toBe(0);
    const again = await spawnServer(["--data", fresh]);
    try {
      const bots = await (await fetch(`${again.url}/api/v1/bots`, { headers: { authorization: `Bearer ${token}` } })).json();
      expect(bots.data.map((b: { flow_ns: string }) => b.flow_ns)).toEqual([bot.flow_ns]);
    } finally {
      again.child.kill("SIGTERM");
      await again.child.exited;
    }
    expect(existsSync(join(fresh, "switchboard.lock"))).toBe(false);

    // Restoring over a data dir that has a database keeps that file beside the restored one.
    server.child.kill("SIGTERM");
    await server.child.exited;
    const before = readFileSync(join(data, "switchboard.db"));
    const overwritten = await runCli(["restore", file, "--data", data]);
    expect(overwritten.code).toBe(0);
    const kept = readdirSync(data).filter((name) => name.startsWith("switchboard.db.before-restore-") && !/-(wal|shm)$/.test(name));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(data, kept[0]!)).equals(before)).toBe(true);
  } finally {
    loadRunning = false;
    server.child.kill("SIGTERM");
    await server.child.exited;
  }
}, 60_000);

test("restoring something that is not a backup is refused and changes nothing", async () => {
  const data = join(dir, "refuse");
  await runCli(["token", "create", "x", "--data", data]);
  const junk = join(dir, "junk.db");
  writeFileSync(junk, "not a database at all");
  const result = await runCli(["restore", junk, "--data", data]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("not a");
  const db = new Database(join(data, "switchboard.db"), { readonly: true });
  expect((db.query("SELECT count(*) AS n FROM api_tokens").get() as { n: number }).n).toBe(1);
  db.close();
});
