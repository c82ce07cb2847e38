// Killing the server (SIGKILL) while a receiver is down loses no delivery: after a restart
// and with the receiver back, every one arrives, in order per contact.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { runCli, spawnServer } from "./helpers/process";
import { tempDir } from "./helpers/server";

const dir = tempDir("sb-crash-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("kill -9 with the receiver down, restart, receiver up: nothing is lost", async () => {
  const data = join(dir, "data");
  const token = (await runCli(["token", "create", "crash", "--data", data])).stdout.trim().split("\n").at(-1)!;
  // A port that nothing listens on yet.
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port;
  probe.stop(true);

  const first = await spawnServer(["--data", data]);
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${first.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const bot = await (await api("POST", "/api/v1/bots", { name: "Crash", channel: "sms", default_country: "US" })).json();
  const webhook = await (await api("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "w" })).json();
  await api("PATCH", `/api/v1/inbound-webhooks/${webhook.id}`, {
    active: true,
    identify: { phone: "phone" },
    actions: [{ type: "http_request", url: `http://127.0.0.1:${port}/crm`, body: { n: "{{payload.n}}" } }],
  });
  const hook = `${first.url}${new URL(webhook.url).pathname}`;
  for (let n = 0; n < 5; n++) {
    const response = await fetch(hook, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone: "+14155550170", n }) });
    expect(response.status).toBe(200);
  }
  // Killed once the worker has tried the first and found the receiver down.
  for (const until = Date.now() + 10_000; ; await Bun.sleep(20)) {
    const list = await (await api("GET", "/api/v1/deliveries")).json();
    if (list.data.some((delivery: { attempts: number }) => delivery.attempts > 0)) break;
    if (Date.now() > until) throw new Error("the worker never tried a delivery");
  }
  first.child.kill("SIGKILL");
  await first.child.exited;

  const arrived: number[] = [];
  const receiver = Bun.serve({ hostname: "127.0.0.1", port, fetch: async (request) => (arrived.push(Number((await request.json()).n)), new Response("ok")) });
  const second = await spawnServer(["--data", data]);
  try {
    const until = Date.now() + 15_000;
    while (arrived.length < 5 && Date.now() < until) await Bun.sleep(50);
    // One contact: each arrives once, in the order the requests came (nothing was received
    // before the kill, so at-least-once leaves no repeat here).
    expect(arrived).toEqual([0, 1, 2, 3, 4]);
    const list = await (await fetch(`${second.url}/api/v1/deliveries?state=succeeded`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(list.counts).toMatchObject({ succeeded: 5, pending: 0, sending: 0, failed: 0 });
  } finally {
    receiver.stop(true);
    second.child.kill("SIGTERM");
    await second.child.exited;
  }
}, 60_000);
