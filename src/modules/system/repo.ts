// The SQL of the hourly counts: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

import { sqlFor } from "../../db/postgres/dialect";

export const SQL = {
  UPSERT: "INSERT INTO hourly_counts (hour, name, n) VALUES (?, ?, ?) ON CONFLICT (hour, name) DO UPDATE SET n = hourly_counts.n + excluded.n",
  SELECT_SINCE: "SELECT hour, name, n FROM hourly_counts WHERE hour >= ?",
  DELETE_BEFORE: "DELETE FROM hourly_counts WHERE hour < ?",
  // Shared limits (migration 24; used by several instances on PostgreSQL). A token bucket in one
  // statement: refilled by the time passed, and a token taken when there is one. A row comes
  // back only when a token was taken; a refusal leaves the row as it was (the same refill later).
  TAKE_SHARED_TOKEN: sqlFor({
    sqlite: `INSERT INTO shared_limits (key, value, until) VALUES ($key, $capacity - 1, $now)
  ON CONFLICT (key) DO UPDATE SET value = min($capacity, shared_limits.value + max(0, $now - shared_limits.until) * $perMs) - 1, until = $now
  WHERE min($capacity, shared_limits.value + max(0, $now - shared_limits.until) * $perMs) >= 1
  RETURNING value`,
    postgres: `INSERT INTO shared_limits (key, value, until) VALUES ($key, $capacity::float8 - 1, $now::bigint)
  ON CONFLICT (key) DO UPDATE SET value = least($capacity::float8, shared_limits.value + greatest(0, $now::bigint - shared_limits.until) * $perMs::float8) - 1, until = $now::bigint
  WHERE least($capacity::float8, shared_limits.value + greatest(0, $now::bigint - shared_limits.until) * $perMs::float8) >= 1
  RETURNING value`,
  }),
  SELECT_SHARED_LIMIT: "SELECT value, until FROM shared_limits WHERE key = ?",
  // Failures counted in a window: the count starts again once the window has passed.
  COUNT_SHARED_FAILURE: sqlFor({
    sqlite: `INSERT INTO shared_limits (key, value, until) VALUES ($key, 1, $now + $windowMs)
  ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN shared_limits.until <= $now THEN 1 ELSE shared_limits.value + 1 END,
    until = CASE WHEN shared_limits.until <= $now THEN $now + $windowMs ELSE shared_limits.until END
  RETURNING value, until`,
    postgres: `INSERT INTO shared_limits (key, value, until) VALUES ($key, 1, $now::bigint + $windowMs::bigint)
  ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN shared_limits.until <= $now THEN 1 ELSE shared_limits.value + 1 END,
    until = CASE WHEN shared_limits.until <= $now THEN $now::bigint + $windowMs::bigint ELSE shared_limits.until END
  RETURNING value, until`,
  }),
  DELETE_SHARED_LIMIT: "DELETE FROM shared_limits WHERE key = ?",
  DELETE_SHARED_LIMITS_BEFORE: "DELETE FROM shared_limits WHERE until < ?",
} as const;
