// The SQL of the hourly counts: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

export const SQL = {
  UPSERT: "INSERT INTO hourly_counts (hour, name, n) VALUES (?, ?, ?) ON CONFLICT (hour, name) DO UPDATE SET n = hourly_counts.n + excluded.n",
  SELECT_SINCE: "SELECT hour, name, n FROM hourly_counts WHERE hour >= ?",
  DELETE_BEFORE: "DELETE FROM hourly_counts WHERE hour < ?",
} as const;
