// The SQL of installation settings: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

export const SQL = {
  SELECT_SETTINGS: "SELECT key, value FROM team_settings",
  UPSERT_SETTING: "INSERT INTO team_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  // Health means the database takes writes: a full disk or a read-only file shows here first.
  PROBE: "INSERT INTO team_settings (key, value) VALUES ('health_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  // Internal values other modules keep here (the admin's setup token hash), by key.
  SELECT_VALUE: "SELECT value FROM team_settings WHERE key = ?",
  DELETE_VALUE: "DELETE FROM team_settings WHERE key = ?",
} as const;
