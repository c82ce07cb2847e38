// `make soak`, part 4: receiver faults, in real time. For FAULT_SECONDS a webhook queues one
// http_request delivery to each of four receivers per request: one slower than the delivery
// timeout, one failing half the time, one down (nothing listening), one answering 410 Gone.
// Then the first three heal. Afterwards the queue must have drained by the real retry
// schedule: every delivery to a healed receiver succeeded and arrived at least once, every
// delivery to the 410 receiver failed after one attempt (4xx is final), and RSS stayed flat.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { cliLastLine, startBinary } from "../helpers/binary";
import { reportRow } from "./summary";

const FAULT_SECONDS = Number(process.env.SOAK_FAULT_SECONDS ?? 30);
const RATE = Number(process.env.SOAK_FAULT_RATE ?? 10); // webhook requests per second
const DRAIN_LIMIT_SECONDS = 150;
const work = mkdtempSync(join(tmpdir(), "sb-faults-"));
const data = join(work, "data");
const failures: string[] = [];
const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

// Each receiver records the delivery ids (webhook-id header) it answered 2xx to.
type Name = "slow" | "flapping" | "down" | "gone";
const arrived: Record<Name, Set<string>> = { slow: new Set(), flapping: new Set(), down: new Set(), gone: new Set() };
let healed = false;
const receiver = (name: Name, answer: () => Promise<number>) =>
  Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      await request.text();
      const status = await answer();
      if (status < 300) arrived[name].add(request.headers.get("webhook-id") ?? "?");
      return new Response(null, { status });
    },
  });
const slow = receiver("slow", async () => {
  if (!healed) await Bun.sleep(2500); // the delivery timeout is 1 s
  return 200;
});
const flapping = receiver("flapping", async () => (healed || Math.random() < 0.5 ? 200 : 503));
const gone = receiver("gone", async () => 410);
// "down": a port with nothing listening until the heal.
const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
const downPort = probe.port!;
probe.stop(true);

const token = cliLastLine(["token", "create", "faults", "--data", data]);
const { proc, url } = await startBinary(["--data", data]);
let downServer: ReturnType<typeof Bun.serve> | null = null;
try {
  const call = async (method: string, path: string, body?: unknown) =>
    (await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined })).json();
  await call("PATCH", "/api/v1/settings", { delivery_timeout_seconds: 1, allow_private_targets: true });
  const bot = await call("POST", "/api/v1/bots", { name: "Faults", channel: "sms", default_country: "US" });
  const hook = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "faults" });
  const targets: Record<Name, string> = {
    slow: `http://127.0.0.1:${slow.port}/slow`,
    flapping: `http://127.0.0.1:${flapping.port}/flapping`,
    down: `http://127.0.0.1:${downPort}/down`,
    gone: `http://127.0.0.1:${gone.port}/gone`,
  };
  await call("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, {
    active: true,
    identify: { phone: "phone" },
    actions: Object.values(targets).map((target) => ({ type: "http_request", url: target, method: "POST", body: { n: "{{payload.n}}" } })),
    rate_limit: { capacity: 1_000_000, refill_seconds: 1 },
  });

  const startRss = rss(proc.pid);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rss(proc.pid)), 1000);
  let acknowledged = 0;
  const total = FAULT_SECONDS * RATE;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    const response = await fetch(`${url}${new URL(hook.url).pathname}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone: `+1415555${String(1000 + (i % 9000)).padStart(4, "0")}`, n: i }) });
    if (response.status === 200) acknowledged++;
  }
  healed = true;
  downServer = Bun.serve({
    hostname: "127.0.0.1",
    port: downPort,
    async fetch(request) {
      await request.text();
      arrived.down.add(request.headers.get("webhook-id") ?? "?");
      return new Response(null, { status: 200 });
    },
  });
  console.log(`receiver faults: ${acknowledged}/${total} requests acknowledged in ${FAULT_SECONDS} s of faults; receivers healed, waiting for the retry schedule to drain the queue`);

  const db = new Database(join(data, "switchboard.db"), { readonly: true });
  const open = db.query<{ n: number }, []>("SELECT count(*) AS n FROM deliveries WHERE state IN ('pending', 'sending')");
  const drainStarted = performance.now();
  while (open.get()!.n > 0 && performance.now() - drainStarted < DRAIN_LIMIT_SECONDS * 1000) await Bun.sleep(1000);
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  clearInterval(sampler);

  const rows = db
    .query<{ public_id: string; target_url: string; state: string; attempts: number; last_status: number | null }, []>("SELECT public_id, target_url, state, attempts, last_status FROM deliveries")
    .all();
  db.close();
  console.log("");
  console.log("fault             queued  acknowledged  arrived  succeeded  failed  open  lost  avg tries");
  for (const name of Object.keys(targets) as Name[]) {
    const mine = rows.filter((row) => row.target_url === targets[name]);
    const succeeded = mine.filter((row) => row.state === "succeeded");
    const failed = mine.filter((row) => row.state === "failed");
    const stillOpen = mine.length - succeeded.length - failed.length;
    // Lost: accepted by Switchboard, then neither delivered nor in a documented end state.
    const lost = name === "gone" ? mine.filter((row) => row.state !== "failed").length : mine.filter((row) => !arrived[name].has(row.public_id)).length;
    const tries = mine.reduce((sum, row) => sum + row.attempts, 0) / Math.max(1, mine.length);
    console.log(
      `${`${name}${name === "slow" ? " (> timeout)" : name === "flapping" ? " (50% 503)" : name === "down" ? " (then up)" : " (410)"}`.padEnd(18)}${String(mine.length).padStart(6)}  ${String(acknowledged).padStart(12)}  ${String(arrived[name].size).padStart(7)}  ${String(succeeded.length).padStart(9)}  ${String(failed.length).padStart(6)}  ${String(stillOpen).padStart(4)}  ${String(lost).padStart(4)}  ${tries.toFixed(2).padStart(9)}`,
    );
    reportRow(`receiver ${name === "gone" ? "answering 410 (failed after 1 try, as documented)" : name === "slow" ? "slower than the timeout" : name === "flapping" ? "failing 50%" : "down, then up"}`, total, mine.length, name === "gone" ? `${failed.length} failed` : arrived[name].size, lost);
    if (mine.length !== acknowledged) failures.push(`${name}: ${mine.length} deliveries queued for ${acknowledged} acknowledged requests`);
    if (lost > 0) failures.push(`${name}: ${lost} deliveries lost`);
    if (name === "gone") {
      if (failed.length !== mine.length || mine.some((row) => row.attempts !== 1 || row.last_status !== 410)) failures.push("gone: every delivery should fail after one attempt with 410");
    } else if (succeeded.length !== mine.length) {
      failures.push(`${name}: ${mine.length - succeeded.length} deliveries did not succeed after the heal`);
    }
  }
  const peak = Math.max(...samples);
  const end = samples.at(-1)!;
  console.log("");
  console.log(`queue drained ${drainSeconds.toFixed(0)} s after the heal; RSS start ${startRss.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, end ${end.toFixed(0)} MB (${samples.length} samples)`);
  if (peak - startRss > 100) failures.push(`RSS grew by ${(peak - startRss).toFixed(0)} MB`);
} finally {
  proc.kill("SIGTERM");
  await proc.exited;
  for (const server of [slow, flapping, gone, downServer]) server?.stop(true);
  rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`soak: receiver faults FAILED:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
console.log("soak: receiver faults passed");
