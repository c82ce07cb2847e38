// The SQL of the admin account, sessions and the setup token: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

export const SQL = {
  COUNT_ADMINS: "SELECT count(*) AS n FROM admins",
  SELECT_ADMIN: "SELECT id, password_hash, disabled_at FROM admins WHERE username = ?",
  // A user's role is read with each admin request, so a change applies at once.
  SELECT_ROLE: "SELECT role FROM admins WHERE id = ? AND disabled_at IS NULL",
  SELECT_ADMIN_BY_ID: "SELECT id, username, role, created_at, disabled_at FROM admins WHERE id = ?",
  SELECT_USERS: "SELECT id, username, role, created_at, disabled_at FROM admins ORDER BY id",
  COUNT_ACTIVE_OWNERS: "SELECT count(*) AS n FROM admins WHERE role = 'owner' AND disabled_at IS NULL",
  UPDATE_ROLE: "UPDATE admins SET role = ?, updated_at = ? WHERE id = ?",
  SET_DISABLED: "UPDATE admins SET disabled_at = ?, updated_at = ? WHERE id = ?",
  DELETE_ADMIN: "DELETE FROM admins WHERE id = ?",
  INSERT_USER: "INSERT INTO admins (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
  // Invitations (migration 26): only a hash of the link's token is kept.
  INSERT_INVITATION: "INSERT INTO invitations (token_hash, role, created_by, created_at, expires_at, for_user) VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
  SET_PASSWORD_HASH: "UPDATE admins SET password_hash = ?, updated_at = ? WHERE id = ?",
  SELECT_INVITATION: "SELECT * FROM invitations WHERE token_hash = ?",
  SELECT_OPEN_INVITATIONS: "SELECT * FROM invitations WHERE used_at IS NULL AND expires_at > ? ORDER BY id DESC",
  USE_INVITATION: "UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
  DELETE_INVITATION: "DELETE FROM invitations WHERE id = ? AND used_at IS NULL",
  UPSERT_ADMIN: `INSERT INTO admins (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role, updated_at = excluded.updated_at RETURNING id`,
  INSERT_SESSION: "INSERT INTO sessions (id_hash, admin_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
  SELECT_SESSION: "SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?",
  DELETE_SESSION: "DELETE FROM sessions WHERE id_hash = ?",
  DELETE_ADMIN_SESSIONS: "DELETE FROM sessions WHERE admin_id = ?",
  DELETE_EXPIRED_SESSIONS: "DELETE FROM sessions WHERE expires_at <= ?",
  // Two-factor sign-in (migration 27).
  SELECT_TOTP: "SELECT totp_secret, totp_last_step FROM admins WHERE id = ?",
  SET_TOTP: "UPDATE admins SET totp_secret = ?, totp_last_step = 0, updated_at = ? WHERE id = ?",
  // A code counts once: its time step must be later than the last one accepted.
  USE_TOTP_STEP: "UPDATE admins SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?",
  INSERT_RECOVERY_CODE: "INSERT INTO recovery_codes (admin_id, code_hash) VALUES (?, ?)",
  DELETE_RECOVERY_CODES: "DELETE FROM recovery_codes WHERE admin_id = ?",
  USE_RECOVERY_CODE: "UPDATE recovery_codes SET used_at = ? WHERE admin_id = ? AND code_hash = ? AND used_at IS NULL",
  COUNT_RECOVERY_CODES: "SELECT count(*) AS n FROM recovery_codes WHERE admin_id = ? AND used_at IS NULL",
  INSERT_CHALLENGE: "INSERT INTO login_challenges (id_hash, admin_id, expires_at) VALUES (?, ?, ?)",
  SELECT_CHALLENGE: "SELECT admin_id FROM login_challenges WHERE id_hash = ? AND expires_at > ?",
  DELETE_CHALLENGE: "DELETE FROM login_challenges WHERE id_hash = ?",
  DELETE_EXPIRED_CHALLENGES: "DELETE FROM login_challenges WHERE expires_at <= ?",
} as const;
