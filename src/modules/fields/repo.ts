// The SQL of custom fields: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

export const SQL = {
  INSERT_FIELD: "INSERT INTO custom_fields (bot_id, name, type, created_at) VALUES (?, ?, ?, ?) RETURNING *",
  SELECT_FIELDS: "SELECT * FROM custom_fields WHERE bot_id = ? ORDER BY name",
  SELECT_FIELD_BY_NAME: "SELECT * FROM custom_fields WHERE bot_id = ? AND name = ?",
  DELETE_FIELD: "DELETE FROM custom_fields WHERE bot_id = ? AND id = ?",
} as const;
