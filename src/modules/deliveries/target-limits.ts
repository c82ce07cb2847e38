// Throttles per target origin, as saved (migration 21) and as the worker reads them (from memory).
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { errors } from "../../http/errors";
import type { TargetLimit } from "./throttle";
import { SQL } from "./repo";

/** The origin a URL's requests are throttled by: scheme://host:port, as the URL standard writes it. */
export function targetOrigin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw errors.validation("origin: an http:// or https:// URL, e.g. https://crm.example.com", "invalid_target_limit");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw errors.validation("origin: an http:// or https:// URL", "invalid_target_limit");
  return parsed.origin;
}

export function createTargetLimits({ db, clock }: { db: Database; clock: Clock }) {
  const selectAll = db.query<TargetLimit & { updated_at: number }, []>(SQL.SELECT_TARGET_LIMITS);
  const upsert = db.query(SQL.UPSERT_TARGET_LIMIT);
  const remove = db.query(SQL.DELETE_TARGET_LIMIT);
  // Read for every claimed delivery: kept in memory, refreshed on every change.
  let byOrigin: Map<string, TargetLimit> | null = null;
  const all = () => (byOrigin ??= new Map(selectAll.all().map((row) => [row.origin, { origin: row.origin, count: row.count, per: row.per, concurrency: row.concurrency }])));

  return {
    /** Another instance changed what this keeps in memory (several instances on PostgreSQL). */
    forgetCached(): void {
      byOrigin = null;
    },
    list: (): TargetLimit[] => [...all().values()],
    /** The limit of the origin a delivery goes to, or null when it has none. */
    forOrigin: (origin: string): TargetLimit | null => all().get(origin) ?? null,
    put(input: { origin: string; count: number; per: "second" | "minute"; concurrency?: number | null }): TargetLimit {
      const origin = targetOrigin(input.origin);
      upsert.run(origin, input.count, input.per, input.concurrency ?? null, clock.now());
      byOrigin = null;
      return all().get(origin)!;
    },
    remove(originText: string): void {
      const origin = targetOrigin(originText);
      if (!all().has(origin)) throw errors.notFound("target limit", origin);
      remove.run(origin);
      byOrigin = null;
    },
  };
}

export type TargetLimits = ReturnType<typeof createTargetLimits>;
