// Pruning: request logs and finished deliveries older than the retention setting, and
// idempotency keys older than their 24 h window, deleted in small batches so a prune never
// holds the write lock for long.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import type { Settings } from "../settings/service";
import { IDEMPOTENCY_WINDOW_MS } from "./receiver";

const BATCH = 1000;
// Logs are appended in time order, so the oldest are the lowest ids (no index on the time).
// A prune walks windows of BATCH ids from the lowest and stops at the first window holding
// rows but nothing expired: past it, everything is newer.
const DELETE_OLD_LOGS = `DELETE FROM webhook_logs WHERE id >= ? AND id < ? AND received_at < ?`;
const NEXT_LOG_ID = "SELECT min(id) AS id FROM webhook_logs WHERE id >= ?";
const DELETE_OLD_HOURS = "DELETE FROM hourly_counts WHERE hour < ?";
const DELETE_OLD_DELIVERIES = `DELETE FROM deliveries WHERE id IN
  (SELECT id FROM deliveries WHERE state IN ('succeeded', 'failed') AND updated_at < ? ORDER BY id LIMIT ${BATCH})`;
const DELETE_OLD_KEYS = `DELETE FROM idempotency_keys WHERE (webhook_id, key) IN
  (SELECT webhook_id, key FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ${BATCH})`;

export function createRetention({ db, clock, settings }: { db: Database; clock: Clock; settings: Settings }) {
  const deleteLogs = db.query(DELETE_OLD_LOGS);
  const nextLogId = db.query<{ id: number | null }, [number]>(NEXT_LOG_ID);
  const deleteHours = db.query(DELETE_OLD_HOURS);
  const deleteKeys = db.query(DELETE_OLD_KEYS);
  const deleteDeliveries = db.query(DELETE_OLD_DELIVERIES);

  /** One pass; returns how many rows went. Yields between batches so requests interleave. */
  async function prune(): Promise<{ logs: number; keys: number; deliveries: number }> {
    const now = clock.now();
    const logCutoff = now - settings.get().log_retention_days * 86_400_000;
    const removed = { logs: 0, keys: 0, deliveries: 0 };
    for (let from = nextLogId.get(0)!.id; from !== null; from = nextLogId.get(from + BATCH)!.id) {
      const changes = deleteLogs.run(from, from + BATCH, logCutoff).changes;
      removed.logs += changes;
      if (changes === 0) break;
      await Bun.sleep(0);
    }
    // The dashboard's hourly counts follow the log retention too (a handful of rows a day).
    deleteHours.run(Math.floor(logCutoff / 3_600_000));
    // Finished deliveries (and their attempts) follow the log retention; pending ones never go.
    for (;;) {
      const changes = deleteDeliveries.run(logCutoff).changes;
      removed.deliveries += changes;
      if (changes < BATCH) break;
      await Bun.sleep(0);
    }
    for (;;) {
      const changes = deleteKeys.run(now - IDEMPOTENCY_WINDOW_MS).changes;
      removed.keys += changes;
      if (changes < BATCH) break;
      await Bun.sleep(0);
    }
    return removed;
  }

  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    prune,
    start(everyMs = 3600_000) {
      prune().catch(() => {});
      timer = setInterval(() => prune().catch(() => {}), everyMs);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
