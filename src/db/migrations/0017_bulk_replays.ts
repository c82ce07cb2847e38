// Bulk replays: the logged requests of a webhook matching a filter, replayed one at a time in the
// background. A job fixes the last log id it covers when it is confirmed; `after_id` is the
// last one replayed, written in the same transaction as that replay, so a restart resumes
// without replaying anything twice.
export default {
  version: 17,
  name: "bulk_replays",
  sql: `
CREATE TABLE webhook_replays (
  id INTEGER PRIMARY KEY,
  webhook_id INTEGER NOT NULL REFERENCES inbound_webhooks(id) ON DELETE CASCADE,
  outcome TEXT,
  from_ms INTEGER,
  to_ms INTEGER,
  until_log_id INTEGER NOT NULL,
  total INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  after_id INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'running',
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX webhook_replays_by_webhook ON webhook_replays (webhook_id, id);
CREATE INDEX webhook_replays_running ON webhook_replays (state) WHERE state = 'running';
`,
};
