// Counts per clock hour (webhook requests, deliveries sent and failed) for the dashboard. Added
// in memory by the work that happens and written by persist(), which runs inside each group
// commit: the counts are as durable as the rows they count, for one upsert per batch.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { SQL } from "./repo";

export type HourlyName = "webhook_requests" | "deliveries_succeeded" | "deliveries_failed";
const HOUR_MS = 3_600_000;


export function createHourlyCounts({ db, clock }: { db: Database; clock: Clock }) {
  const upsert = db.query(SQL.UPSERT);
  const selectSince = db.query<{ hour: number; name: HourlyName; n: number }, [number]>(SQL.SELECT_SINCE);
  const deleteBefore = db.query(SQL.DELETE_BEFORE);
  let pending = new Map<string, { hour: number; name: HourlyName; n: number }>();

  return {
    add(name: HourlyName, by = 1): void {
      const hour = Math.floor(clock.now() / HOUR_MS);
      const key = `${hour} ${name}`;
      const entry = pending.get(key);
      if (entry) entry.n += by;
      else pending.set(key, { hour, name, n: by });
    },
    /** Inside a transaction (the group commit's). */
    persist(): void {
      if (pending.size === 0) return;
      for (const { hour, name, n } of pending.values()) upsert.run(hour, name, n);
      pending = new Map();
    },
    /** The last `hours` clock hours, oldest first, the current one last. */
    recent(hours = 24): { hourStart: number; counts: Record<HourlyName, number> }[] {
      const current = Math.floor(clock.now() / HOUR_MS);
      const first = current - hours + 1;
      const rows = Array.from({ length: hours }, (_, i) => ({ hourStart: (first + i) * HOUR_MS, counts: { webhook_requests: 0, deliveries_succeeded: 0, deliveries_failed: 0 } }));
      for (const { hour, name, n } of [...selectSince.all(first), ...pending.values()]) {
        if (hour >= first && hour <= current) rows[hour - first]!.counts[name] += n;
      }
      return rows;
    },
    prune(before: number): number {
      return deleteBefore.run(Math.floor(before / HOUR_MS)).changes;
    },
  };
}

export type HourlyCounts = ReturnType<typeof createHourlyCounts>;
