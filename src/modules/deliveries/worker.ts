// The relay worker: claims due deliveries with a lease, sends them, records every attempt,
// and reschedules or finishes them. At-least-once; strictly in order per ordering key; a
// bounded number in flight; wakes as soon as a delivery is queued.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import type { HourlyCounts } from "../system/hourly";
import type { Metrics } from "../system/metrics";
import type { GroupCommit } from "../../db/group-commit";
import { signAll } from "../../lib/standard-webhooks";
import type { Settings } from "../settings/service";
import type { Deliveries, Delivery } from "./service";
import { judge, parseRetryAfter, retryDelayMs } from "./retry";
import { resolveTarget, systemLookup, type Lookup } from "./target-policy";
import { SQL } from "./repo";
import { readStreamCapped } from "../../http/body";
import { originOf } from "../../lib/write-only";
import { createThrottle, type TargetLimit } from "./throttle";
import type { Circuits } from "./circuits";

export const RESPONSE_BYTES_KEPT = 2048;
/** An http_request's answer is read this far, for its action's response handling (only the first RESPONSE_BYTES_KEPT are kept). */
export const RESPONSE_BYTES_READ = 64 * 1024;
/** A lease outlives the timeout by this much before another claim may take the row. */
const LEASE_MARGIN_MS = 30_000;
const IDLE_CHECK_MS = 5_000;


export interface WorkerDeps {
  db: Database;
  clock: Clock;
  settings: Settings;
  deliveries: Deliveries;
  groupCommit?: GroupCommit;
  fetch?: typeof fetch;
  lookup?: Lookup;
  random?: () => number;
  log?: (line: Record<string, unknown>) => void;
  hourly?: HourlyCounts;
  metrics?: Metrics;
  /** Throttles per target origin (see throttle.ts); none when absent. */
  limitFor?: (origin: string) => TargetLimit | null;
  /** Circuit breaking per target origin (see circuits.ts); none when absent. */
  circuits?: Circuits;
  /**
   * Hears every finished attempt inside its transaction (a message's state follows its
   * delivery; an http_request's action reads the answer).
   */
  onAttempted?: (delivery: Delivery, state: Delivery["state"], answer: { status: number | null; body: string | null; error: string | null }) => void;
}

/** The start of an answer's body, as text: what an attempt keeps of it. */
async function readCapped(response: Response, max: number): Promise<string> {
  return new TextDecoder().decode((await readStreamCapped(response.body, max)).bytes);
}

export function createWorker(deps: WorkerDeps) {
  const { db, clock, settings } = deps;
  const send = deps.fetch ?? fetch;
  const lookup = deps.lookup ?? systemLookup;
  const random = deps.random ?? Math.random;
  const log = deps.log ?? (() => {});
  const claimable = db.query<Delivery, any>(SQL.CLAIMABLE);
  const lease = db.query(SQL.LEASE);
  const nextDue = db.query<{ due: number | null }, []>(SQL.NEXT_DUE);
  const releaseExpired = db.query(SQL.RELEASE_EXPIRED);
  const releaseOne = db.query(SQL.RELEASE_ONE);
  const insertAttempt = db.query(SQL.INSERT_ATTEMPT);
  const finish = db.query(SQL.FINISH);
  const postpone = db.query(SQL.POSTPONE);
  // A delivery's target origin is read at its claim, its attempt and its end: URLs repeat (a
  // channel's gateway, the integration), so each is parsed once. Bounded.
  const origins = new Map<string, string | null>();
  function originFor(url: string | null): string | null {
    if (!url) return null;
    let origin = origins.get(url);
    if (origin === undefined) {
      origin = originOf(url);
      if (origins.size >= 10_000) origins.clear();
      origins.set(url, origin);
    }
    return origin;
  }
  const throttle = createThrottle(deps.limitFor ?? (() => null));

  const inFlight = new Map<number, Promise<void>>();
  const stopController = new AbortController();
  let stopped = true;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pumping = false;
  let pumpAgain = false;

  /**
   * Leases due deliveries to send. One whose target origin is at its throttle is not sent: it
   * waits (no try counted) until the origin has room, still the head of its contact's queue.
   */
  function claim(limit: number, timeoutMs: number): Delivery[] {
    return db.transaction(() => {
      const now = clock.now();
      const claimed: Delivery[] = [];
      for (const row of claimable.all({ now, limit })) {
        const origin = originFor(row.target_url);
        // An open circuit holds its target's deliveries (but for one probe) until it closes.
        const circuit = origin && deps.circuits ? deps.circuits.admit(origin, now) : { ok: true as const };
        if (!circuit.ok) {
          postpone.run(circuit.until, row.id);
          deps.metrics?.increment("switchboard_deliveries_held_total", "circuit");
          continue;
        }
        const room = origin ? throttle.take(origin, now) : { ok: true as const };
        if (!room.ok) {
          if (origin) deps.circuits?.released(origin);
          postpone.run(now + room.waitMs, row.id);
          deps.metrics?.increment("switchboard_deliveries_held_total", "throttle");
          continue;
        }
        lease.run(now + timeoutMs + LEASE_MARGIN_MS, now, row.id);
        claimed.push(row);
      }
      return claimed;
    }).immediate();
  }

  /**
   * The headers an attempt sends: the row's own, the secrets its owner holds now, and the
   * delivery's name (`webhook-id`, the same on each retry, so receivers can drop duplicates);
   * with a secret, also its Standard Webhooks signature. A reason instead when it must not go.
   */
  function headersFor(delivery: Delivery): { ok: true; headers: Headers } | { ok: false; reason: string } {
    const credentials = deps.deliveries.credentialsFor(delivery);
    if (!credentials.ok) return credentials;
    const timestamp = Math.floor(clock.now() / 1000);
    const named = { ...(JSON.parse(delivery.headers) as Record<string, string>), ...credentials.headers, "webhook-id": delivery.public_id, "webhook-timestamp": String(timestamp) };
    // Space-separated signatures, one per secret, while a rotation overlaps (Standard Webhooks).
    const secrets = [credentials.secret, credentials.previousSecret].filter((secret): secret is string => !!secret);
    const signed = secrets.length ? { ...named, "webhook-signature": signAll(secrets, delivery.public_id, timestamp, delivery.body ?? "") } : named;
    try {
      return { ok: true, headers: new Headers(signed) };
    } catch (error) {
      return { ok: false, reason: `a header cannot be sent (${(error as Error).message})` };
    }
  }

  async function attempt(delivery: Delivery, timeoutMs: number, allowPrivate: boolean): Promise<void> {
    const startedAt = clock.now();
    const started = performance.now();
    let status: number | null = null;
    let response: string | null = null;
    let fullResponse: string | null = null;
    let error: string | null = null;
    let retryAfter: number | undefined;
    let refused = false;

    // One deadline for the name lookup and the request together.
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stopController.signal]);
    try {
      const headers = headersFor(delivery);
      const target = !headers.ok ? null : delivery.target_url ? await resolveTarget(delivery.target_url, allowPrivate, lookup, signal) : { ok: false as const, reason: "the delivery has no target URL" };
      if (!headers.ok) {
        // Trying again cannot help: fail now, with the reason.
        error = `not sent: ${headers.reason}`;
        refused = true;
      } else if (!target!.ok) {
        error = `target refused: ${target!.reason}`;
        refused = !target!.retryable;
      } else {
        // The judged address is the one connected to; the name travels in Host (and SNI).
        headers.headers.set("host", target!.hostHeader);
        const answer = await send(target!.connectUrl, {
          method: delivery.method,
          headers: headers.headers,
          body: delivery.method === "GET" || delivery.method === "HEAD" ? undefined : (delivery.body ?? undefined),
          redirect: "manual",
          signal,
          ...(target!.serverName ? { tls: { serverName: target!.serverName } } : {}),
        } as RequestInit);
        status = answer.status;
        retryAfter = parseRetryAfter(answer.headers.get("retry-after"), clock.now());
        fullResponse = await readCapped(answer, delivery.kind === "http_request" ? RESPONSE_BYTES_READ : RESPONSE_BYTES_KEPT);
        response = fullResponse.length > RESPONSE_BYTES_KEPT ? fullResponse.slice(0, RESPONSE_BYTES_KEPT) : fullResponse;
      }
    } catch (caught) {
      if (stopController.signal.aborted) {
        // Shutting down: not an attempt. The row goes back to the queue untouched.
        const origin = originFor(delivery.target_url);
        if (origin) deps.circuits?.released(origin);
        releaseOne.run(delivery.id);
        return;
      }
      const name = (caught as Error)?.name;
      error = name === "TimeoutError" || name === "AbortError" ? `no answer within ${timeoutMs / 1000} s` : ((caught as Error)?.message ?? String(caught));
    }

    const verdict = refused ? "failed" : judge(status);
    const attemptsMade = delivery.attempts + 1;
    const delay = verdict === "retry" ? retryDelayMs(attemptsMade, random(), retryAfter) : null;
    const state = verdict === "succeeded" ? "succeeded" : delay === null ? "failed" : "pending";
    const now = clock.now();
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    deps.metrics?.observeAttempt(durationMs / 1000);
    const record = () => {
      insertAttempt.run(delivery.id, startedAt, durationMs, status, response, error);
      if (state !== "pending") deps.hourly?.add(state === "succeeded" ? "deliveries_succeeded" : "deliveries_failed");
      finish.run(state, delay === null ? now : now + delay, status, response, error, now, delivery.id);
      deps.onAttempted?.(delivery, state, { status, body: fullResponse, error });
      // A delivery refused before sending (its target or headers) says nothing of the target's health.
      const origin = originFor(delivery.target_url);
      if (origin && !refused) deps.circuits?.record(origin, status, error, now);
    };
    // Results finishing together share one commit when a group commit is at hand.
    if (deps.groupCommit) await deps.groupCommit.run(record);
    else db.transaction(record).immediate();
    log({ level: state === "failed" ? "warn" : "info", msg: "delivery attempt", delivery: delivery.public_id, kind: delivery.kind, status, error, state, attempt: attemptsMade });
  }

  function scheduleTimer(claimedNothing: boolean) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    const due = nextDue.get()?.due ?? null;
    let wait = due === null ? IDLE_CHECK_MS : Math.min(IDLE_CHECK_MS, Math.max(0, due - clock.now()));
    // Due rows that could not be claimed wait on an earlier row of their key (or on a free
    // slot); finishing that one pumps again, so no need to spin.
    if (wait === 0 && claimedNothing) wait = 1000;
    timer = setTimeout(() => void pump(), wait);
    timer.unref?.();
  }

  // Every enqueue and every finished attempt asks for a pump; those of one turn of the event
  // loop share it, so one claim transaction fills many free slots instead of one each.
  let pumpScheduled = false;
  function pumpSoon(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  }

  /** Claims as many due deliveries as there are free slots and starts them. */
  function pump(): void {
    if (stopped) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    let claimedAny = false;
    try {
      do {
        pumpAgain = false;
        const config = settings.get();
        const free = config.max_deliveries_in_flight - inFlight.size;
        if (free <= 0) break;
        const timeoutMs = config.delivery_timeout_seconds * 1000;
        const claimed = claim(free, timeoutMs);
        claimedAny ||= claimed.length > 0;
        for (const delivery of claimed) {
          const running = attempt(delivery, timeoutMs, config.allow_private_targets)
            .catch((error) => {
              log({ level: "error", msg: "delivery attempt crashed", delivery: delivery.public_id, error: String(error) });
              const origin = originFor(delivery.target_url);
              if (origin) deps.circuits?.released(origin);
              releaseOne.run(delivery.id);
            })
            .finally(() => {
              const origin = originFor(delivery.target_url);
              if (origin) throttle.finished(origin);
              inFlight.delete(delivery.id);
              pumpSoon();
            });
          inFlight.set(delivery.id, running);
        }
        if (claimed.length === free) pumpAgain = true;
      } while (pumpAgain);
    } catch (error) {
      log({ level: "error", msg: "delivery claim failed", error: String(error) });
    } finally {
      pumping = false;
    }
    scheduleTimer(!claimedAny);
  }

  return {
    start() {
      stopped = false;
      // A previous process that died mid-attempt left leases behind: those rows go again.
      releaseExpired.run(Number.MAX_SAFE_INTEGER);
      deps.deliveries.onEnqueue(pumpSoon);
      pump();
    },
    pump,
    /** Resolves when nothing is in flight and no pump is about to start more (tests, shutdown). */
    async idle(): Promise<void> {
      while (inFlight.size > 0 || pumpScheduled) {
        if (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
        else await new Promise((resolve) => setImmediate(resolve));
      }
    },
    inFlight: () => inFlight.size,
    /** Stops claiming, gives in-flight attempts `graceMs`, then hands the rest back to the queue. */
    async stop(graceMs = 5000): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref?.());
      await Promise.race([Promise.allSettled([...inFlight.values()]), grace]);
      stopController.abort();
      await Promise.allSettled([...inFlight.values()]);
      releaseExpired.run(Number.MAX_SAFE_INTEGER);
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
