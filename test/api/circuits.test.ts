// Circuit breaking per target: a target that fails opens its circuit (its deliveries wait
// without spending tries), one probe goes out at growing intervals, the first success closes it;
// a target failing for five days is disabled until enabled by hand. A fake clock moves time.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { fakeClock, standIn } from "../helpers/worker";

let server: TestServer;
const clock = fakeClock(Date.now());
let up = false;
const target = standIn(() => (up ? new Response("ok") : new Response("maintenance", { status: 503 })));
const alwaysDown = standIn(() => new Response("gone", { status: 502 }));

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  await server.api("PATCH", "/api/v1/settings", { allow_private_targets: true });
});
afterAll(async () => {
  await server.close();
  target.stop();
  alwaysDown.stop();
});

async function pump() {
  server.worker.pump();
  await server.worker.idle();
}
const health = async (origin: string) => ((await (await server.api("GET", "/api/v1/targets")).json()).data as Record<string, unknown>[]).find((t) => t.origin === origin);
const attemptsTo = (url: string) => (server.db.query("SELECT sum(attempts) AS n FROM deliveries WHERE target_url LIKE ?").get(`${url}%`) as { n: number }).n;

/** A bot whose http channel sends to `url`, and one message to each of `n` contacts. */
async function messagesTo(url: string, n: number, prefix: string) {
  const bot = await (await server.api("POST", "/api/v1/bots", { name: "Gateway", channel: "sms", default_country: "US" })).json();
  await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: `${url}/send` } });
  for (let i = 0; i < n; i++) {
    const contact = await (await server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: `${prefix}${String(i).padStart(2, "0")}` })).json();
    await server.api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { text: `hello ${i}` });
  }
}

describe("circuit breaking", () => {
  test("ten failures open the circuit; held deliveries spend no tries; one probe at growing intervals; the first success closes it and the rest go", async () => {
    await messagesTo(target.url, 10, "+141555509");
    await pump();
    expect(target.received).toHaveLength(10);
    expect(await health(target.url)).toEqual({ origin: target.url, state: "open", attempts: 10, failures: 10, failing_since: new Date(clock.now()).toISOString(), next_probe_at: new Date(clock.now() + 30_000).toISOString(), last_error: "HTTP 503" });

    clock.advance(10_000); // the retries are due, the probe is not
    await pump();
    expect(target.received).toHaveLength(10);
    expect(attemptsTo(target.url)).toBe(10);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('switchboard_target_circuits{state="open"} 1');
    expect(Number(/switchboard_deliveries_held_total\{reason="circuit"\} (\d+)/.exec(metrics)![1])).toBeGreaterThanOrEqual(10);

    clock.advance(20_000); // the first probe is due: one request, still down
    await pump();
    expect(target.received).toHaveLength(11);
    const afterProbe = await health(target.url);
    expect(afterProbe).toMatchObject({ state: "open", next_probe_at: new Date(clock.now() + 60_000).toISOString() });

    up = true;
    clock.advance(60_000);
    await pump(); // the probe succeeds and closes the circuit
    expect(await health(target.url)).toMatchObject({ state: "closed" });
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000);
      await pump();
    }
    expect(server.db.query("SELECT state, count(*) AS n FROM deliveries WHERE target_url LIKE ? GROUP BY state").all(`${target.url}%`)).toEqual([{ state: "succeeded", n: 10 }]);
    expect(attemptsTo(target.url)).toBe(target.received.length); // every try reached the target: none spent while held
  });

  test("a target failing for five days is disabled with no more probes, until enabled by hand", async () => {
    await messagesTo(alwaysDown.url, 10, "+141555519");
    await pump();
    expect((await health(alwaysDown.url))!).toMatchObject({ state: "open" });
    for (let hours = 0; hours < 5 * 24 + 2; hours++) {
      clock.advance(3600_000);
      await pump();
    }
    expect(await health(alwaysDown.url)).toMatchObject({ state: "disabled", next_probe_at: null, last_error: "HTTP 502" });
    const probes = alwaysDown.received.length;
    clock.advance(24 * 3600_000);
    await pump();
    expect(alwaysDown.received).toHaveLength(probes);

    expect(server.services.alerts.isOpen(`disabled:${alwaysDown.url}`)).toBe(true);
    const enabled = await server.api("POST", "/api/v1/targets/enable", { origin: `${alwaysDown.url}/send` });
    expect(await enabled.json()).toEqual({ origin: alwaysDown.url, state: "closed" });
    expect((await server.api("POST", "/api/v1/targets/enable", { origin: alwaysDown.url })).status).toBe(404);
    expect([server.services.alerts.isOpen(`disabled:${alwaysDown.url}`), server.services.alerts.isOpen(`circuit:${alwaysDown.url}`)]).toEqual([false, false]);
  }, 30_000);
});
