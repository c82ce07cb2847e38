// Channel inbound URLs are secrets like webhook URLs: the request log shows only their first
// four characters, and guesses at them share the per-address allowance of webhook guesses.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { createBot } from "../helpers/inbound";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("channel tokens", () => {
  test("appear in the stdout request log only as their first four characters", async () => {
    const bot = await createBot(server);
    const patched = (await (await server.api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: "http://127.0.0.1:9/send" } })).json()) as { inbound_url: string };
    const path = new URL(patched.inbound_url).pathname;
    const token = path.split("/")[2]!;
    expect((await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: "+14155552671", text: "hi" }) })).status).toBe(200);
    const lines = JSON.stringify(server.logs);
    expect(lines).not.toContain(token);
    expect(server.logs).toContainEqual(expect.objectContaining({ msg: "request", method: "POST", path: `/channels/${token.slice(0, 4)}…/messages`, status: 200 }));
  });

  test("guesses count with webhook guesses: after 30 misses in all, both answer 429 with Retry-After", async () => {
    for (let i = 0; i < 20; i++) expect((await fetch(`${server.url}/hooks/guess${i}`, { method: "POST", body: "{}" })).status).toBe(404);
    for (let i = 0; i < 10; i++) expect((await fetch(`${server.url}/channels/guess${i}/messages`, { method: "POST", body: "{}" })).status).toBe(404);
    const channel = await fetch(`${server.url}/channels/guess-more/twilio`, { method: "POST", body: "" });
    expect(channel.status).toBe(429);
    expect(Number(channel.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await channel.json()) as { error: { code: string } }).error.code).toBe("too_many_requests");
    // The receiver's own 429s (built once per Retry-After value) carry its whole set of headers, each time.
    for (let i = 0; i < 2; i++) {
      const hook = await fetch(`${server.url}/hooks/guess-more-${i}`, { method: "POST", body: "{}" });
      expect(hook.status).toBe(429);
      expect(Number(hook.headers.get("retry-after"))).toBeGreaterThan(0);
      expect([hook.headers.get("content-type"), hook.headers.get("access-control-allow-origin"), hook.headers.get("x-content-type-options")]).toEqual(["application/json", "*", "nosniff"]);
      expect(((await hook.json()) as { error: { code: string } }).error.code).toBe("too_many_requests");
    }
  });
});
