// Unknown webhook tokens are counted per source address and refused quickly once an address
// guesses too often, so scanning for URLs is slow and cheap to answer. Several instances on
// PostgreSQL count together (`shared`): a guesser gains nothing by spreading over them.
import type { Clock } from "../../lib/clock";
import { takeToken, type BucketState } from "../../lib/token-bucket";
import type { SharedLimits } from "../system/shared-limits";

export function createScanGuard({ clock, capacity = 30, refillSeconds = 60, shared = null }: { clock: Clock; capacity?: number; refillSeconds?: number; shared?: SharedLimits | null }) {
  const buckets = new Map<string, BucketState>();
  return {
    /** Records one miss; returns seconds to wait when the address is over its allowance. */
    recordMiss(ip: string): number {
      const now = clock.now();
      if (shared) {
        const result = shared.take(`scan:${ip}`, { capacity, refillSeconds }, now);
        return result.allowed ? 0 : result.retryAfterSeconds;
      }
      const result = takeToken(buckets.get(ip) ?? { tokens: capacity, updatedAt: now }, { capacity, refillSeconds }, now);
      buckets.delete(ip); // re-insert: the Map's order is then least recently seen first
      buckets.set(ip, result.state);
      if (buckets.size > 50_000) buckets.delete(buckets.keys().next().value!);
      return result.allowed ? 0 : result.retryAfterSeconds;
    },
  };
}

export type ScanGuard = ReturnType<typeof createScanGuard>;
