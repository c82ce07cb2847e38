// Throttles per target origin: a limit of 5 a second holds while each contact's messages still
// arrive in order, and waiting for room costs no try. Real time, a stand-in gateway on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { standIn } from "../helpers/worker";

let server: TestServer;
const arrivals: { at: number; text: string }[] = [];
const gateway = standIn(async (_, body) => {
  arrivals.push({ at: performance.now(), text: JSON.parse(body).text });
  return new Response("ok");
});

beforeAll(async () => {
  server = await startTestServer();
  await server.api("PATCH", "/api/v1/settings", { allow_private_targets: true });
});
afterAll(async () => {
  await server.close();
  gateway.stop();
});

describe("target limits", () => {
  test("set, listed by origin, refused when not a URL, removed", async () => {
    const set = await server.api("PUT", "/api/v1/target-limits", { origin: "https://crm.example.com/api/leads?x=1", count: 10, per: "minute", concurrency: 2 });
    expect(await set.json()).toEqual({ origin: "https://crm.example.com", count: 10, per: "minute", concurrency: 2 });
    expect((await (await server.api("GET", "/api/v1/target-limits")).json()).data).toEqual([{ origin: "https://crm.example.com", count: 10, per: "minute", concurrency: 2 }]);
    const bad = await server.api("PUT", "/api/v1/target-limits", { origin: "ftp://files.example.com", count: 1, per: "second" });
    expect((await bad.json()).error.code).toBe("invalid_target_limit");
    expect((await server.api("DELETE", "/api/v1/target-limits?origin=https://crm.example.com")).status).toBe(204);
    expect((await server.api("DELETE", "/api/v1/target-limits?origin=https://crm.example.com")).status).toBe(404);
  });

  test("5 a second is never exceeded, each contact's messages arrive in order, and waiting costs no try", async () => {
    await server.api("PUT", "/api/v1/target-limits", { origin: gateway.url, count: 5, per: "second" });
    const bot = await (await server.api("POST", "/api/v1/bots", { name: "Gateway", channel: "sms", default_country: "US" })).json();
    await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: `${gateway.url}/send` } });
    const contacts: string[] = [];
    for (let c = 0; c < 3; c++) contacts.push((await (await server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: `+1415555096${c}` })).json()).user_ns);
    for (let n = 0; n < 4; n++) for (let c = 0; c < 3; c++) await server.api("POST", `/api/v1/contacts/${contacts[c]}/messages`, { text: `c${c}-${n}` });

    for (let i = 0; i < 300 && arrivals.length < 12; i++) await Bun.sleep(20);
    expect(arrivals).toHaveLength(12);
    // In any second, at most 5 arrived (allowing the receiver 20 ms of scheduling jitter).
    const busiest = Math.max(...arrivals.map((a) => arrivals.filter((b) => b.at > a.at - 980 && b.at <= a.at).length));
    expect(busiest).toBe(5);
    for (let c = 0; c < 3; c++) expect(arrivals.filter((a) => a.text.startsWith(`c${c}-`)).map((a) => a.text)).toEqual([0, 1, 2, 3].map((n) => `c${c}-${n}`));
    // The last arrival's attempt is recorded once its answer is read, a moment after it arrived.
    const unfinished = () => server.db.query<{ n: number }, []>("SELECT count(*) AS n FROM deliveries WHERE kind = 'channel_message' AND state = 'sending'").get()!.n;
    for (let i = 0; i < 100 && unfinished() > 0; i++) await Bun.sleep(10);
    expect(server.db.query("SELECT DISTINCT attempts, state FROM deliveries WHERE kind = 'channel_message'").all()).toEqual([{ attempts: 1, state: "succeeded" }]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(Number(/switchboard_deliveries_held_total\{reason="throttle"\} (\d+)/.exec(metrics)![1])).toBeGreaterThan(0);
  }, 20_000);
});
