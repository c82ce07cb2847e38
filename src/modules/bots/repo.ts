// The SQL of bots: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

export const SQL = {
  INSERT_BOT: `INSERT INTO bots (flow_ns, name, channel, default_country, live_chat, provider, provider_settings, channel_token, created_at, updated_at)
  VALUES (?, ?, ?, ?, 'none', 'test', '{}', ?, ?, ?) RETURNING *`,
  SELECT_BOTS: "SELECT * FROM bots ORDER BY id",
  SELECT_BOT_BY_FLOW_NS: "SELECT * FROM bots WHERE flow_ns = ?",
  SELECT_BOT_BY_ID: "SELECT * FROM bots WHERE id = ?",
  UPDATE_BOT: `UPDATE bots SET name = ?, channel = ?, default_country = ?, live_chat = ?, provider = ?, provider_settings = ?, updated_at = ?
  WHERE id = ? RETURNING *`,
  SELECT_BOT_BY_CHANNEL_TOKEN: "SELECT * FROM bots WHERE channel_token = ?",
  DELETE_BOT: "DELETE FROM bots WHERE id = ?",
  // What goes with a bot when it is deleted (ON DELETE CASCADE), counted to show before asking.
  COUNT_FOOTPRINT: `SELECT
  (SELECT count(*) FROM inbound_webhooks WHERE bot_id = $bot) AS webhooks,
  (SELECT count(*) FROM contacts WHERE bot_id = $bot) AS contacts,
  (SELECT count(*) FROM messages WHERE contact_id IN (SELECT id FROM contacts WHERE bot_id = $bot)) AS messages,
  (SELECT count(*) FROM deliveries WHERE bot_id = $bot) AS deliveries`,
} as const;
