// The first schema: installation settings, bots, custom fields, contacts, API tokens, admin.
// Append-only: never edit a migration once it has landed; add the next number instead.
export default {
  version: 1,
  name: "init",
  sql: `
CREATE TABLE team_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
INSERT INTO team_settings (key, value) VALUES ('team_id', CAST(100000 + abs(random()) % 900000 AS TEXT));

CREATE TABLE bots (
  id INTEGER PRIMARY KEY,
  flow_ns TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  channel TEXT NOT NULL,
  default_country TEXT,
  live_chat TEXT NOT NULL DEFAULT 'none',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE custom_fields (
  id INTEGER PRIMARY KEY,
  bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (bot_id, name)
) STRICT;

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  user_ns TEXT NOT NULL UNIQUE,
  phone TEXT,
  email TEXT,
  first_name TEXT,
  last_name TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  paused_until INTEGER,
  assigned_agent_id INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
-- One contact per phone and per email within a bot, so identification is never ambiguous.
CREATE UNIQUE INDEX contacts_by_bot_phone ON contacts (bot_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX contacts_by_bot_email ON contacts (bot_id, email) WHERE email IS NOT NULL;
-- Newest-first listing with keyset pagination within a bot.
CREATE INDEX contacts_by_bot ON contacts (bot_id, id);

CREATE TABLE contact_field_values (
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  field_id INTEGER NOT NULL REFERENCES custom_fields(id) ON DELETE CASCADE,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (contact_id, field_id)
) STRICT, WITHOUT ROWID;
-- Deleting a field cascades to its values without scanning every contact.
CREATE INDEX contact_field_values_by_field ON contact_field_values (field_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  bot_id INTEGER REFERENCES bots(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
) STRICT;

CREATE TABLE admins (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  admin_id INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_admin ON sessions (admin_id);
`,
};
