// Prefix search on names without a scan: the first and last name, per bot, case-insensitive.
export default {
  version: 6,
  name: "contact_name_indexes",
  sql: `
CREATE INDEX contacts_by_bot_first_name ON contacts (bot_id, first_name COLLATE NOCASE) WHERE first_name IS NOT NULL;
CREATE INDEX contacts_by_bot_last_name ON contacts (bot_id, last_name COLLATE NOCASE) WHERE last_name IS NOT NULL;
`,
};
