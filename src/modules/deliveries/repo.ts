// The SQL of deliveries and their attempts: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

import { sqlFor } from "../../db/postgres/dialect";

/** Rows a prune deletes at once, so it never holds the write lock for long. */
export const PRUNE_BATCH = 1000;

export const SQL = {
  OLDEST_PENDING: "SELECT created_at FROM deliveries WHERE state = 'pending' ORDER BY id LIMIT 1",
  DELETE_FINISHED_BEFORE: `DELETE FROM deliveries WHERE id IN
  (SELECT id FROM deliveries WHERE state IN ('succeeded', 'failed') AND updated_at < ? ORDER BY id LIMIT ${PRUNE_BATCH})`,
  INSERT_DELIVERY: `INSERT INTO deliveries (public_id, kind, ordering_key, bot_id, message_id, target_url, method, headers, body, secret_ref, next_attempt_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  FAIL_AT_ONCE: "UPDATE deliveries SET state = 'failed', last_error = ? WHERE id = ? RETURNING *",
  SELECT_BY_PUBLIC_ID: "SELECT * FROM deliveries WHERE public_id = ?",
  SELECT_ATTEMPTS: "SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id",
  COUNT_BY_STATE: "SELECT state, count(*) AS n FROM deliveries GROUP BY state",
  SELECT_FOR_MESSAGES: "SELECT * FROM deliveries WHERE kind = ? AND message_id IN (SELECT value FROM json_each(?))",
  RETRY_ONE: `UPDATE deliveries SET state = 'pending', next_attempt_at = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'failed'`,
  // Throttles per target origin (migration 21): a handful of rows, read whole into memory.
  SELECT_TARGET_LIMITS: "SELECT * FROM target_limits ORDER BY origin",
  UPSERT_TARGET_LIMIT: `INSERT INTO target_limits (origin, count, per, concurrency, updated_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (origin) DO UPDATE SET count = excluded.count, per = excluded.per, concurrency = excluded.concurrency, updated_at = excluded.updated_at`,
  DELETE_TARGET_LIMIT: "DELETE FROM target_limits WHERE origin = ?",
  POSTPONE: "UPDATE deliveries SET state = 'pending', lease_until = NULL, next_attempt_at = ? WHERE id = ?",
  // Circuits per target origin (migration 22): a handful of rows, read whole into memory.
  SELECT_CIRCUITS: "SELECT * FROM target_circuits",
  UPSERT_CIRCUIT: `INSERT INTO target_circuits (origin, state, opened_at, failing_since, next_probe_at, probe_ms, last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (origin) DO UPDATE SET state = excluded.state, opened_at = excluded.opened_at, failing_since = excluded.failing_since,
  next_probe_at = excluded.next_probe_at, probe_ms = excluded.probe_ms, last_error = excluded.last_error, updated_at = excluded.updated_at`,
  // Alerts (migration 23).
  SELECT_OPEN_ALERT: "SELECT * FROM alerts WHERE key = ? AND resolved_at IS NULL",
  SELECT_OPEN_ALERTS: "SELECT * FROM alerts WHERE resolved_at IS NULL ORDER BY id DESC",
  SELECT_ALERTS: "SELECT * FROM alerts ORDER BY id DESC LIMIT ?",
  INSERT_ALERT: "INSERT INTO alerts (key, title, details, opened_at) VALUES (?, ?, ?, ?) RETURNING *",
  RESOLVE_ALERT: "UPDATE alerts SET resolved_at = ? WHERE id = ?",
  SELECT_ALERT_DESTINATIONS: "SELECT * FROM alert_destinations ORDER BY id",
  SELECT_ALERT_DESTINATION: "SELECT * FROM alert_destinations WHERE id = ?",
  INSERT_ALERT_DESTINATION: "INSERT INTO alert_destinations (url, secret, created_at) VALUES (?, ?, ?) RETURNING *",
  DELETE_ALERT_DESTINATION: "DELETE FROM alert_destinations WHERE id = ?",
  SELECT_ALERT_THRESHOLDS: "SELECT config FROM alert_thresholds WHERE id = 1",
  UPSERT_ALERT_THRESHOLDS: "INSERT INTO alert_thresholds (id, config) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET config = excluded.config",
  LAST_FAILED_ID: "SELECT max(id) AS id FROM deliveries WHERE state = 'failed'",
  RETRY_FAILED: `UPDATE deliveries SET state = 'pending', next_attempt_at = ?, lease_until = NULL, updated_at = ? WHERE state = 'failed' AND updated_at >= ?`,
  // The oldest due row of each ordering key only: a key's later rows wait for its earlier ones.
  CLAIMABLE: sqlFor({
    sqlite: `SELECT d.* FROM deliveries d
  WHERE d.state = 'pending' AND d.next_attempt_at <= $now
    AND (d.ordering_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM deliveries p WHERE p.ordering_key = d.ordering_key AND p.id < d.id AND p.state IN ('pending', 'sending')))
  ORDER BY d.next_attempt_at, d.id LIMIT $limit`,
    // Several instances claim at once: a row another instance is claiming is skipped, not waited
    // for. A key's later row still waits: its head is 'pending' or 'sending' to every instance.
    postgres: `SELECT d.* FROM deliveries d
  WHERE d.state = 'pending' AND d.next_attempt_at <= $now
    AND (d.ordering_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM deliveries p WHERE p.ordering_key = d.ordering_key AND p.id < d.id AND p.state IN ('pending', 'sending')))
  ORDER BY d.next_attempt_at, d.id LIMIT $limit FOR UPDATE OF d SKIP LOCKED`,
  }),
  LEASE: "UPDATE deliveries SET state = 'sending', lease_until = ?, updated_at = ? WHERE id = ?",
  NEXT_DUE: "SELECT min(next_attempt_at) AS due FROM deliveries WHERE state = 'pending'",
  RELEASE_EXPIRED: "UPDATE deliveries SET state = 'pending', lease_until = NULL WHERE state = 'sending' AND (lease_until IS NULL OR lease_until < ?)",
  RELEASE_ONE: "UPDATE deliveries SET state = 'pending', lease_until = NULL WHERE id = ? AND state = 'sending'",
  INSERT_ATTEMPT: "INSERT INTO delivery_attempts (delivery_id, started_at, duration_ms, status, response, error) VALUES (?, ?, ?, ?, ?, ?)",
  FINISH: `UPDATE deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL, last_status = ?,
  last_response = ?, last_error = ?, updated_at = ? WHERE id = ?`,
  RECORD_FOLLOW_UP: "UPDATE deliveries SET follow_up = ? WHERE id = ?",
  SELECT_BY_ORDERING_KEY: "SELECT * FROM deliveries WHERE ordering_key = ? ORDER BY id DESC LIMIT ?",
} as const;

/** A LIKE pattern for text anywhere in a value: % and _ in it mean the characters. */
const likeContaining = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A page of deliveries, newest first: by kind, state, part of the target URL, below an id. */
export function deliveriesPage(filter: { kind?: string; state?: string; target?: string; before?: number }, limit: number): { sql: string; params: Record<string, string | number> } {
  const where: string[] = [];
  const params: Record<string, string | number> = { limit };
  if (filter.kind) {
    where.push("kind = $kind");
    params.kind = filter.kind;
  }
  if (filter.state) {
    where.push("state = $state");
    params.state = filter.state;
  }
  if (filter.target) {
    where.push("target_url LIKE $target ESCAPE '\\'");
    params.target = likeContaining(filter.target);
  }
  if (filter.before !== undefined) {
    where.push("id < $before");
    params.before = filter.before;
  }
  return { sql: `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT $limit`, params };
}

/** What a bulk retry picks: failed deliveries up to an id, by kind, target, bot and when they failed. */
export interface FailedFilter {
  kind?: string;
  target?: string;
  botId?: number;
  /** When it failed (its last update), from included, to not. */
  from?: number;
  to?: number;
}

/** The count and the ids (oldest first) of the failed deliveries a filter picks, up to `$until`. */
export function failedMatching(filter: FailedFilter): { count: string; ids: string; params: Record<string, string | number> } {
  const where = ["state = 'failed'", "id <= $until"];
  const params: Record<string, string | number> = {};
  if (filter.kind) {
    where.push("kind = $kind");
    params.kind = filter.kind;
  }
  if (filter.target) {
    where.push("target_url LIKE $target ESCAPE '\\'");
    params.target = likeContaining(filter.target);
  }
  if (filter.botId !== undefined) {
    where.push("bot_id = $bot");
    params.bot = filter.botId;
  }
  if (filter.from !== undefined) {
    where.push("updated_at >= $from");
    params.from = filter.from;
  }
  if (filter.to !== undefined) {
    where.push("updated_at < $to");
    params.to = filter.to;
  }
  const clause = where.join(" AND ");
  return { count: `SELECT count(*) AS n FROM deliveries WHERE ${clause}`, ids: `SELECT id FROM deliveries WHERE ${clause} ORDER BY id`, params };
}
