// Limits several instances share on PostgreSQL (issue 18): unknown-token guesses and failed
// logins per client address, one row per key. A single SQLite process keeps these in memory and
// never writes here; the table exists on both engines so their schema versions stay alike.
export default {
  version: 24,
  name: "shared limits",
  sql: `
CREATE TABLE shared_limits (
  key TEXT PRIMARY KEY,
  value REAL NOT NULL,
  until INTEGER NOT NULL
) STRICT;
CREATE INDEX shared_limits_by_until ON shared_limits (until);
`,
};
