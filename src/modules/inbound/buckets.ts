// Each webhook's rate-limit bucket. Buckets live in memory while the server runs, so a refused
// request costs no write; taken tokens are written back in the same transaction as the requests
// that took them (persist runs before each group commit), so a restart never refills a bucket.
// On PostgreSQL several instances share each bucket: it is read locked and written back inside
// the request's own transaction (see SELECT_BUCKET), and memory keeps nothing.
import type { Database } from "bun:sqlite";
import { isPostgres } from "../../db/index";
import { takeToken, type BucketState } from "../../lib/token-bucket";
import { SQL } from "./repo";

interface Limited {
  id: number;
  rate_capacity: number;
  rate_refill_seconds: number;
  bucket_tokens: number;
  bucket_updated_at: number;
}

export function createBuckets({ db }: { db: Database }) {
  const selectBucket = db.query<{ bucket_tokens: number; bucket_updated_at: number }, [number]>(SQL.SELECT_BUCKET);
  const updateBucket = db.query(SQL.UPDATE_BUCKET);
  const buckets = new Map<number, BucketState>();
  const takenSinceSaved = new Set<number>();
  const shared = isPostgres(db);

  /** The bucket as it is now: in memory, else read fresh (never from a cached webhook row). */
  function of(webhook: Limited): BucketState {
    if (shared) {
      const row = selectBucket.get(webhook.id);
      return { tokens: row?.bucket_tokens ?? webhook.bucket_tokens, updatedAt: row?.bucket_updated_at ?? webhook.bucket_updated_at };
    }
    const known = buckets.get(webhook.id);
    if (known) return known;
    const row = selectBucket.get(webhook.id);
    const state = { tokens: row?.bucket_tokens ?? webhook.bucket_tokens, updatedAt: row?.bucket_updated_at ?? webhook.bucket_updated_at };
    buckets.set(webhook.id, state);
    return state;
  }

  return {
    of,
    /** The bucket as the webhook's row is about to hold it (the row's write saves it). */
    saved(id: number, state: BucketState): void {
      if (shared) return;
      buckets.set(id, state);
      takenSinceSaved.delete(id);
    },
    forget(id: number): void {
      buckets.delete(id);
      takenSinceSaved.delete(id);
    },
    /** Takes one token; `restore` puts the bucket back as it was (a request rolled back). */
    take(webhook: Limited, now: number) {
      const before = of(webhook);
      const result = takeToken(before, { capacity: webhook.rate_capacity, refillSeconds: webhook.rate_refill_seconds }, now);
      if (shared) {
        // Written now, in the request's savepoint: a rollback gives the token back by itself.
        if (result.allowed) updateBucket.run(result.state.tokens, result.state.updatedAt, webhook.id);
        return { ...result, restore: () => {} };
      }
      buckets.set(webhook.id, result.state);
      // A refusal leaves the bucket as it was (only its arithmetic moved on): nothing to save.
      if (result.allowed) takenSinceSaved.add(webhook.id);
      return { ...result, restore: () => void buckets.set(webhook.id, before) };
    },
    /** Writes the buckets that changed; called inside the group commit's transaction. */
    persist(): void {
      for (const id of takenSinceSaved) {
        const state = buckets.get(id);
        if (state) updateBucket.run(state.tokens, state.updatedAt, id);
      }
      takenSinceSaved.clear();
    },
    remaining(webhook: Limited, now: number): number {
      const perMs = webhook.rate_capacity / (webhook.rate_refill_seconds * 1000);
      const bucket = of(webhook);
      return Math.floor(Math.min(webhook.rate_capacity, bucket.tokens + Math.max(0, now - bucket.updatedAt) * perMs));
    },
  };
}

export type Buckets = ReturnType<typeof createBuckets>;
