// `make bench` part 7: ingest on PostgreSQL through one instance and through two at once (each
// taking half of wrk's connections), on a throwaway cluster on this machine's Unix socket, for
// the same workload as part 2. Also runs alone: `bun test/bench/postgres.ts` (after `make build`).
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { cliLastLine, startBinary } from "../helpers/binary";
import { freshPostgresDatabase } from "../helpers/postgres";
import { setUpIngest } from "./setup";

const DURATION = process.env.BENCH_SECONDS ?? "8";

interface Run { rps: number; p99: number; non2xx: number }

async function wrk(url: string, connections: number): Promise<Run> {
  const proc = Bun.spawn(["wrk", "-t1", `-c${connections}`, `-d${DURATION}s`, "--latency", "-s", join(import.meta.dir, "ingest.lua"), url], { stdout: "pipe", stderr: "pipe", env: { ...process.env, LEADS: "cycle" } });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p99: p99 ? Number(p99[1]) * (p99[2] === "us" ? 0.001 : p99[2] === "s" ? 1000 : 1) : Number.NaN,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

export async function benchPostgres(): Promise<{ one: Run; two: Run & { each: number[] } }> {
  const database = freshPostgresDatabase();
  const dirs = [mkdtempSync(join(tmpdir(), "sb-bench-pg-a-")), mkdtempSync(join(tmpdir(), "sb-bench-pg-b-"))];
  const started: Awaited<ReturnType<typeof startBinary>>[] = [];
  try {
    const token = cliLastLine(["token", "create", "bench", "--data", dirs[0]!, "--database", database.url]);
    for (const dir of dirs) started.push(await startBinary(["--data", dir, "--database", database.url]));
    const [a, b] = started;
    const setup = await setUpIngest(a!.url, token);
    const path = new URL(setup.hookUrl).pathname;
    const one = await wrk(`${a!.url}${path}`, 32);
    const pair = await Promise.all([wrk(`${a!.url}${path}`, 16), wrk(`${b!.url}${path}`, 16)]);
    return {
      one,
      two: { rps: pair[0].rps + pair[1].rps, p99: Math.max(pair[0].p99, pair[1].p99), non2xx: pair[0].non2xx + pair[1].non2xx, each: pair.map((r) => r.rps) },
    };
  } finally {
    for (const { proc } of started) {
      proc.kill("SIGTERM");
      await proc.exited;
    }
    database.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { one, two } = await benchPostgres();
  console.log(`7. PostgreSQL, one instance: ${one.rps.toFixed(0)} req/s, p99 ${one.p99.toFixed(2)} ms, non-2xx ${one.non2xx}`);
  console.log(`   two instances: ${two.rps.toFixed(0)} req/s (${two.each.map((r) => r.toFixed(0)).join(" + ")}), p99 ${two.p99.toFixed(2)} ms, non-2xx ${two.non2xx}`);
  process.exit(0);
}
