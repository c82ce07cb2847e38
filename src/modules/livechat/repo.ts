// The SQL of the live-chat integration and sub-flows: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

export const SQL = {
  SELECT: "SELECT value FROM team_settings WHERE key = ?",
  UPSERT: "INSERT INTO team_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  INSERT: "INSERT INTO sub_flows (bot_id, sub_flow_ns, name, actions, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
  SELECT_BY_NS: "SELECT * FROM sub_flows WHERE sub_flow_ns = ?",
  SELECT_BY_ID: "SELECT * FROM sub_flows WHERE id = ?",
  SELECT_BY_BOT: "SELECT * FROM sub_flows WHERE bot_id = ? ORDER BY name",
  SELECT_BY_NAME: "SELECT id FROM sub_flows WHERE bot_id = ? AND name = ?",
} as const;
