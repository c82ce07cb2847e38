// The audit log (issue 19): every state-changing request made through the admin or the API,
// with who made it, from where, what it named and what changed (secrets masked). And agents by
// name: the admin user who sent a reply, and the one a conversation is assigned to.
export default {
  version: 29,
  name: "audit log and agents by name",
  sql: `
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_ref TEXT NOT NULL,
  address TEXT,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT,
  action TEXT NOT NULL,
  status INTEGER NOT NULL,
  before TEXT,
  after TEXT
);
CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
ALTER TABLE messages ADD COLUMN agent_name TEXT;
ALTER TABLE contacts ADD COLUMN assigned_agent_name TEXT;
`,
};
