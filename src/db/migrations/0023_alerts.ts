// Alerts: where they go (destinations with an optional signing secret), each alert while open
// and after it resolved, and the thresholds (one JSON row).
export default {
  version: 23,
  name: "alerts",
  sql: `
CREATE TABLE alert_destinations (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  secret TEXT,
  created_at INTEGER NOT NULL
);
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  title TEXT NOT NULL,
  details TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  resolved_at INTEGER
);
-- One open alert per condition.
CREATE UNIQUE INDEX alerts_open_by_key ON alerts (key) WHERE resolved_at IS NULL;
-- The open ones, newest first, without walking every alert ever raised.
CREATE INDEX alerts_open ON alerts (id) WHERE resolved_at IS NULL;
CREATE TABLE alert_thresholds (id INTEGER PRIMARY KEY CHECK (id = 1), config TEXT NOT NULL);
`,
};
