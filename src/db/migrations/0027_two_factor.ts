// Two-factor sign-in (issue 19): a user's TOTP secret (null: off) and the last time step a code
// was accepted for (a code works once); one-time recovery codes, kept as hashes; and the short
// wait between a right password and its second factor.
export default {
  version: 27,
  name: "two factor",
  sql: `
ALTER TABLE admins ADD COLUMN totp_secret TEXT;
ALTER TABLE admins ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
CREATE TABLE recovery_codes (
  admin_id INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (admin_id, code_hash)
) STRICT, WITHOUT ROWID;
CREATE TABLE login_challenges (
  id_hash TEXT PRIMARY KEY,
  admin_id INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_challenges_by_admin ON login_challenges (admin_id);
`,
};
