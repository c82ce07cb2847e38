// `make soak`, part 6: a target down for an hour, in simulated time. The server runs in process
// on a fake clock; 20 contacts each send 10 messages through an http channel whose gateway
// answers 503 for the first simulated hour, then 200, and the clock steps 15 s at a time for
// 80 minutes, the worker pumped at each step. Afterwards every message must have arrived, each
// contact's in order, with no delivery failed for good; the circuit must have opened and closed
// (one alert, one resolution); and the tries spent while it was open must be the probes alone.
import { startTestServer } from "../helpers/server";
import { fakeClock, standIn } from "../helpers/worker";
import { reportRow } from "./summary";

const CONTACTS = 20;
const PER_CONTACT = 10;
const OUTAGE_MS = 3600_000;
const STEP_MS = 15_000;
const failures: string[] = [];

const clock = fakeClock(Date.now());
const start = clock.now();
const firsts = new Map<string, string>(); // delivery id → text, at its first arrival
const arrivalOrder: string[] = [];
let triesWhileDown = 0;
const gateway = standIn((request, body) => {
  if (clock.now() - start < OUTAGE_MS) {
    triesWhileDown++;
    return new Response("down for maintenance", { status: 503 });
  }
  const id = request.headers.get("webhook-id") ?? "?";
  if (!firsts.has(id)) {
    firsts.set(id, JSON.parse(body).text);
    arrivalOrder.push(JSON.parse(body).text);
  }
  return new Response("ok");
});
const alertsReceived: string[] = [];
const alertSink = standIn(async (_, body) => {
  alertsReceived.push(JSON.parse(body).text);
  return new Response("ok");
});

const server = await startTestServer({}, { clock });
try {
  await server.api("PATCH", "/api/v1/settings", { allow_private_targets: true });
  await server.api("POST", "/api/v1/alert-destinations", { url: `${alertSink.url}/alerts` });
  const bot = await (await server.api("POST", "/api/v1/bots", { name: "Outage", channel: "sms", default_country: "US" })).json();
  await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: `${gateway.url}/send` } });
  const contacts: string[] = [];
  for (let c = 0; c < CONTACTS; c++) contacts.push((await (await server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: `+1628555${String(1000 + c)}` })).json()).user_ns);
  let acknowledged = 0;
  for (let n = 0; n < PER_CONTACT; n++) {
    for (let c = 0; c < CONTACTS; c++) {
      const sent = await server.api("POST", `/api/v1/contacts/${contacts[c]}/messages`, { text: `c${c}-${n}` });
      if (sent.status === 201) acknowledged++;
    }
  }

  let opened = false;
  for (let t = 0; t <= OUTAGE_MS + 20 * 60_000; t += STEP_MS) {
    server.worker.pump();
    await server.worker.idle();
    const target = ((await (await server.api("GET", "/api/v1/targets")).json()).data as { origin: string; state: string }[]).find((row) => row.origin === gateway.url);
    opened ||= target?.state === "open";
    clock.advance(STEP_MS);
  }
  for (let i = 0; i < 5; i++) {
    server.worker.pump();
    await server.worker.idle();
  }

  const rows = server.db.query("SELECT state, count(*) AS n, sum(attempts) AS tries FROM deliveries WHERE kind = 'channel_message' GROUP BY state").all() as { state: string; n: number; tries: number }[];
  const succeeded = rows.find((row) => row.state === "succeeded")?.n ?? 0;
  const lost = acknowledged - firsts.size;
  for (let c = 0; c < CONTACTS; c++) {
    const mine = arrivalOrder.filter((text) => text.startsWith(`c${c}-`));
    if (mine.join() !== Array.from({ length: PER_CONTACT }, (_, n) => `c${c}-${n}`).join()) failures.push(`contact ${c}: arrived as ${mine.join(", ")}`);
  }
  // While the circuit was open only probes went out: the ten that opened it, then one per probe.
  const probeBound = 10 + Math.ceil(Math.log2(OUTAGE_MS / 30_000)) + 2 + Math.ceil(OUTAGE_MS / 3600_000);
  console.log(`target outage (simulated hour): ${acknowledged} messages acknowledged, ${firsts.size} arrived, ${succeeded} succeeded, ${triesWhileDown} tries reached the target while it was down (bound ${probeBound}), circuit opened: ${opened}; alerts: ${alertsReceived.join(" | ")}`);
  reportRow("target down for an hour (simulated time, circuit breaking)", acknowledged, acknowledged, firsts.size, lost);
  if (lost > 0) failures.push(`${lost} messages never arrived`);
  if (rows.some((row) => row.state !== "succeeded")) failures.push(`deliveries not succeeded: ${JSON.stringify(rows)}`);
  if (!opened) failures.push("the circuit never opened");
  if (triesWhileDown > probeBound) failures.push(`${triesWhileDown} tries reached the target while it was down (at most ${probeBound} expected)`);
  const circuitAlerts = alertsReceived.filter((text) => text.includes("is failing"));
  if (circuitAlerts.join() !== [`Alert: ${gateway.url} is failing: its deliveries are held`, `Resolved: ${gateway.url} is failing: its deliveries are held`].join()) failures.push(`circuit alerts: ${circuitAlerts.join(" | ")}`);
} finally {
  await server.close();
  gateway.stop();
  alertSink.stop();
}

if (failures.length) {
  console.error(`soak: target outage FAILED:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
console.log("soak: target outage passed");
