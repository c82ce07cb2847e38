// `make soak`, part 7: two instances on one PostgreSQL (a throwaway cluster), load through
// both, one instance killed with SIGKILL three times and restarted. After the run: every request
// answered 200 (by either) is in the logs with its contact; every relayed message reached the
// receiver at least once and, per contact, in order, whichever instance sent it; and a webhook's
// bucket is shared: exactly its capacity is accepted across both. Bounded, 127.0.0.1 only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BINARY, cliLastLine } from "../helpers/binary";
import { freshPostgresDatabase } from "../helpers/postgres";
import { PostgresDatabase } from "../../src/db/postgres/database";
import { reportRow } from "./summary";

const KILLS = Number(process.env.SOAK_KILLS ?? 3);
const RATE = Number(process.env.SOAK_RATE ?? 100); // requests per second, over both instances
const work = mkdtempSync(join(tmpdir(), "sb-soak-pg-"));
const database = freshPostgresDatabase();

async function start(port: number, data: string) {
  const proc = Bun.spawn([BINARY, "serve", "--port", String(port), "--data", data, "--database", database.url], { stdout: "ignore", stderr: "inherit" });
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

const token = cliLastLine(["token", "create", "soak", "--data", join(work, "a"), "--database", database.url]);
const freePort = () => {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
};
const portA = freePort();
let server = await start(portA, join(work, "a"));
const other = await start(freePort(), join(work, "b"));
const call = async (method: string, path: string, body?: unknown) =>
  (await fetch(`${other.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined })).json();

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
    // Alternating instances, as a load balancer would; while A is down its share fails.
    const target = i % 4 < 2 ? server : other;
    if (i % 2 === 0) {
      const phone = `+1415555${String(4000 + (i % 500))}`;
      const response = await fetch(`${target.url}${hookPath}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone, n: i }) }).catch(() => null);
      if (response?.status === 200) ok.push({ phone, n: i });
    } else {
      const who = contacts[i % contacts.length]!;
      const response = await fetch(`${target.url}${inboundPath}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: who, text: String(i) }) }).catch(() => null);
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
  server = await start(portA, join(work, "a"));
  console.log(`kill ${kill + 1}/${KILLS}: restarted; ${ok.length} webhook requests and ${[...sentPerContact.values()].flat().length} messages answered 200 so far`);
}
await Bun.sleep(2000);
running = false;
await driver;

// Let the relay drain.
const expected = [...sentPerContact.values()].flat().length;
const deadline = Date.now() + 30_000;
while ([...arrivals.values()].flat().length < expected && Date.now() < deadline) await Bun.sleep(100);

// The bucket, shared: a webhook of capacity 50 asked 150 times, half through each instance.
const limited = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "shared bucket" });
await call("PATCH", `/api/v1/inbound-webhooks/${limited.id}`, { active: true, identify: { phone: "phone" }, rate_limit: { capacity: 50, refill_seconds: 86_400 } });
const limitedPath = new URL(limited.url).pathname;
const bucketAnswers = await Promise.all(
  Array.from({ length: 150 }, (_, i) => fetch(`${(i % 2 ? server : other).url}${limitedPath}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone: `+1415556${String(1000 + i)}` }) }).then((r) => r.status)),
);
const acceptedByBucket = bucketAnswers.filter((status) => status === 200).length;

for (const instance of [server, other]) {
  instance.proc.kill("SIGTERM");
  await instance.proc.exited;
}
receiver.stop(true);

const db = new PostgresDatabase(database.url);
const failures: string[] = [];
if (acceptedByBucket !== 50) failures.push(`shared bucket: ${acceptedByBucket} of 150 accepted across both instances, capacity 50`);
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
reportRow(`two instances on PostgreSQL (${KILLS}× kill -9 of one): webhooks`, n >> 1, ok.length, ok.length - missingLogs.length, missingLogs.length);
reportRow("two instances on PostgreSQL: relayed messages", n - (n >> 1), expected, firstArrivalCount, lostMessages);
reportRow("two instances on PostgreSQL: a bucket of 50 asked 150 times", 150, acceptedByBucket, acceptedByBucket, 0);
console.log(`two instances on PostgreSQL: ${KILLS} kills of one, ${ok.length} webhook 200s all logged: ${missingLogs.length === 0}, ${expected} relayed messages, bucket ${acceptedByBucket}/50`);
rmSync(work, { recursive: true, force: true });
database.drop();
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("soak: two instances on PostgreSQL passed");
