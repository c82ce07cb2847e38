// `make soak`, part 3: overload. Far more than the ingest rate (256 connections) for 30 s: the
// server must keep answering /healthz and the admin, answer every request with 200, 429 or
// 503, and keep its memory bounded.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliLastLine, startBinary } from "../helpers/binary";
import { reportRow } from "./summary";
import { Database } from "bun:sqlite";

const SECONDS = Number(process.env.SOAK_OVERLOAD_SECONDS ?? 30);
const work = mkdtempSync(join(tmpdir(), "sb-overload-"));
const data = join(work, "data");
const failures: string[] = [];
const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

const token = cliLastLine(["token", "create", "overload", "--data", data]);
const { proc, url } = await startBinary(["--data", data], { SWITCHBOARD_ADMIN_PASSWORD: "overload password" });
try {
  const call = async (method: string, path: string, body?: unknown) =>
    (await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined })).json();
  const bot = await call("POST", "/api/v1/bots", { name: "Overload", channel: "sms", default_country: "US" });
  const hook = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "o" });
  // The bucket lets about half the offered load through: the rest must get a quick 429.
  await call("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, { active: true, identify: { phone: "contact.phone" }, mappings: [{ path: "contact.first_name", field: "first_name" }], rate_limit: { capacity: 2000, refill_seconds: 1 } });
  const login = await fetch(`${url}/admin/login`, { method: "POST", body: new URLSearchParams({ password: "overload password" }), redirect: "manual" });
  const cookie = /sb_session=[^;]+/.exec(login.headers.get("set-cookie") ?? "")![0];
  const idle = rss(proc.pid);

  const wrk = Bun.spawn(["wrk", "-t2", "-c256", `-d${SECONDS}s`, "--timeout", "10s", "-s", join(import.meta.dir, "statuses.lua"), `${url}${new URL(hook.url).pathname}`], { stdout: "pipe" });
  const probes: number[] = [];
  const admin: number[] = [];
  let peak = idle;
  const probing = (async () => {
    const until = Date.now() + SECONDS * 1000 - 500;
    while (Date.now() < until) {
      const t0 = performance.now();
      const health = await fetch(`${url}/healthz`).catch(() => null);
      probes.push(health?.status === 200 ? performance.now() - t0 : Number.POSITIVE_INFINITY);
      const t1 = performance.now();
      const page = await fetch(`${url}/admin`, { headers: { cookie } }).catch(() => null);
      admin.push(page?.status === 200 ? performance.now() - t1 : Number.POSITIVE_INFINITY);
      peak = Math.max(peak, rss(proc.pid));
      await Bun.sleep(500);
    }
  })();
  const report = await new Response(wrk.stdout).text();
  await probing;
  const statuses = Object.fromEntries([...report.matchAll(/status (\d+) (\d+)/g)].map((m) => [m[1], Number(m[2])]));
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(report)?.[1];
  const socketErrors = /socket_errors (\d+) (\d+) (\d+) (\d+)/.exec(report)!.slice(1).map(Number);
  const worst = (values: number[]) => Math.max(...values);
  const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
  const db = new Database(join(data, "switchboard.db"), { readonly: true });
  const logged = db.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_logs WHERE outcome = 'processed'").get()!.n;
  db.close();
  reportRow(`overload (256 connections, ${SECONDS} s): 200s`, answered + socketErrors.reduce((a, b) => a + b, 0), statuses["200"] ?? 0, logged, Math.max(0, (statuses["200"] ?? 0) - logged));
  if (logged < (statuses["200"] ?? 0)) failures.push(`${(statuses["200"] ?? 0) - logged} requests answered 200 have no processed log row`);
  console.log(`overload: ${rps} req/s offered-and-answered, statuses ${JSON.stringify(statuses)}, socket errors (connect, read, write, timeout) ${socketErrors.join(", ")}`);
  console.log(`overload: /healthz worst ${worst(probes).toFixed(0)} ms over ${probes.length} probes, admin page worst ${worst(admin).toFixed(0)} ms, RSS idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`);
  for (const code of Object.keys(statuses)) if (!["200", "429", "503"].includes(code)) failures.push(`answered ${statuses[code]} requests with ${code}`);
  if (socketErrors.some((n) => n > 0)) failures.push("some requests got no answer");
  if (!Number.isFinite(worst(probes))) failures.push("/healthz failed under overload");
  if (!Number.isFinite(worst(admin))) failures.push("the admin page failed under overload");
  if (worst(probes) > 2000) failures.push("/healthz took more than 2 s under overload");
  if (peak > 400) failures.push(`RSS reached ${peak.toFixed(0)} MB`);
} finally {
  proc.kill("SIGTERM");
  await proc.exited;
  rmSync(work, { recursive: true, force: true });
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("soak: overload passed");
