// Tags become things of their own (UChat clients address them by tag_ns and create them before
// any contact carries them); contacts keep their tag names, and triggers keep every name a
// contact carries known in `tags`, whoever writes it. Contacts gain the gender UChat stores.
export default {
  version: 13,
  name: "tags_and_gender",
  sql: `
ALTER TABLE contacts ADD COLUMN gender TEXT;
CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  UNIQUE (bot_id, name)
) STRICT;
INSERT OR IGNORE INTO tags (bot_id, name)
  SELECT DISTINCT c.bot_id, t.value FROM contacts c, json_each(c.tags) t ORDER BY c.bot_id, t.value;
CREATE TRIGGER contacts_tags_known_on_insert AFTER INSERT ON contacts WHEN NEW.tags != '[]'
BEGIN
  INSERT OR IGNORE INTO tags (bot_id, name) SELECT NEW.bot_id, value FROM json_each(NEW.tags);
END;
CREATE TRIGGER contacts_tags_known_on_update AFTER UPDATE OF tags ON contacts WHEN NEW.tags != OLD.tags
BEGIN
  INSERT OR IGNORE INTO tags (bot_id, name) SELECT NEW.bot_id, value FROM json_each(NEW.tags);
END;
`,
};
