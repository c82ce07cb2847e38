// `make soak`, part 2: disk trouble. The data dir lives on a 16 MiB tmpfs that is then filled:
// requests must get 503 storage_unavailable (never a 200 that was not stored), /healthz goes
// red, and once space returns the service recovers by itself. Needs root (mount); otherwise it
// says so and is skipped.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliLastLine, startBinary } from "../helpers/binary";
import { Database } from "bun:sqlite";
import { reportRow } from "./summary";

const mountPoint = mkdtempSync(join(tmpdir(), "sb-disk-"));
const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint]);
if (mount.exitCode !== 0) {
  // Without root: the same run in a user and mount namespace of its own, where mounting is allowed.
  if (!process.env.SB_SOAK_NAMESPACE) {
    const again = Bun.spawnSync(["unshare", "--map-root-user", "--mount", process.execPath, "run", import.meta.path], { env: { ...process.env, SB_SOAK_NAMESPACE: "1" }, stdout: "inherit", stderr: "inherit" });
    if (again.exitCode === 0 || again.exitCode === 1) process.exit(again.exitCode);
  }
  // Never a silent pass: the table says SKIPPED, and the exit code says it too.
  console.log(`disk full: SKIPPED, cannot mount a tmpfs here (${mount.stderr.toString().trim()})`);
  reportRow("disk full (16 MiB tmpfs): SKIPPED, no tmpfs could be mounted", 0, 0, "SKIPPED", 0);
  process.exit(3);
}
const data = join(mountPoint, "data");
const failures: string[] = [];
let proc: ReturnType<typeof Bun.spawn> | null = null;
try {
  const token = cliLastLine(["token", "create", "disk", "--data", data]);
  const started = await startBinary(["--data", data]);
  proc = started.proc;
  const url = started.url;
  const call = async (method: string, path: string, body?: unknown) =>
    (await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined })).json();
  const bot = await call("POST", "/api/v1/bots", { name: "Disk", channel: "sms", default_country: "US" });
  const hook = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "d" });
  await call("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, { active: true, identify: { phone: "phone" }, rate_limit: { capacity: 1_000_000, refill_seconds: 1 } });
  const hookUrl = `${url}${new URL(hook.url).pathname}`;
  const post = (i: number) => fetch(hookUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone: `+1415555${String(5000 + i)}`, pad: "x".repeat(2000) }) });

  // Fill the disk: a filler file takes what is left.
  const filler = join(mountPoint, "filler");
  try {
    writeFileSync(filler, Buffer.alloc(16 * 1024 * 1024));
  } catch {}
  const okWhileFull: number[] = [];
  const statuses = new Map<number, number>();
  for (let i = 0; i < 200; i++) {
    const response = await post(i);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status === 200) okWhileFull.push(i);
    else if (response.status === 503 && (await response.json()).error.code !== "storage_unavailable") failures.push("a 503 without storage_unavailable");
  }
  const health = await fetch(`${url}/healthz`);
  console.log(`disk full: answers ${JSON.stringify(Object.fromEntries(statuses))}, /healthz ${health.status}`);
  if (!statuses.get(503)) failures.push("no request got 503 while the disk was full");
  if (health.status !== 503) failures.push(`/healthz answered ${health.status} with a full disk`);

  rmSync(filler, { force: true });
  let recovered = false;
  for (let i = 0; i < 50 && !recovered; i++) {
    recovered = (await fetch(`${url}/healthz`)).status === 200 && (await post(1000 + i)).status === 200;
    if (!recovered) await Bun.sleep(100);
  }
  if (!recovered) failures.push("the service did not recover once space returned");
  proc.kill("SIGTERM");
  await proc.exited;
  proc = null;

  // Every 200 while full must be stored.
  const db = new Database(join(data, "switchboard.db"), { readonly: true });
  const stored = new Set((db.query("SELECT body FROM webhook_logs WHERE outcome = 'processed'").all() as { body: string }[]).map((r) => JSON.parse(r.body).phone));
  db.close();
  const lost = okWhileFull.filter((i) => !stored.has(`+1415555${String(5000 + i)}`));
  if (lost.length) failures.push(`${lost.length} requests answered 200 while the disk was full are not stored`);
  reportRow("disk full (16 MiB tmpfs)", 200, okWhileFull.length, okWhileFull.length - lost.length, lost.length);
  console.log(`disk full: ${okWhileFull.length} answered 200 while full, all stored: ${lost.length === 0}; recovered: ${recovered}`);
} finally {
  if (proc) {
    proc.kill("SIGKILL");
    await proc.exited;
  }
  Bun.spawnSync(["umount", mountPoint]);
  if (existsSync(mountPoint)) rmSync(mountPoint, { recursive: true, force: true });
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("soak: disk full passed");
