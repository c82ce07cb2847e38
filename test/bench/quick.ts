// Developer loop for performance work: the server from source (optionally under --cpu-prof),
// ingest and the three rejections only. `bun test/bench/quick.ts [--prof DIR]`.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api, setUpIngest } from "./setup";
import { stageLines, stageSnapshot } from "./stages";

const SECONDS = process.env.BENCH_SECONDS ?? "6";
const root = join(import.meta.dir, "..", "..");
const prof = process.argv.indexOf("--prof");
const dataDir = mkdtempSync(join(tmpdir(), "sb-quick-"));
const only = (process.env.BENCH_ONLY ?? "ingest,unknown,limited,inactive").split(",");

const token = Bun.spawnSync([process.execPath, join(root, "src/main.ts"), "token", "create", "bench", "--data", dataDir]).stdout.toString().trim().split("\n").at(-1)!;
const profArgs = prof > 0 ? ["--cpu-prof", `--cpu-prof-dir=${process.argv[prof + 1]}`] : [];
const proc = Bun.spawn([process.execPath, ...profArgs, join(root, "src/main.ts"), "serve", "--port", "0", "--data", dataDir], { stdout: "pipe", stderr: "inherit" });
const reader = proc.stdout.getReader();
let out = "";
let url = "";
while (!url) {
  out += new TextDecoder().decode((await reader.read()).value);
  url = /Admin page: (http:\/\/\S+)\/admin/.exec(out)?.[1] ?? "";
}
void (async () => { for (;;) if ((await reader.read()).done) return; })();

const call = api(url, token);
const setup = await setUpIngest(url, token);
// ingest-new and ingest-repeat: the LEADS workloads of ingest.lua.
const targets: Record<string, [string, string]> = {
  ingest: [setup.hookUrl, "ingest.lua"],
  "ingest-new": [setup.hookUrl, "ingest.lua"],
  "ingest-repeat": [setup.hookUrl, "ingest.lua"],
  // The same webhook with three conditions and a reply template (BENCH_ONLY=conditioned-repeat).
  "conditioned-repeat": [setup.conditionedUrl, "ingest.lua"],
  unknown: [`${url}/hooks/unknown-token-for-benchmark`, "empty.lua"],
  limited: [setup.limitedUrl, "empty.lua"],
  inactive: [setup.inactiveUrl, "empty.lua"],
};
async function relayBurst(total: number) {
  let received = 0;
  const platform = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: async (request) => (await request.text(), received++, new Response("ok")) });
  await call("PUT", "/api/v1/integrations/webhook", { url: `http://127.0.0.1:${platform.port}/relay`, enabled: true });
  const relayBot = await call("POST", "/api/v1/bots", { name: "Relay", channel: "whatsapp", default_country: "US" });
  const updated = await call("PATCH", `/api/v1/bots/${relayBot.flow_ns}`, { live_chat: "webhook", provider: "http", provider_settings: { url: "http://127.0.0.1:9/unused" } });
  const inbound = `${url}${new URL(updated.inbound_url).pathname}`;
  const senders: string[] = [];
  for (let i = 0; i < 200; i++) {
    const contact = await call("POST", `/api/v1/bots/${relayBot.flow_ns}/contacts`, { phone: `+1628300${String(i).padStart(4, "0")}` });
    await call("POST", `/api/v1/contacts/${contact.user_ns}/pause`, {});
    senders.push(contact.phone);
  }
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < total) {
      const i = next++;
      await fetch(inbound, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: senders[i % senders.length], text: `message ${i}` }) });
    }
  }));
  const posted = performance.now() - started;
  while (received < total) await Bun.sleep(5);
  console.log(`relay     ${(total / ((performance.now() - started) / 1000)).toFixed(0)} deliveries/s end to end (posting took ${(posted / 1000).toFixed(1)} s)`);
  platform.stop(true);
}

for (const name of only) {
  if (name === "relay") {
    await relayBurst(10_000);
    continue;
  }
  const [target, script] = targets[name]!;
  const before = await stageSnapshot(url, proc.pid);
  const leads = name.split("-")[1] ?? "cycle";
  const w = Bun.spawnSync(["wrk", "-t2", "-c32", `-d${SECONDS}s`, "--latency", "-s", join(import.meta.dir, script), target], { env: { ...process.env, LEADS: leads } }).stdout.toString();
  console.log(name.padEnd(9), /Requests\/sec:\s+(\S+)/.exec(w)?.[1], "req/s  p50", /\s50%\s+(\S+)/.exec(w)?.[1], " p99", /\s99%\s+(\S+)/.exec(w)?.[1], " non2xx", /Non-2xx or 3xx responses: (\d+)/.exec(w)?.[1] ?? 0);
  if (name.startsWith("ingest") || name.startsWith("conditioned")) for (const line of stageLines(before, await stageSnapshot(url, proc.pid))) console.log(line);
}
proc.kill("SIGTERM");
await proc.exited;
