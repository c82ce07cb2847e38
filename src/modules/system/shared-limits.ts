// Limits that several instances on one PostgreSQL share (unknown-token guesses, failed logins):
// each check is one atomic statement on the shared_limits table, so two instances do not each
// allow the whole limit. Old rows are pruned with the hourly counts.
import type { Database } from "bun:sqlite";
import { SQL } from "./repo";

export function createSharedLimits({ db }: { db: Database }) {
  const takeToken = db.query<{ value: number }, any>(SQL.TAKE_SHARED_TOKEN);
  const select = db.query<{ value: number; until: number }, [string]>(SQL.SELECT_SHARED_LIMIT);
  const countFailure = db.query<{ value: number; until: number }, any>(SQL.COUNT_SHARED_FAILURE);
  const remove = db.query(SQL.DELETE_SHARED_LIMIT);
  const pruneBefore = db.query(SQL.DELETE_SHARED_LIMITS_BEFORE);

  return {
    /** Takes a token from the bucket `key`; when none is left, the seconds until one is. */
    take(key: string, { capacity, refillSeconds }: { capacity: number; refillSeconds: number }, now: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
      const perMs = capacity / (refillSeconds * 1000);
      if (takeToken.get({ key, capacity, now, perMs })) return { allowed: true };
      const row = select.get(key);
      const tokens = row ? Math.min(capacity, row.value + Math.max(0, now - row.until) * perMs) : 0;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
    },
    /** Counts a failure under `key` in a window of `windowMs`; the count so far and when it ends. */
    countFailure: (key: string, windowMs: number, now: number): { count: number; until: number } => {
      const row = countFailure.get({ key, now, windowMs })!;
      return { count: row.value, until: row.until };
    },
    /** The failures counted under `key` (0 once its window has passed). */
    failures(key: string, now: number): { count: number; until: number } {
      const row = select.get(key);
      return row && row.until > now ? { count: row.value, until: row.until } : { count: 0, until: now };
    },
    forget: (key: string): void => void remove.run(key),
    /** Rows no limit needs any more: windows ended and buckets long full again. */
    prune: (before: number): number => pruneBefore.run(before).changes,
  };
}

export type SharedLimits = ReturnType<typeof createSharedLimits>;
