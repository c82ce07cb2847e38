// What became of each message a paused contact sent: relayed (its delivery says how it went)
// or held back because the integration was off. Deliveries are found by their message.
export default {
  version: 11,
  name: "message_relay",
  sql: `
ALTER TABLE messages ADD COLUMN relay TEXT;
CREATE INDEX deliveries_by_message ON deliveries (message_id) WHERE message_id IS NOT NULL;
`,
};
