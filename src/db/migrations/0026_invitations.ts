// Invitations to the admin (issue 19): a one-time link for a role, valid 72 hours, of which only
// a hash is kept; and users an owner has disabled (their sessions end, they cannot sign in).
export default {
  version: 26,
  name: "invitations",
  sql: `
ALTER TABLE admins ADD COLUMN disabled_at INTEGER;
CREATE TABLE invitations (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  created_by INTEGER REFERENCES admins(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  used_by INTEGER REFERENCES admins(id) ON DELETE SET NULL
) STRICT;
-- A user's row written or deleted checks these references by index, not by reading every invitation.
CREATE INDEX invitations_by_creator ON invitations (created_by);
CREATE INDEX invitations_by_user ON invitations (used_by);
`,
};
