// Login attempts per client address, so a password cannot be guessed at speed. An attempt is
// counted before the (slow) password check and forgiven only when it succeeds, and only a few
// may be in flight per address: 100 parallel guesses are not 100 checks. Limits are per
// address only, so nobody can lock out an address that has never failed.
// In memory on purpose: a restart forgetting the counts costs an attacker a restart. Several
// instances on PostgreSQL count failures together (`shared`); attempts in flight stay per instance.
import type { Clock } from "../../lib/clock";
import type { SharedLimits } from "../system/shared-limits";

export type LoginAttempt = { allowed: true; finish(succeeded: boolean): void } | { allowed: false; retryAfterSeconds: number };

export function createLoginLimiter({ clock, maxFailures = 10, windowMs = 15 * 60_000, maxInFlight = 3, shared = null }: { clock: Clock; maxFailures?: number; windowMs?: number; maxInFlight?: number; shared?: SharedLimits | null }) {
  const byAddress = new Map<string, { count: number; resetAt: number; inFlight: number }>();

  function current(ip: string) {
    const entry = byAddress.get(ip);
    if (entry && entry.resetAt <= clock.now() && entry.inFlight === 0) {
      byAddress.delete(ip);
      return undefined;
    }
    return entry;
  }

  const inFlight = new Map<string, number>();
  /** Counted first, in one statement every instance sees: the attempt goes ahead only if it is within the limit. */
  function beginShared(ip: string, limits: SharedLimits): LoginAttempt {
    const key = `login:${ip}`;
    const now = clock.now();
    const current = limits.failures(key, now);
    if (current.count >= maxFailures) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((current.until - now) / 1000)) };
    if ((inFlight.get(ip) ?? 0) >= maxInFlight) return { allowed: false, retryAfterSeconds: 1 };
    const counted = limits.countFailure(key, windowMs, now);
    if (counted.count > maxFailures) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((counted.until - now) / 1000)) };
    inFlight.set(ip, (inFlight.get(ip) ?? 0) + 1);
    let finished = false;
    return {
      allowed: true,
      finish(succeeded) {
        if (finished) return;
        finished = true;
        const left = (inFlight.get(ip) ?? 1) - 1;
        if (left > 0) inFlight.set(ip, left);
        else inFlight.delete(ip);
        if (succeeded) limits.forget(key);
      },
    };
  }

  return {
    /** Counts an attempt from `ip` now, or refuses it; `finish` says how the check went. */
    begin(ip: string): LoginAttempt {
      if (shared) return beginShared(ip, shared);
      const entry = current(ip) ?? { count: 0, resetAt: clock.now() + windowMs, inFlight: 0 };
      if (entry.count >= maxFailures) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((entry.resetAt - clock.now()) / 1000)) };
      if (entry.inFlight >= maxInFlight) return { allowed: false, retryAfterSeconds: 1 };
      entry.count += 1;
      entry.inFlight += 1;
      byAddress.set(ip, entry);
      // Bound memory under a flood from many addresses: forget the oldest entries.
      if (byAddress.size > 10_000) byAddress.delete(byAddress.keys().next().value!);
      let finished = false;
      return {
        allowed: true,
        finish(succeeded) {
          if (finished) return;
          finished = true;
          entry.inFlight -= 1;
          if (succeeded) byAddress.delete(ip);
        },
      };
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
