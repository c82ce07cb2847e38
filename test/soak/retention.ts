// `make soak`, part 5: retention under load. A data dir holds OLD_ROWS log rows older than the
// retention window; the server starts (retention prunes at start, in batches) while webhook
// requests of the same size keep arriving. Requests must not stall behind the prune, the old
// rows must go, and the file must not grow: new rows reuse the pages the old ones freed.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { cliLastLine, startBinary } from "../helpers/binary";
import { reportRow } from "./summary";

const OLD_ROWS = Number(process.env.SOAK_OLD_ROWS ?? 100_000);
const NEW_REQUESTS = Number(process.env.SOAK_NEW_REQUESTS ?? 20_000);
const work = mkdtempSync(join(tmpdir(), "sb-retention-"));
const data = join(work, "data");
const file = join(data, "switchboard.db");
const failures: string[] = [];
const size = () => statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const pad = "x".repeat(900); // each request's body is about 1 KB, like each old row's

try {
  const token = cliLastLine(["token", "create", "retention", "--data", data]);
  let server = await startBinary(["--data", data]);
  const call = async (method: string, path: string, body?: unknown) =>
    (await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined })).json();
  const bot = await call("POST", "/api/v1/bots", { name: "Retention", channel: "sms", default_country: "US" });
  const hook = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "r" });
  await call("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, { active: true, identify: { phone: "phone" }, rate_limit: { capacity: 1_000_000, refill_seconds: 1 } });
  server.proc.kill("SIGTERM");
  await server.proc.exited;

  // A month and more of history, written straight into the file while the server is down.
  const db = new Database(file);
  const old = Date.now() - 40 * 86_400_000;
  db.run(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO webhook_logs (webhook_id, received_at, source_ip, headers, body, outcome, status, fields_written, notes, response, duration_ms)
     SELECT ?, ? + i, '127.0.0.1', '{}', ?, 'processed', 200, '{}', '[]', '{"ok":true}', 1 FROM n`,
    [OLD_ROWS - 1, hook.id, old, JSON.stringify({ phone: "+14155550000", pad })],
  );
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  const before = size();

  server = await startBinary(["--data", data]);
  const url = `${server.url}${new URL(hook.url).pathname}`;
  const latencies: number[] = [];
  let ok = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < NEW_REQUESTS) {
        const i = next++;
        const t0 = performance.now();
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone: `+1415555${String(1000 + (i % 9000)).padStart(4, "0")}`, pad }) });
        latencies.push(performance.now() - t0);
        if (response.status === 200) ok++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Bun.sleep(1000);
  server.proc.kill("SIGTERM");
  await server.proc.exited;

  const check = new Database(file, { readonly: true });
  const remainingOld = check.query<{ n: number }, [number]>("SELECT count(*) AS n FROM webhook_logs WHERE received_at < ?").get(Date.now() - 30 * 86_400_000)!.n;
  const stored = check.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_logs").get()!.n;
  check.close();
  const after = size();
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
  const worst = latencies.at(-1)!;
  console.log(`retention: ${OLD_ROWS.toLocaleString("en")} expired rows pruned while ${ok.toLocaleString("en")}/${NEW_REQUESTS.toLocaleString("en")} requests were answered 200 in ${seconds.toFixed(1)} s (p99 ${p99.toFixed(1)} ms, worst ${worst.toFixed(0)} ms); expired rows left: ${remainingOld}; rows now: ${stored.toLocaleString("en")}`);
  console.log(`retention: file ${mb(before)} before, ${mb(after)} after`);
  reportRow(`retention pruning ${OLD_ROWS.toLocaleString("en")} old rows under load`, NEW_REQUESTS, ok, stored, NEW_REQUESTS - stored);
  if (remainingOld !== 0) failures.push(`${remainingOld} expired log rows were not pruned`);
  if (ok !== NEW_REQUESTS || stored !== ok) failures.push(`${ok} answered 200, ${stored} rows stored, ${NEW_REQUESTS} sent`);
  if (after > before * 1.1) failures.push(`the file grew from ${mb(before)} to ${mb(after)} although as many rows went as came`);
  if (worst > 1000) failures.push(`a request waited ${worst.toFixed(0)} ms behind the prune`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`soak: retention FAILED:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
console.log("soak: retention passed");
