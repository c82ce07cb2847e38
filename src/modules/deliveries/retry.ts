// When to try a delivery again: exponential steps with jitter, at most MAX_ATTEMPTS tries.
// Pure: the caller passes the random number.
export const RETRY_SCHEDULE_SECONDS = [5, 30, 120, 600, 1800, 3600, 10_800, 21_600, 43_200] as const;
/** The first try plus one retry per step of the schedule; then the delivery has failed. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length + 1;
const JITTER = 0.2;
const MAX_RETRY_AFTER_SECONDS = 3600;

/**
 * Delay before try number `attemptsMade + 1`, or null when no tries are left.
 * `retryAfterSeconds` (from a 429 or 503) is honoured, clamped to an hour, never shortened.
 */
export function retryDelayMs(attemptsMade: number, random: number, retryAfterSeconds?: number): number | null {
  if (attemptsMade >= MAX_ATTEMPTS) return null;
  const base = RETRY_SCHEDULE_SECONDS[Math.min(attemptsMade, RETRY_SCHEDULE_SECONDS.length) - 1]!;
  const jittered = base * (1 - JITTER + 2 * JITTER * random);
  const floor = retryAfterSeconds !== undefined ? Math.min(retryAfterSeconds, MAX_RETRY_AFTER_SECONDS) : 0;
  return Math.round(Math.max(jittered, floor) * 1000);
}

/** Reads `Retry-After` as seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export type Verdict = "succeeded" | "retry" | "failed";

/** 2xx succeeds; network errors, timeouts, 408, 429 and 5xx are retried; anything else fails now. */
export function judge(status: number | null): Verdict {
  if (status === null) return "retry";
  if (status >= 200 && status < 300) return "succeeded";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "failed";
}
