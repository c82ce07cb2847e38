// Failed-login counting per client address, so a password cannot be guessed at speed.
// In memory on purpose: a restart forgetting the counts costs an attacker a restart.
import type { Clock } from "../../lib/clock";

export function createLoginLimiter({ clock, maxFailures = 10, windowMs = 15 * 60_000 }: { clock: Clock; maxFailures?: number; windowMs?: number }) {
  const failures = new Map<string, { count: number; resetAt: number }>();

  function current(ip: string) {
    const entry = failures.get(ip);
    if (entry && entry.resetAt <= clock.now()) {
      failures.delete(ip);
      return undefined;
    }
    return entry;
  }

  return {
    /** Seconds until this address may try again, or 0 when it may try now. */
    retryAfter(ip: string): number {
      const entry = current(ip);
      return entry && entry.count >= maxFailures ? Math.ceil((entry.resetAt - clock.now()) / 1000) : 0;
    },
    recordFailure(ip: string): void {
      const entry = current(ip) ?? { count: 0, resetAt: clock.now() + windowMs };
      entry.count += 1;
      failures.set(ip, entry);
      // Bound memory under a flood from many addresses: forget the oldest entries.
      if (failures.size > 10_000) failures.delete(failures.keys().next().value!);
    },
    recordSuccess(ip: string): void {
      failures.delete(ip);
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
