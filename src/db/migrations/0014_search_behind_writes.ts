// The trigram search index cost a quarter of an ingest request's time, most of it in the
// commit (an FTS5 segment per transaction, then merges). Writes now only note which contacts
// changed; an indexer brings the index up to date in batches a moment later, and searches
// read noted contacts from the table itself, so they never miss one. Deletes stay immediate.
export default {
  version: 14,
  name: "search_behind_writes",
  sql: `
CREATE TABLE contacts_search_pending (contact_id INTEGER PRIMARY KEY);
DROP TRIGGER contacts_search_insert;
DROP TRIGGER contacts_search_update;
DROP TRIGGER contacts_search_delete;
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
  INSERT OR IGNORE INTO contacts_search_pending (contact_id) VALUES (new.id);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF first_name, last_name, phone, email ON contacts
WHEN old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name OR old.phone IS NOT new.phone OR old.email IS NOT new.email BEGIN
  INSERT OR IGNORE INTO contacts_search_pending (contact_id) VALUES (new.id);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
  DELETE FROM contacts_search WHERE rowid = old.id;
  DELETE FROM contacts_search_pending WHERE contact_id = old.id;
END;
`,
};
