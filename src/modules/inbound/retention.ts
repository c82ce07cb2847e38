// Pruning: request logs and finished deliveries older than the retention setting, audit rows
// older than theirs, and idempotency keys older than their 24 h window, deleted in small
// batches so a prune never holds the write lock for long.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import type { Settings } from "../settings/service";
import type { Deliveries } from "../deliveries/service";
import type { HourlyCounts } from "../system/hourly";
import type { SharedLimits } from "../system/shared-limits";
import { onOneInstance } from "../../db/chores";
import type { Audit } from "../audit/service";
import { IDEMPOTENCY_WINDOW_MS } from "./receiver";
import { SQL, BATCH } from "./repo";

export function createRetention({ db, clock, settings, deliveries, hourly, sharedLimits, audit }: { db: Database; clock: Clock; settings: Settings; deliveries: Deliveries; hourly: HourlyCounts; sharedLimits?: SharedLimits; audit?: Audit }) {
  const deleteLogs = db.query(SQL.DELETE_OLD_LOGS);
  const nextLogId = db.query<{ id: number | null }, [number]>(SQL.NEXT_LOG_ID);
  const deleteKeys = db.query(SQL.DELETE_OLD_KEYS);

  /** One pass; returns how many rows went. Yields between batches so requests interleave. */
  async function prune(): Promise<{ logs: number; keys: number; deliveries: number; audit: number }> {
    const now = clock.now();
    const logCutoff = now - settings.get().log_retention_days * 86_400_000;
    const removed = { logs: 0, keys: 0, deliveries: 0, audit: 0 };
    for (let from = nextLogId.get(0)!.id; from !== null; from = nextLogId.get(from + BATCH)!.id) {
      const changes = deleteLogs.run(from, from + BATCH, logCutoff).changes;
      removed.logs += changes;
      if (changes === 0) break;
      await Bun.sleep(0);
    }
    // The dashboard's hourly counts follow the log retention too (a handful of rows a day).
    hourly.prune(logCutoff);
    // Finished deliveries (and their attempts) follow the log retention; pending ones never go.
    for (;;) {
      const { changes, more } = deliveries.pruneFinished(logCutoff);
      removed.deliveries += changes;
      if (!more) break;
      await Bun.sleep(0);
    }
    for (;;) {
      const changes = deleteKeys.run(now - IDEMPOTENCY_WINDOW_MS).changes;
      removed.keys += changes;
      if (changes < BATCH) break;
      await Bun.sleep(0);
    }
    // The audit log has a retention of its own (a year by default: audits look further back).
    if (audit) removed.audit = await audit.prune(now - settings.get().audit_retention_days * 86_400_000);
    // Shared limits (several instances): guesses and failures an hour old limit nothing any more.
    sharedLimits?.prune(now - 3600_000);
    return removed;
  }
  /** One instance at a time prunes (several on PostgreSQL); the others skip that hour. */
  const pruneOnce = () => onOneInstance(db, "retention", prune);

  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    prune,
    start(everyMs = 3600_000) {
      pruneOnce().catch(() => {});
      timer = setInterval(() => pruneOnce().catch(() => {}), everyMs);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
