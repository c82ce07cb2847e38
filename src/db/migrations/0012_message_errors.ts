// Why a message did not reach its contact, as the provider said it (Twilio's error code).
export default {
  version: 12,
  name: "message_errors",
  sql: `ALTER TABLE messages ADD COLUMN error_code TEXT;`,
};
