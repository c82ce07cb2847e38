// Inbound webhooks with their request logs and idempotency keys; messages; the deliveries
// outbox that the relay worker drains.
export default {
  version: 2,
  name: "inbound_webhooks",
  sql: `
CREATE TABLE inbound_webhooks (
  id INTEGER PRIMARY KEY,
  bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL DEFAULT 0,
  example TEXT,
  identify TEXT NOT NULL DEFAULT '{}',
  mappings TEXT NOT NULL DEFAULT '[]',
  actions TEXT NOT NULL DEFAULT '[]',
  rate_capacity INTEGER NOT NULL DEFAULT 500,
  rate_refill_seconds INTEGER NOT NULL DEFAULT 86400,
  bucket_tokens REAL NOT NULL,
  bucket_updated_at INTEGER NOT NULL,
  signing_secret TEXT,
  idempotency_path TEXT,
  listen_until INTEGER,
  listen_captured_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX inbound_webhooks_by_bot ON inbound_webhooks (bot_id);

CREATE TABLE webhook_logs (
  id INTEGER PRIMARY KEY,
  webhook_id INTEGER NOT NULL REFERENCES inbound_webhooks(id) ON DELETE CASCADE,
  received_at INTEGER NOT NULL,
  source_ip TEXT,
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  body_truncated INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL,
  status INTEGER NOT NULL,
  user_ns TEXT,
  created_contact INTEGER NOT NULL DEFAULT 0,
  fields_written TEXT NOT NULL DEFAULT '{}',
  notes TEXT NOT NULL DEFAULT '[]',
  error TEXT,
  response TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  replay_of INTEGER
) STRICT;
-- Newest-first pages per webhook, with and without an outcome filter.
CREATE INDEX webhook_logs_by_webhook ON webhook_logs (webhook_id, id);
CREATE INDEX webhook_logs_by_webhook_outcome ON webhook_logs (webhook_id, outcome, id);
-- Retention pruning walks the oldest rows first.
CREATE INDEX webhook_logs_by_time ON webhook_logs (received_at);

CREATE TABLE idempotency_keys (
  webhook_id INTEGER NOT NULL REFERENCES inbound_webhooks(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (webhook_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_time ON idempotency_keys (created_at);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  direction TEXT NOT NULL,
  msg_type TEXT NOT NULL,
  content TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT '{}',
  mid TEXT,
  agent_id INTEGER,
  delivery_state TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX messages_by_contact ON messages (contact_id, id);

CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  ordering_key TEXT,
  bot_id INTEGER REFERENCES bots(id) ON DELETE CASCADE,
  message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  target_url TEXT,
  method TEXT NOT NULL DEFAULT 'POST',
  headers TEXT NOT NULL DEFAULT '{}',
  body TEXT,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_status INTEGER,
  last_response TEXT,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_by_ordering_key ON deliveries (ordering_key, id) WHERE ordering_key IS NOT NULL;

INSERT INTO team_settings (key, value) VALUES ('max_inbound_webhooks_per_bot', '5'), ('log_retention_days', '30');
`,
};
