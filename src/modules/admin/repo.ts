// The SQL of the admin account, sessions and the setup token: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

export const SQL = {
  COUNT_ADMINS: "SELECT count(*) AS n FROM admins",
  SELECT_ADMIN: "SELECT id, password_hash FROM admins WHERE username = ?",
  // A user's role is read with each admin request, so a change applies at once.
  SELECT_ROLE: "SELECT role FROM admins WHERE id = ?",
  UPSERT_ADMIN: `INSERT INTO admins (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role, updated_at = excluded.updated_at RETURNING id`,
  INSERT_SESSION: "INSERT INTO sessions (id_hash, admin_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
  SELECT_SESSION: "SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?",
  DELETE_SESSION: "DELETE FROM sessions WHERE id_hash = ?",
  DELETE_ADMIN_SESSIONS: "DELETE FROM sessions WHERE admin_id = ?",
  DELETE_EXPIRED_SESSIONS: "DELETE FROM sessions WHERE expires_at <= ?",
} as const;
