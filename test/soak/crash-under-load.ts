// `make soak`, part 1: crash under load. Inbound webhooks and channel messages arrive at a
// steady rate while the binary is killed with SIGKILL at random moments and restarted. After
// the run: every request answered 200 is in the logs with its contact; every queued delivery
// reached the receiver at least once and, per contact, in order; the file passes
// PRAGMA integrity_check. Bounded: about a minute, 127.0.0.1 only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { BINARY, cliLastLine } from "../helpers/binary";
import { reportRow } from "./summary";

const KILLS = Number(process.env.SOAK_KILLS ?? 5);
const RATE = Number(process.env.SOAK_RATE ?? 200); // requests per second
const work = mkdtempSync(join(tmpdir(), "sb-soak-"));
const data = join(work, "data");


async function start(port: number) {
  const proc = Bun.spawn([BINARY, "serve", "--port", String(port), "--data", data], { stdout: "ignore", stderr: "inherit" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if ((await fetch(`${url}/healthz`).catch(() => null))?.status === 200) return { proc, url };
    await Bun.sleep(25);
  }
  throw new Error("server did not start");
}

// The receiver of relayed messages: records every arrival per contact.
const arrivals = new Map<string, number[]>();
const receiver = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    const body = await request.json();
    const list = arrivals.get(body.meta.user_ns) ?? [];
    list.push(Number(body.message.content));
    arrivals.set(body.meta.user_ns, list);
    return new Response("ok");
  },
});

const token = cliLastLine(["token", "create", "soak", "--data", data]);
const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
const port = probe.port!;
probe.stop(true);
let server = await start(port);
const call = async (method: string, path: string, body?: unknown) =>
  (await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined })).json();

const bot = await call("POST", "/api/v1/bots", { name: "Soak", channel: "whatsapp", default_country: "US" });
const configured = await call("PATCH", `/api/v1/bots/${bot.flow_ns}`, { live_chat: "webhook", provider: "http", provider_settings: { url: `http://127.0.0.1:${receiver.port}/gateway` } });
await call("PUT", "/api/v1/integrations/webhook", { url: `http://127.0.0.1:${receiver.port}/relay`, enabled: true });
await call("POST", `/api/v1/bots/${bot.flow_ns}/fields`, { name: "n", type: "number" });
const hook = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "soak" });
await call("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, { active: true, identify: { phone: "phone" }, mappings: [{ path: "n", field: "n" }], rate_limit: { capacity: 1_000_000, refill_seconds: 1 } });
const contacts: string[] = [];
for (let i = 0; i < 10; i++) {
  const contact = await call("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: `+1628555${String(1000 + i)}` });
  await call("POST", `/api/v1/contacts/${contact.user_ns}/pause`, {});
  contacts.push(contact.user_ns);
}
const hookPath = new URL(hook.url).pathname;
const inboundPath = new URL(configured.inbound_url).pathname;

const ok: { phone: string; n: number }[] = [];
const sentPerContact = new Map<string, number[]>(); // messages answered 200, in send order
let n = 0;
let running = true;
const driver = (async () => {
  while (running) {
    const i = n++;
    const started = performance.now();
    if (i % 2 === 0) {
      const phone = `+1415555${String(4000 + (i % 500))}`;
      const response = await fetch(`${server.url}${hookPath}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone, n: i }) }).catch(() => null);
      if (response?.status === 200) ok.push({ phone, n: i });
    } else {
      const who = contacts[i % contacts.length]!;
      const response = await fetch(`${server.url}${inboundPath}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: who, text: String(i) }) }).catch(() => null);
      if (response?.status === 200) sentPerContact.set(who, [...(sentPerContact.get(who) ?? []), i]);
    }
    const wait = 1000 / RATE - (performance.now() - started);
    if (wait > 0) await Bun.sleep(wait);
  }
})();

for (let kill = 0; kill < KILLS; kill++) {
  await Bun.sleep(1500 + Math.random() * 2500);
  server.proc.kill("SIGKILL");
  await server.proc.exited;
  await Bun.sleep(200);
  server = await start(port);
  console.log(`kill ${kill + 1}/${KILLS}: restarted; ${ok.length} webhook requests and ${[...sentPerContact.values()].flat().length} messages answered 200 so far`);
}
await Bun.sleep(2000);
running = false;
await driver;

// Let the relay drain.
const expected = [...sentPerContact.values()].flat().length;
const deadline = Date.now() + 30_000;
while ([...arrivals.values()].flat().length < expected && Date.now() < deadline) await Bun.sleep(100);
server.proc.kill("SIGTERM");
await server.proc.exited;
receiver.stop(true);

const db = new Database(join(data, "switchboard.db"), { readonly: true });
const failures: string[] = [];
const integrity = (db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
if (integrity !== "ok") failures.push(`integrity_check: ${integrity}`);
const logged = new Set((db.query("SELECT body FROM webhook_logs WHERE outcome = 'processed'").all() as { body: string }[]).map((r) => JSON.parse(r.body).n));
const missingLogs = ok.filter((r) => !logged.has(r.n));
if (missingLogs.length) failures.push(`${missingLogs.length} answered webhook requests have no processed log row`);
const phones = new Set((db.query("SELECT phone FROM contacts").all() as { phone: string }[]).map((r) => r.phone));
const missingContacts = ok.filter((r) => !phones.has(r.phone));
if (missingContacts.length) failures.push(`${missingContacts.length} answered webhook requests have no contact`);
db.close();
for (const [who, sent] of sentPerContact) {
  const got = arrivals.get(who) ?? [];
  // At least once, in order: drop repeats of a delivery re-sent after a crash, keep first
  // arrivals. A message stored just before a kill may arrive without its sender having seen
  // the 200, so arrivals may hold more than `sent`, never less, and always in send order.
  const firstArrivals = got.filter((value, index) => got.indexOf(value) === index);
  const arrived = new Set(firstArrivals);
  const missing = sent.filter((value) => !arrived.has(value));
  const ordered = firstArrivals.every((value, i) => i === 0 || value > firstArrivals[i - 1]!);
  if (missing.length || !ordered) failures.push(`contact ${who}: ${missing.length} answered messages never arrived; order ${ordered ? "kept" : "BROKEN"}`);
}
const firstArrivalCount = [...sentPerContact.keys()].reduce((sum, who) => sum + new Set(arrivals.get(who) ?? []).size, 0);
const lostMessages = [...sentPerContact].reduce((sum, [who, sent]) => sum + sent.filter((value) => !(arrivals.get(who) ?? []).includes(value)).length, 0);
reportRow(`crash under load (${KILLS}× kill -9): webhooks`, n >> 1, ok.length, ok.length - missingLogs.length, missingLogs.length);
reportRow("crash under load: relayed messages", n - (n >> 1), expected, firstArrivalCount, lostMessages);
console.log(`crash under load: ${KILLS} kills, ${ok.length} webhook 200s all logged: ${missingLogs.length === 0}, ${expected} relayed messages, integrity ${integrity}`);
rmSync(work, { recursive: true, force: true });
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("soak: crash under load passed");
