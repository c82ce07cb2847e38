// Contact search by any part of a name, phone or email without scanning every contact: a
// trigram full-text index kept in step with the contacts table by triggers.
const SEARCH_TEXT = (row: string) =>
  `coalesce(${row}.first_name, '') || ' ' || coalesce(${row}.last_name, '') || ' ' || coalesce(${row}.phone, '') || ' ' || coalesce(${row}.email, '')`;

export default {
  version: 5,
  name: "contact_search",
  sql: `
CREATE VIRTUAL TABLE contacts_search USING fts5(text, tokenize = 'trigram', detail = 'none');
INSERT INTO contacts_search (rowid, text) SELECT id, ${SEARCH_TEXT("contacts")} FROM contacts;

CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contacts_search (rowid, text) VALUES (new.id, ${SEARCH_TEXT("new")});
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF first_name, last_name, phone, email ON contacts
WHEN old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name OR old.phone IS NOT new.phone OR old.email IS NOT new.email BEGIN
  DELETE FROM contacts_search WHERE rowid = old.id;
  INSERT INTO contacts_search (rowid, text) VALUES (new.id, ${SEARCH_TEXT("new")});
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
  DELETE FROM contacts_search WHERE rowid = old.id;
END;
`,
};
