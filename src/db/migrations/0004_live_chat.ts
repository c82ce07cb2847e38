// Live chat: the integration webhook's settings, agents on API tokens, and saved sub-flows.
export default {
  version: 4,
  name: "live_chat",
  sql: `
ALTER TABLE api_tokens ADD COLUMN agent_id INTEGER;

CREATE TABLE sub_flows (
  id INTEGER PRIMARY KEY,
  bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  sub_flow_ns TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  actions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (bot_id, name)
) STRICT;

-- The live-chat inbox lists paused contacts.
CREATE INDEX contacts_paused ON contacts (paused_until) WHERE paused_until IS NOT NULL;

INSERT INTO team_settings (key, value) VALUES ('integration_webhook', '{"url":null,"headers":{},"secret":null,"enabled":false}');
`,
};
