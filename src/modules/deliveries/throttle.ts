// Limits per target origin that the relay worker honours: at most `count` requests started in any
// `per` window (a sliding window, so "5 a second" is never 10 in a second across a boundary),
// and at most `concurrency` in flight. A delivery over a limit is not sent and costs no try: it
// waits, still the head of its contact's queue, until its origin has room.
export interface TargetLimit {
  origin: string;
  /** Requests started per window. */
  count: number;
  /** The window: a second or a minute. */
  per: "second" | "minute";
  /** Requests in flight at once (null: no limit). */
  concurrency: number | null;
}

const WINDOW_MS = { second: 1000, minute: 60_000 } as const;

export function createThrottle(limitFor: (origin: string) => TargetLimit | null) {
  const started = new Map<string, number[]>();
  const inFlight = new Map<string, number>();

  return {
    /**
     * Whether a request to `origin` may start at `now` (and if so, it is counted as started and
     * in flight); otherwise how many ms until one may.
     */
    take(origin: string, now: number): { ok: true } | { ok: false; waitMs: number } {
      const limit = limitFor(origin);
      if (!limit) return { ok: true };
      const window = WINDOW_MS[limit.per];
      const times = (started.get(origin) ?? []).filter((t) => t > now - window);
      if (times.length >= limit.count) return { ok: false, waitMs: times[0]! + window - now };
      // With nothing in flight to finish, a full origin would wait forever: it waits a moment instead.
      if (limit.concurrency !== null && (inFlight.get(origin) ?? 0) >= limit.concurrency) return { ok: false, waitMs: 50 };
      times.push(now);
      started.set(origin, times);
      inFlight.set(origin, (inFlight.get(origin) ?? 0) + 1);
      return { ok: true };
    },
    /** A request taken above has finished (answered, failed or given up). */
    finished(origin: string): void {
      const count = (inFlight.get(origin) ?? 1) - 1;
      if (count > 0) inFlight.set(origin, count);
      else inFlight.delete(origin);
    },
  };
}

export type Throttle = ReturnType<typeof createThrottle>;
