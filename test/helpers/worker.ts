// A relay worker on a fresh data dir with a clock the test moves, and stand-in receivers.
import { rmSync } from "node:fs";
import type { Server } from "bun";
import { openDataDir } from "../../src/db/index";
import { createDeliveries, type NewDelivery } from "../../src/modules/deliveries/service";
import { createWorker, type WorkerDeps } from "../../src/modules/deliveries/worker";
import { createSettings } from "../../src/modules/settings/service";
import { tempDir } from "./server";

export function fakeClock(start = Date.UTC(2026, 10, 23, 12)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms), set: (ms: number) => void (now = ms) };
}

export function workerWorld(options: Partial<Pick<WorkerDeps, "fetch" | "lookup" | "random">> = {}) {
  const dir = tempDir("sb-worker-");
  const db = openDataDir(dir);
  const clock = fakeClock();
  const settings = createSettings({ db });
  const deliveries = createDeliveries({ db, clock });
  const logs: Record<string, unknown>[] = [];
  const worker = createWorker({ db, clock, settings, deliveries, random: () => 0.5, log: (line) => logs.push(line), ...options });
  return {
    db,
    clock,
    settings,
    deliveries,
    worker,
    logs,
    enqueue: (input: Partial<NewDelivery> & { targetUrl: string }) => db.transaction(() => deliveries.enqueue({ kind: "http_request", body: "{}", ...input }))(),
    row: (publicId: string) => deliveries.get(publicId),
    /** Pumps and waits until nothing is in flight. */
    async settle() {
      worker.pump();
      await worker.idle();
    },
    async close() {
      await worker.stop(100);
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A stand-in receiver on 127.0.0.1 whose answers the test decides. */
export function standIn(answer: (request: Request, body: string) => Response | Promise<Response>) {
  const received: { method: string; path: string; headers: Headers; body: string }[] = [];
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const body = await request.text();
      received.push({ method: request.method, path: new URL(request.url).pathname + new URL(request.url).search, headers: request.headers, body });
      return answer(request, body);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, received, stop: () => server.stop(true) };
}

/** Stand-ins answering 200 "ok", each stopped after its test (call `stopAll` in afterEach). */
export function okReceivers() {
  const stops: (() => unknown)[] = [];
  return {
    open() {
      const r = standIn(() => new Response("ok"));
      stops.push(r.stop);
      return r;
    },
    stopAll: () => Promise.all(stops.splice(0).map((stop) => stop())),
  };
}
