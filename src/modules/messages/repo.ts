// The SQL of messages: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.

export const SQL = {
  INSERT_MESSAGE: `INSERT INTO messages (public_id, contact_id, direction, msg_type, content, payload, mid, agent_id, agent_name, delivery_state, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  SELECT_BY_CONTACT: "SELECT * FROM messages WHERE contact_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
  // The delivery's outcome moves a message only while nothing more precise is known: a provider's
  // status callback (delivered, undelivered) may arrive before the delivery is recorded as sent.
  UPDATE_STATE: "UPDATE messages SET delivery_state = ? WHERE id = ? AND delivery_state IN ('pending', 'failed') RETURNING contact_id",
  UPDATE_PROVIDER_STATUS: "UPDATE messages SET delivery_state = ?, error_code = ? WHERE id = ? RETURNING contact_id",
  SELECT_BY_PUBLIC_ID: "SELECT * FROM messages WHERE public_id = ?",
  UPDATE_RELAY: "UPDATE messages SET relay = ? WHERE id = ? RETURNING contact_id",
  SELECT_CONTACT: "SELECT contact_id FROM messages WHERE id = ?",
  SELECT_CONTACTS_OF: `SELECT m.id AS message_id, c.user_ns, c.first_name, c.last_name, c.phone, c.email
  FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.id IN (SELECT value FROM json_each(?))`,
} as const;
