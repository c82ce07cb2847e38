// Named example bodies per webhook: the admin's test panel sends one of them.
export default {
  version: 16,
  name: "test_payloads",
  sql: `
CREATE TABLE webhook_test_payloads (
  id INTEGER PRIMARY KEY,
  webhook_id INTEGER NOT NULL REFERENCES inbound_webhooks(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (webhook_id, name)
);
`,
};
