// Throttles per target origin (scheme://host:port) that the relay worker honours.
export default {
  version: 21,
  name: "target_limits",
  sql: `
CREATE TABLE target_limits (
  origin TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  per TEXT NOT NULL,
  concurrency INTEGER,
  updated_at INTEGER NOT NULL
);
`,
};
