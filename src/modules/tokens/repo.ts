// The SQL of API tokens: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

export const SQL = {
  INSERT_TOKEN: "INSERT INTO api_tokens (name, token_hash, prefix, bot_id, agent_id, read_only, created_at, created_by, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
  SELECT_ACTIVE_BY_HASH: "SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
  SELECT_TOKENS: "SELECT * FROM api_tokens ORDER BY revoked_at IS NOT NULL, id DESC",
  REVOKE_TOKEN: "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
  TOUCH_TOKEN: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
} as const;
