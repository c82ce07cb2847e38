// Channels per bot (provider, settings, inbound token) and what the relay worker needs:
// leases, per-delivery signing secrets and the attempt history.
export default {
  version: 3,
  name: "deliveries_worker",
  sql: `
ALTER TABLE bots ADD COLUMN provider TEXT NOT NULL DEFAULT 'test';
ALTER TABLE bots ADD COLUMN provider_settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE bots ADD COLUMN channel_token TEXT;
UPDATE bots SET channel_token = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX bots_by_channel_token ON bots (channel_token);

ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;
ALTER TABLE deliveries ADD COLUMN secret TEXT;
CREATE INDEX deliveries_by_state_id ON deliveries (state, id);

CREATE TABLE delivery_attempts (
  id INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  status INTEGER,
  response TEXT,
  error TEXT
) STRICT;
CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_id, id);

INSERT INTO team_settings (key, value) VALUES ('delivery_timeout_seconds', '15'), ('max_deliveries_in_flight', '32'), ('allow_private_targets', 'true');
`,
};
