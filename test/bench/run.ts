// `make bench`: every figure next to the same run's baseline, on 127.0.0.1 only, bounded in
// time. Writes test/bench/results/latest.txt. See the README's performance section.
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { BINARY, cliLastLine, startBinary } from "../helpers/binary";
import { api, setUpIngest } from "./setup";
import { stageLines, stageSnapshot } from "./stages";
import { benchPostgres } from "./postgres";

const DURATION = process.env.BENCH_SECONDS ?? "8";
const CONNECTIONS = 32;
const PASSWORD = "bench admin password";
const lines: string[] = [];
const say = (line = "") => {
  console.log(line);
  lines.push(line);
};

interface WrkResult { rps: number; p50: number; p99: number; requests: number; non2xx: number }

function ms(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!match) return Number.NaN;
  const n = Number(match[1]);
  return match[2] === "us" ? n / 1000 : match[2] === "ms" ? n : match[2] === "s" ? n * 1000 : n * 60_000;
}

async function wrk(url: string, script: string, connections = CONNECTIONS, duration = DURATION, leads = "cycle"): Promise<WrkResult> {
  const proc = Bun.spawn(["wrk", "-t2", `-c${connections}`, `-d${duration}s`, "--latency", "-s", join(import.meta.dir, script), url], { stdout: "pipe", stderr: "pipe", env: { ...process.env, LEADS: leads } });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p50 = ms(/\s50%\s+(\S+)/.exec(out)?.[1] ?? "");
  const p99 = ms(/\s99%\s+(\S+)/.exec(out)?.[1] ?? "");
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50, p99, requests, non2xx };
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** Started, and timed from spawn to the first /healthz 200 (cold start). */
async function startServer(dataDir: string) {
  const started = performance.now();
  const { proc, url } = await startBinary(["--data", dataDir], { SWITCHBOARD_ADMIN_PASSWORD: PASSWORD });
  while ((await fetch(`${url}/healthz`).catch(() => null))?.status !== 200) await Bun.sleep(2);
  return { proc, url, startMs: performance.now() - started };
}

async function stop(proc: ReturnType<typeof Bun.spawn>) {
  proc.kill("SIGTERM");
  await proc.exited;
}

const tokenFor = async (dataDir: string) => cliLastLine(["token", "create", "bench", "--data", dataDir]);


const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");
function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measureBaseline(): Promise<WrkResult> {
  const baseline = Bun.spawn([process.execPath, join(import.meta.dir, "baseline.ts")], { stdout: "pipe", env: { ...process.env, PORT: "0" } });
  const port = /listening (\d+)/.exec(new TextDecoder().decode((await baseline.stdout.getReader().read()).value))![1];
  const result = await wrk(`http://127.0.0.1:${port}/`, "ingest.lua");
  baseline.kill();
  await baseline.exited;
  return result;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "sb-bench-"));
  say(`Switchboard benchmark, ${new Date().toISOString()}`);
  say(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; wrk -t2 -c${CONNECTIONS} -d${DURATION}s; server and load generator share the cores`);
  say(`binary: ${(statSync(BINARY).size / 2 ** 20).toFixed(1)} MiB`);
  say();
  try {
    // 1. Baseline: the best of two runs, so a noisy moment on a shared machine never lowers the
    // bar every other figure is measured against.
    const base = [await measureBaseline(), await measureBaseline()].sort((a, b) => b.rps - a.rps)[0]!;
    say(`1. baseline (bare Bun.serve parsing the same JSON, best of 2): ${fmt(base.rps, 0)} req/s, p50 ${fmt(base.p50, 2)} ms, p99 ${fmt(base.p99, 2)} ms`);

    // 6a. Footprint at start
    const dataDir = join(work, "data");
    const token = await tokenFor(dataDir);
    const server = await startServer(dataDir);
    await Bun.sleep(500);
    const idleRss = rssMb(server.proc.pid);
    const setup = await setUpIngest(server.url, token);

    // 2. Ingest, durable (every 200 after its flush), in three workloads; where the time goes.
    const workloads = [
      ["cycle", "phones cycling through 100k numbers"],
      ["new", "every lead a new contact, distinct number and email"],
      ["repeat", "95% repeats of 1,000 contacts"],
    ] as const;
    let ingest: WrkResult | null = null;
    let ok200 = 0;
    for (const [leads, what] of workloads) {
      const before = await stageSnapshot(server.url, server.proc.pid);
      const result = await wrk(setup.hookUrl, "ingest.lua", CONNECTIONS, DURATION, leads);
      const after = await stageSnapshot(server.url, server.proc.pid);
      ingest ??= result;
      ok200 += result.requests - result.non2xx;
      say(`2. ingest, ${what} (identify by phone, 3 mappings, add_tag): ${fmt(result.rps, 0)} req/s = ${pct(result.rps, base.rps)} of baseline (target >= 30%: ${verdict(result.rps >= 0.3 * base.rps)}), p50 ${fmt(result.p50, 2)} ms, p99 ${fmt(result.p99, 2)} ms (target <= 25 ms: ${verdict(result.p99 <= 25)})`);
      for (const line of stageLines(before, after)) say(line);
    }
    // 2b. Three conditions and a reply template against the same webhook without them, on leads
    // that already exist (both see the same mix), two runs each, interleaved. The cost is read
    // from the server's counters (process CPU per request, and the conditions and reply stages),
    // which this shared VM disturbs far less than throughput; throughput is printed beside it.
    const plain: { rps: number; cpuUs: number }[] = [];
    const conditioned: { rps: number; cpuUs: number; addedUs: number }[] = [];
    for (let i = 0; i < 2; i++) {
      for (const [url, into] of [[setup.hookUrl, plain], [setup.conditionedUrl, conditioned]] as const) {
        const before = await stageSnapshot(server.url, server.proc.pid);
        const run = await wrk(url, "ingest.lua", CONNECTIONS, DURATION, "repeat");
        const after = await stageSnapshot(server.url, server.proc.pid);
        if (run.non2xx > 0) throw new Error(`${url} answered ${run.non2xx} non-2xx`);
        const requests = after.processed - before.processed;
        const perRequest = (seconds: number) => (seconds / requests) * 1e6;
        const added = perRequest(after.stages.conditions! - before.stages.conditions! + after.stages.reply! - before.stages.reply!);
        (into as { rps: number; cpuUs: number; addedUs?: number }[]).push({ rps: run.rps, cpuUs: perRequest(after.cpuSeconds - before.cpuSeconds), addedUs: added });
      }
    }
    const plainCpu = Math.min(...plain.map((r) => r.cpuUs));
    const addedUs = Math.min(...conditioned.map((r) => r.addedUs));
    const bestPlain = Math.max(...plain.map((r) => r.rps));
    const bestConditioned = Math.max(...conditioned.map((r) => r.rps));
    say(`2b. three conditions (one a pattern) and a reply template: ${fmt(addedUs, 1)} µs per request in the conditions and reply stages = ${((addedUs / plainCpu) * 100).toFixed(1)}% of a request without them (${fmt(plainCpu, 0)} µs of process CPU) (target <= 10%: ${verdict(addedUs <= 0.1 * plainCpu)})`);
    say(`    throughput, best of 2: ${fmt(bestConditioned, 0)} req/s with them, ${fmt(bestPlain, 0)} without (${pct(bestConditioned, bestPlain)}); process CPU per request ${fmt(Math.min(...conditioned.map((r) => r.cpuUs)), 0)} µs with, ${fmt(plainCpu, 0)} µs without`);
    const db = new Database(join(dataDir, "switchboard.db"), { readonly: true });
    const processed = (db.query("SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ? AND outcome = 'processed'").get(setup.hook.id) as { n: number }).n;
    const contacts = (db.query("SELECT count(*) AS n FROM contacts").get() as { n: number }).n;
    db.close();
    say(`   durability: ${ok200} answers 200 counted by wrk, ${processed} processed log rows committed (${processed >= ok200 ? "every 200 is stored" : "MISSING ROWS"}), ${contacts} contacts`);
    const rssAfterIngest = rssMb(server.proc.pid);

    // 3. Rejections
    const unknown = await wrk(`${server.url}/hooks/unknown-token-for-benchmark`, "empty.lua");
    const limited = await wrk(setup.limitedUrl, "empty.lua");
    const inactive = await wrk(setup.inactiveUrl, "empty.lua");
    for (const [name, result] of [["unknown token", unknown], ["rate-limited", limited], ["inactive", inactive]] as const) {
      const target = name === "unknown token" ? 0.8 : 0.7;
      say(`3. rejection, ${name}: ${fmt(result.rps, 0)} req/s = ${pct(result.rps, base.rps)} of baseline (target >= ${target * 100}%: ${verdict(result.rps >= target * base.rps)}), p99 ${fmt(result.p99, 2)} ms`);
    }

    // 4. Relay
    const relay = await benchRelay(server.url, token);
    say(`4. relay: ${fmt(relay.throughput, 0)} deliveries/s end to end (target >= 3000: ${verdict(relay.throughput >= 3000)}); at ${relay.rate} msg/s: latency p50 ${fmt(relay.p50, 1)} ms (target <= 5: ${verdict(relay.p50 <= 5)}), p99 ${fmt(relay.p99, 1)} ms (target <= 50: ${verdict(relay.p99 <= 50)})`);
    await stop(server.proc);

    // 6b. Cold start
    // Seven starts, the median: one start on this shared VM moves by 30 ms either way.
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) {
      const again = await startServer(dataDir);
      starts.push(again.startMs);
      await stop(again.proc);
    }
    say(`6. footprint: cold start to /healthz 200 ${fmt(median(starts), 0)} ms (target <= 100: ${verdict(median(starts) <= 100)}), idle RSS ${fmt(idleRss, 0)} MB (target <= 80: ${verdict(idleRss <= 80)}), RSS after ingest ${fmt(rssAfterIngest, 0)} MB (target <= 250: ${verdict(rssAfterIngest <= 250)})`);

    // 7. PostgreSQL: one instance and two, beside SQLite's ingest above (same workload).
    const pg = await benchPostgres();
    say(`7. PostgreSQL (throwaway cluster on this machine, Unix socket), ingest with phones cycling: one instance ${fmt(pg.one.rps, 0)} req/s (p99 ${fmt(pg.one.p99, 2)} ms) = ${pct(pg.one.rps, ingest!.rps)} of SQLite's; two instances ${fmt(pg.two.rps, 0)} req/s (${pg.two.each.map((r) => fmt(r, 0)).join(" + ")}, p99 ${fmt(pg.two.p99, 2)} ms); non-2xx ${pg.one.non2xx + pg.two.non2xx}`);

    if (process.env.BENCH_SKIP_GROWTH) return;
    // 5. Growth
    const growth = await benchGrowth(work, token, setup);
    say(`5. growth (+${growth.contacts.toLocaleString("en")} contacts, +${growth.logs.toLocaleString("en")} log rows, generated in ${fmt(growth.generateSeconds, 0)} s): ingest ${fmt(growth.ingest.rps, 0)} req/s = ${pct(growth.ingest.rps, ingest!.rps)} of the empty database (target >= 85%: ${verdict(growth.ingest.rps >= 0.85 * ingest!.rps)}), p99 ${fmt(growth.ingest.p99, 2)} ms`);
    const { exportPart, exportAll } = growth;
    say(`   CSV export: ${exportAll.rows.toLocaleString("en")} contacts in ${fmt(exportAll.seconds, 1)} s (${fmt(exportAll.bytes / 2 ** 20, 0)} MiB), server RSS +${fmt(exportAll.growth, 0)} MB at its peak; ${exportPart.rows.toLocaleString("en")} (a search) +${fmt(exportPart.growth, 0)} MB (target: memory does not grow with the rows, within 30 MB: ${verdict(exportAll.growth <= exportPart.growth + 30)})`);
    say(`   admin log page ${fmt(growth.logPageMs, 1)} ms, contact search ${fmt(growth.searchMs, 1)} ms, API contact search ${fmt(growth.apiSearchMs, 1)} ms (target <= 50 ms each: ${verdict(Math.max(growth.logPageMs, growth.searchMs, growth.apiSearchMs) <= 50)}) — medians of 20`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  mkdirSync(join(import.meta.dir, "results"), { recursive: true });
  writeFileSync(join(import.meta.dir, "results", "latest.txt"), `${lines.join("\n")}\n`);
}

/** Contacts write through the http channel while paused; a local platform records arrivals. */
async function benchRelay(url: string, token: string) {
  const call = api(url, token);
  const arrivals: number[] = [];
  let received = 0;
  const platform = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const body = await request.json();
      received++;
      arrivals.push(Date.now() - body.message.timestamp);
      return new Response("ok");
    },
  });
  await call("PUT", "/api/v1/integrations/webhook", { url: `http://127.0.0.1:${platform.port}/relay`, enabled: true });
  const bot = await call("POST", "/api/v1/bots", { name: "Relay", channel: "whatsapp", default_country: "US" });
  const updated = await call("PATCH", `/api/v1/bots/${bot.flow_ns}`, { live_chat: "webhook", provider: "http", provider_settings: { url: "http://127.0.0.1:9/unused" } });
  const inbound = `${url}${new URL(updated.inbound_url).pathname}`;
  const senders: string[] = [];
  for (let i = 0; i < 200; i++) {
    const contact = await call("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: `+1628300${String(i).padStart(4, "0")}` });
    await call("POST", `/api/v1/contacts/${contact.user_ns}/pause`, {});
    senders.push(contact.phone);
  }
  const send = (i: number) => fetch(inbound, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: senders[i % senders.length], text: `message ${i}` }) });

  // Latency at a steady 500 messages/s for 5 s.
  const rate = 500;
  const total = rate * 5;
  const started = performance.now();
  const pending: Promise<Response>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await Bun.sleep(wait);
    pending.push(send(i));
  }
  await Promise.all(pending);
  while (received < total) await Bun.sleep(10);
  const latencies = arrivals.splice(0);
  // Throughput: 10,000 messages as fast as 32 senders can post them, first post to last arrival.
  received = 0;
  const burst = 10_000;
  const burstStart = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < burst) await send(next++);
  }));
  while (received < burst) await Bun.sleep(5);
  const throughput = burst / ((performance.now() - burstStart) / 1000);
  platform.stop(true);
  await call("PUT", "/api/v1/integrations/webhook", { enabled: false });
  return { rate, p50: percentile(latencies, 50), p99: percentile(latencies, 99), throughput };
}

/** The same ingest with 1,000,000 contacts and 5,000,000 log rows already stored. */
async function benchGrowth(work: string, token: string, setup: Awaited<ReturnType<typeof setUpIngest>>) {
  const dataDir = join(work, "data");
  const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
  const LOGS = Number(process.env.BENCH_LOGS ?? 5_000_000);
  const started = performance.now();
  const db = new Database(join(dataDir, "switchboard.db"));
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = OFF");
  const botId = (db.query("SELECT id FROM bots WHERE flow_ns = ?").get(setup.bot.flow_ns) as { id: number }).id;
  const now = Date.now();
  db.run(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO contacts (bot_id, user_ns, phone, email, first_name, last_name, tags, created_at, updated_at)
     SELECT ?, 'ugen' || printf('%011d', i), '+1628' || (2000000 + i), 'gen' || i || '@example.com', 'Gen' || (i % 1000), 'Erated', '["imported"]', ?, ?
     FROM n`,
    [CONTACTS - 1, botId, now, now],
  );
  db.run(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO webhook_logs (webhook_id, received_at, source_ip, headers, body, outcome, status, user_ns, fields_written, notes, response, duration_ms)
     SELECT ?, ? - (? - i) * 500, '127.0.0.1', '{"content-type":"application/json"}',
       '{"contact":{"phone":"+16282000000","first_name":"Gen"},"booking":{"date":"2026-12-24","party_size":2}}',
       CASE WHEN i % 10 = 0 THEN 'user_not_identified' ELSE 'processed' END, 200, 'ugen' || printf('%011d', i % ?), '{}', '[]', '{"ok":true}', 1.0
     FROM n`,
    [LOGS - 1, setup.hook.id, now, LOGS, CONTACTS],
  );
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  const generateSeconds = (performance.now() - started) / 1000;

  const server = await startServer(dataDir);
  try {
    const ingest = await wrk(`${server.url}${new URL(setup.hookUrl).pathname}`, "ingest.lua");
    const login = await fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ password: PASSWORD }), redirect: "manual" });
    const cookie = /sb_session=[^;]+/.exec(login.headers.get("set-cookie") ?? "")![0];
    const timed = async (path: string, headers: Record<string, string>) => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        const response = await fetch(`${server.url}${path}`, { headers });
        await response.text();
        if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
        times.push(performance.now() - t0);
      }
      return median(times);
    };
    const logPageMs = await timed(`/admin/webhooks/${setup.hook.id}/logs?outcome=`, { cookie, "hx-request": "true" });
    const searchMs = await timed(`/admin/bots/${setup.bot.flow_ns}/contacts?q=Gen999`, { cookie, "hx-request": "true" });
    const apiSearchMs = await timed(`/api/v1/bots/${setup.bot.flow_ns}/contacts?q=gen12345%40example.com&limit=20`, { authorization: `Bearer ${token}` });
    // The export streams the bot's contacts: a tenth of them (a search), then all. Its memory is
    // constant when the peak RSS over the start does not grow with the number of rows.
    const exportOf = async (query: string) => {
      Bun.sleepSync(200);
      const rssBefore = rssMb(server.proc.pid);
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(server.proc.pid))), 100);
      const started = performance.now();
      const exported = await fetch(`${server.url}/api/v1/bots/${setup.bot.flow_ns}/contacts/export${query}`, { headers: { authorization: `Bearer ${token}` } });
      let bytes = 0;
      let lines = 0;
      const reader = exported.body!.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        bytes += read.value.byteLength;
        for (const byte of read.value) if (byte === 10) lines++;
      }
      clearInterval(sampler);
      return { rows: lines - 1, bytes, seconds: (performance.now() - started) / 1000, growth: rssPeak - rssBefore };
    };
    const exportPart = await exportOf("?q=Gen1");
    const exportAll = await exportOf("");
    return { contacts: CONTACTS, logs: LOGS, generateSeconds, ingest, logPageMs, searchMs, apiSearchMs, exportPart, exportAll };
  } finally {
    await stop(server.proc);
  }
}

await main();
