// The relay worker against stand-in receivers: outcomes, retries, limits, policy, ordering,
// restarts. Time moves on a fake clock; no test sleeps for a retry.
import { afterEach, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { standIn, workerWorld } from "../helpers/worker";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});
function world(options: Parameters<typeof workerWorld>[0] = {}) {
  const w = workerWorld(options);
  cleanup.push(() => w.close());
  w.worker.start();
  return w;
}
/** Until `check` holds, or fails after `ms`: an event waited for, not a guessed sleep. */
async function until(check: () => boolean, what: string, ms = 5_000) {
  for (const deadline = Date.now() + ms; !check(); await Bun.sleep(2)) if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
}
function receiver(answer: Parameters<typeof standIn>[0]) {
  const r = standIn(answer);
  cleanup.push(r.stop);
  return r;
}

describe("relay worker", () => {
  test("a 2xx succeeds; the attempt is recorded; the signature verifies independently", async () => {
    const secretBytes = Buffer.from("0123456789abcdef0123456789abcdef");
    const target = receiver(() => new Response("thanks", { status: 202 }));
    const w = world();
    // Secrets come from their owner when sending, never from the queue row.
    w.deliveries.registerCredentials("owner", () => ({ ok: true, headers: { authorization: "Bearer from-owner" }, secret: `whsec_${secretBytes.toString("base64")}` }));
    const delivery = w.enqueue({ targetUrl: `${target.url}/hook`, body: '{"a":1}', headers: { "content-type": "application/json", "x-custom": "yes" }, secretRef: "owner:1" });
    await w.settle();
    expect(w.row(delivery.public_id)).toMatchObject({ state: "succeeded", attempts: 1, last_status: 202, last_response: "thanks" });
    const [request] = target.received;
    expect(request!.headers.get("x-custom")).toBe("yes");
    expect(request!.headers.get("authorization")).toBe("Bearer from-owner");
    const id = request!.headers.get("webhook-id")!;
    const timestamp = request!.headers.get("webhook-timestamp")!;
    expect(id).toBe(delivery.public_id);
    const expected = createHmac("sha256", secretBytes).update(`${id}.${timestamp}.${request!.body}`).digest("base64");
    expect(request!.headers.get("webhook-signature")).toBe(`v1,${expected}`);
    expect(w.deliveries.attempts(w.row(delivery.public_id))).toHaveLength(1);
    expect(() => w.deliveries.retry(delivery.public_id)).toThrow(/Only failed deliveries/);
  });

  test("500 then 200: retried after the first step of the schedule, both attempts recorded", async () => {
    let calls = 0;
    const target = receiver(() => new Response(calls++ === 0 ? "busy" : "ok", { status: calls === 1 ? 500 : 200 }));
    const w = world();
    const delivery = w.enqueue({ targetUrl: target.url });
    await w.settle();
    const waiting = w.row(delivery.public_id);
    expect(waiting).toMatchObject({ state: "pending", attempts: 1, last_status: 500 });
    expect(waiting.next_attempt_at - w.clock.now()).toBe(5_000); // the documented first step
    w.clock.advance(5_000 - 1);
    await w.settle();
    expect(w.row(delivery.public_id).attempts).toBe(1); // not yet due
    w.clock.advance(1);
    await w.settle();
    expect(w.row(delivery.public_id)).toMatchObject({ state: "succeeded", attempts: 2 });
    expect(w.deliveries.attempts(w.row(delivery.public_id)).map((a) => a.status)).toEqual([500, 200]);
    // Unsigned, yet named: both tries carry the same webhook-id, so the receiver can drop a repeat.
    expect(target.received.map((r) => r.headers.get("webhook-id"))).toEqual([delivery.public_id, delivery.public_id]);
    expect(target.received.every((r) => r.headers.get("webhook-signature") === null)).toBe(true);
  });

  test("a 400 fails at once; so does a redirect, which is not followed", async () => {
    const target = receiver((request) => (request.url.endsWith("/moved") ? new Response(null, { status: 302, headers: { location: "http://169.254.169.254/" } }) : new Response("bad", { status: 400 })));
    const w = world();
    const bad = w.enqueue({ targetUrl: `${target.url}/bad` });
    const moved = w.enqueue({ targetUrl: `${target.url}/moved` });
    await w.settle();
    expect(w.row(bad.public_id)).toMatchObject({ state: "failed", attempts: 1, last_status: 400 });
    expect(w.row(moved.public_id)).toMatchObject({ state: "failed", attempts: 1, last_status: 302 });
    expect(target.received).toHaveLength(2);
  });

  test("a receiver slower than the timeout is retried later", async () => {
    const target = receiver(() => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response("late")), 3000)));
    const w = world();
    w.settings.update({ delivery_timeout_seconds: 1 });
    const delivery = w.enqueue({ targetUrl: target.url });
    await w.settle();
    expect(w.row(delivery.public_id)).toMatchObject({ state: "pending", attempts: 1, last_error: "no answer within 1 s" });
  });

  test("connection refused is retried", async () => {
    const closed = receiver(() => new Response("never"));
    closed.stop();
    const w = world();
    const delivery = w.enqueue({ targetUrl: closed.url });
    await w.settle();
    const row = w.row(delivery.public_id);
    expect(row.state).toBe("pending");
    expect(row.last_error).toBeTruthy();
  });

  test("429 with Retry-After waits at least that long", async () => {
    const target = receiver(() => new Response("slow down", { status: 429, headers: { "retry-after": "120" } }));
    const w = world();
    const delivery = w.enqueue({ targetUrl: target.url });
    await w.settle();
    const row = w.row(delivery.public_id);
    expect(row.state).toBe("pending");
    expect(row.next_attempt_at - w.clock.now()).toBe(120_000);
  });

  test("after the last attempt the delivery is failed, and a retry queues it again", async () => {
    const target = receiver(() => new Response("down", { status: 503 }));
    const w = world();
    const delivery = w.enqueue({ targetUrl: target.url });
    for (let i = 0; i < 10 + 2; i++) {
      await w.settle();
      w.clock.advance(13 * 3600_000);
    }
    expect(w.row(delivery.public_id)).toMatchObject({ state: "failed", attempts: 10 });
    expect(target.received).toHaveLength(10);
    w.deliveries.retry(delivery.public_id);
    await w.settle();
    expect(w.row(delivery.public_id).attempts).toBe(10 + 1);
    expect(w.deliveries.retryFailed()).toBe(1);
  });

  test("link-local and metadata targets are refused, even behind a name", async () => {
    const w = world({ lookup: async (host) => (host === "innocent.example" ? ["169.254.169.254"] : ["93.184.216.34"]) });
    const byName = w.enqueue({ targetUrl: "http://innocent.example/latest/meta-data" });
    const literal = w.enqueue({ targetUrl: "http://[fe80::1]/" });
    const metadataName = w.enqueue({ targetUrl: "http://metadata.google.internal/computeMetadata/v1/" });
    await w.settle();
    for (const d of [byName, literal, metadataName]) {
      const row = w.row(d.public_id);
      expect(row.state).toBe("failed");
      expect(row.last_error).toContain("target refused");
    }
  });

  test("loopback targets are refused when allow_private_targets is off", async () => {
    const target = receiver(() => new Response("ok"));
    const w = world();
    w.settings.update({ allow_private_targets: false });
    const delivery = w.enqueue({ targetUrl: target.url });
    await w.settle();
    expect(w.row(delivery.public_id)).toMatchObject({ state: "failed" });
    expect(w.row(delivery.public_id).last_error).toContain("allow_private_targets");
    expect(target.received).toHaveLength(0);
  });

  test("100 messages to one contact arrive in order while the receiver fails at random", async () => {
    let seed = 42;
    const flaky = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) < 0.35;
    const accepted: number[] = [];
    const target = receiver((_, body) => {
      if (flaky()) return new Response("flap", { status: 500 });
      accepted.push(JSON.parse(body).n);
      return new Response("ok");
    });
    const w = world();
    w.db.transaction(() => {
      for (let n = 0; n < 100; n++) w.deliveries.enqueue({ kind: "relay", orderingKey: "contact:1", targetUrl: target.url, body: JSON.stringify({ n }) });
    })();
    for (let round = 0; round < 400 && accepted.length < 100; round++) {
      await w.settle();
      w.clock.advance(3600_000);
    }
    expect(accepted).toEqual(Array.from({ length: 100 }, (_, n) => n));
  });

  test("a slow contact does not delay another", async () => {
    const arrivals: string[] = [];
    // The slow contact's receiver answers only once the other contact's delivery has arrived:
    // if the worker held one for the other, the slow one would give up waiting first.
    let fastArrived!: () => void;
    const fast = new Promise<void>((resolve) => (fastArrived = resolve));
    const target = receiver(async (request, body) => {
      const who = JSON.parse(body).who;
      if (who === "slow") await Promise.race([fast, Bun.sleep(5_000)]);
      if (who === "fast") fastArrived();
      arrivals.push(who);
      return new Response("ok");
    });
    const w = world();
    w.db.transaction(() => {
      w.deliveries.enqueue({ kind: "relay", orderingKey: "contact:slow", targetUrl: target.url, body: '{"who":"slow"}' });
      w.deliveries.enqueue({ kind: "relay", orderingKey: "contact:slow", targetUrl: target.url, body: '{"who":"slow-second"}' });
      w.deliveries.enqueue({ kind: "relay", orderingKey: "contact:fast", targetUrl: target.url, body: '{"who":"fast"}' });
    })();
    await w.settle();
    expect(arrivals).toEqual(["fast", "slow", "slow-second"]);
  });

  test("after a restart, pending deliveries and one leased mid-attempt all arrive", async () => {
    const target = receiver(() => new Response("ok"));
    const w = workerWorld();
    cleanup.push(() => w.close());
    // As a crashed process leaves them: never started, and one claimed with a live lease.
    const pending = [0, 1, 2].map((n) => w.enqueue({ targetUrl: target.url, orderingKey: "contact:9", body: `{"n":${n}}` }));
    w.db.run("UPDATE deliveries SET state = 'sending', lease_until = ? WHERE id = ?", [w.clock.now() + 60_000, pending[0]!.id]);
    w.worker.start();
    await w.worker.idle();
    await w.settle();
    expect(pending.map((d) => w.row(d.public_id).state)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(target.received.map((r) => JSON.parse(r.body).n)).toEqual([0, 1, 2]);
  });

  test("stopping hands an unfinished attempt back to the queue without counting it", async () => {
    const target = receiver(() => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response("late")), 2000)));
    const w = workerWorld();
    cleanup.push(() => w.db.close());
    w.worker.start();
    const delivery = w.enqueue({ targetUrl: target.url });
    await until(() => target.received.length === 1, "the receiver has the request");
    expect(w.row(delivery.public_id).state).toBe("sending");
    await w.worker.stop(50);
    expect(w.row(delivery.public_id)).toMatchObject({ state: "pending", attempts: 0 });
  });

  test("the worker wakes as soon as a delivery is queued", async () => {
    const target = receiver(() => new Response("ok"));
    const w = world();
    await w.worker.idle();
    const delivery = w.enqueue({ targetUrl: target.url });
    // Idle, the worker looks again only every 5 s: sent well before that, it was woken.
    await until(() => w.row(delivery.public_id).state === "succeeded", "the delivery succeeded", 2_000);
  });
});
