// Circuit breaking per target origin: a circuit that is open (or disabled after failing for days)
// and when its next probe may go. Closed circuits need no row (one stays, closed, once written).
export default {
  version: 22,
  name: "target_circuits",
  sql: `
CREATE TABLE target_circuits (
  origin TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  opened_at INTEGER,
  failing_since INTEGER,
  next_probe_at INTEGER,
  probe_ms INTEGER,
  last_error TEXT,
  updated_at INTEGER NOT NULL
);
`,
};
