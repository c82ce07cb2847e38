// The SQL of contacts, their field values and tags: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.
import { sqlFor } from "../../db/postgres/dialect";

export const SEARCH_MATCH_LIMIT = 5000;

/** What the trigram index holds for a contact row. */
const SEARCH_TEXT = (row: string) =>
  `coalesce(${row}.first_name, '') || ' ' || coalesce(${row}.last_name, '') || ' ' || coalesce(${row}.phone, '') || ' ' || coalesce(${row}.email, '')`;

/**
 * Ids of contacts whose text contains the LIKE pattern `param`: from the trigram index, except
 * contacts changed since it was last brought up to date, which are read from the table itself
 * (CROSS JOIN: walk those few, never the contacts).
 */
const CONTAINS = (param: string) => `SELECT rowid AS id FROM contacts_search WHERE text LIKE ${param} ESCAPE '\\' AND rowid NOT IN (SELECT contact_id FROM contacts_search_pending)
  UNION ALL SELECT c.id FROM contacts_search_pending CROSS JOIN contacts c ON c.id = contacts_search_pending.contact_id WHERE ${SEARCH_TEXT("c")} LIKE ${param} ESCAPE '\\'`;
/** On PostgreSQL the same text is a generated column with a trigram index, kept by PostgreSQL as rows change. */
const CONTAINS_POSTGRES = (param: string) => `SELECT id FROM contacts WHERE search_text LIKE ${param} ESCAPE '\\'`;

export const SQL = {
  INSERT_CONTACT: `INSERT INTO contacts (bot_id, user_ns, phone, email, first_name, last_name, gender, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  SELECT_BY_USER_NS: "SELECT * FROM contacts WHERE user_ns = ?",
  SELECT_MANY_BY_USER_NS: "SELECT * FROM contacts WHERE user_ns IN (SELECT value FROM json_each(?))",
  SELECT_BY_PHONE: "SELECT * FROM contacts WHERE bot_id = ? AND phone = ?",
  SELECT_BY_EMAIL: "SELECT * FROM contacts WHERE bot_id = ? AND email = ?",
  UPDATE_CONTACT: `UPDATE contacts SET phone = ?, email = ?, first_name = ?, last_name = ?, gender = ?, tags = ?, updated_at = ?
  WHERE id = ? RETURNING *`,
  INSERT_ROW: `INSERT INTO contacts (bot_id, user_ns, phone, email, first_name, last_name, tags, paused_until, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  SELECT_FIELD_VALUES: `SELECT f.name, v.value FROM contact_field_values v JOIN custom_fields f ON f.id = v.field_id
  WHERE v.contact_id = ? ORDER BY f.name`,
  // A page of contacts' values at once (the CSV export).
  SELECT_FIELD_VALUES_OF_MANY: `SELECT v.contact_id, f.name, v.value FROM contact_field_values v JOIN custom_fields f ON f.id = v.field_id
  WHERE v.contact_id IN (SELECT value FROM json_each(?))`,
  UPSERT_FIELD_VALUE: `INSERT INTO contact_field_values (contact_id, field_id, value, updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (contact_id, field_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  DELETE_FIELD_VALUE: "DELETE FROM contact_field_values WHERE contact_id = ? AND field_id = ?",
  UPDATE_PAUSED: "UPDATE contacts SET paused_until = ?, updated_at = ? WHERE id = ?",
  SELECT_BY_ID: "SELECT * FROM contacts WHERE id = ?",
  UPDATE_AGENT: "UPDATE contacts SET assigned_agent_id = ?, assigned_agent_name = ?, updated_at = ? WHERE id = ?",
  DELETE_CONTACT: "DELETE FROM contacts WHERE id = ?",
  SELECT_PAUSED: `SELECT c.*, (SELECT content FROM messages m WHERE m.contact_id = c.id ORDER BY m.id DESC LIMIT 1) AS last_message
  FROM contacts c WHERE c.paused_until IS NOT NULL AND c.paused_until > ? ORDER BY c.updated_at DESC LIMIT ?`,
  // Search: first by prefix of a name, email or phone (index range scans), then, when no prefix
  // matches, by any part of them (the trigram index). Few matches are fetched by id; more than
  // SEARCH_MATCH_LIMIT are found by walking the bot's newest contacts with a filter instead.
  PREFIX_MATCHES: sqlFor({
    sqlite: `SELECT id FROM contacts WHERE user_ns = $exact AND bot_id = $bot
  UNION SELECT id FROM contacts WHERE bot_id = $bot AND first_name >= $name COLLATE NOCASE AND first_name < $nameEnd COLLATE NOCASE
  UNION SELECT id FROM contacts WHERE bot_id = $bot AND last_name >= $name COLLATE NOCASE AND last_name < $nameEnd COLLATE NOCASE
  UNION SELECT id FROM contacts WHERE bot_id = $bot AND email >= $email AND email < $emailEnd
  UNION SELECT id FROM contacts WHERE bot_id = $bot AND phone >= $phone AND phone < $phoneEnd
  UNION SELECT id FROM contacts WHERE bot_id = $bot AND phone >= $localPhone AND phone < $localPhoneEnd
  LIMIT ${SEARCH_MATCH_LIMIT + 1}`,
    // No NOCASE collation: names are compared lowered, on the lower() indexes (columns are "C").
    postgres: `SELECT id FROM contacts WHERE user_ns = $exact AND bot_id = $bot
  UNION SELECT id FROM contacts WHERE bot_id = $bot AND lower(first_name) >= lower($name) AND lower(first_name) < lower($nameEnd)
  UNION SELECT id FROM contacts WHERE bot_id = $bot AND lower(last_name) >= lower($name) AND lower(last_name) < lower($nameEnd)
  UNION SELECT id FROM contacts WHERE bot_id = $bot AND email >= $email AND email < $emailEnd
  UNION SELECT id FROM contacts WHERE bot_id = $bot AND phone >= $phone AND phone < $phoneEnd
  UNION SELECT id FROM contacts WHERE bot_id = $bot AND phone >= $localPhone AND phone < $localPhoneEnd
  LIMIT ${SEARCH_MATCH_LIMIT + 1}`,
  }),
  CONTAINS_MATCHES: sqlFor({ sqlite: `${CONTAINS("$like")} LIMIT ${SEARCH_MATCH_LIMIT + 1}`, postgres: `${CONTAINS_POSTGRES("$like")} LIMIT ${SEARCH_MATCH_LIMIT + 1}` }),
  // The search indexer: a batch of noted contacts, brought into the index and forgotten.
  SELECT_SEARCH_PENDING: "SELECT contact_id FROM contacts_search_pending ORDER BY contact_id LIMIT ?",
  UNINDEX_CONTACTS: "DELETE FROM contacts_search WHERE rowid IN (SELECT value FROM json_each(?))",
  INDEX_CONTACTS: `INSERT INTO contacts_search (rowid, text) SELECT c.id, ${SEARCH_TEXT("c")} FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?))`,
  FORGET_SEARCH_PENDING: "DELETE FROM contacts_search_pending WHERE contact_id IN (SELECT value FROM json_each(?))",
  COUNT_BY_STATE: "SELECT count(*) AS total, count(*) FILTER (WHERE paused_until > ?) AS paused FROM contacts WHERE bot_id = ?",
  SELECT_TAGS_BY_BOT: "SELECT * FROM tags WHERE bot_id = ? ORDER BY name",
  SELECT_TAG_BY_ID: "SELECT * FROM tags WHERE bot_id = ? AND id = ?",
  SELECT_TAG_BY_NAME: "SELECT * FROM tags WHERE bot_id = ? AND name = ?",
  INSERT_TAG: "INSERT INTO tags (bot_id, name) VALUES (?, ?) RETURNING *",
  DELETE_TAG: "DELETE FROM tags WHERE id = ?",
  // CSV imports (migration 19). Changing the mapping makes an earlier dry run's report stale.
  INSERT_IMPORT: `INSERT INTO contact_imports (bot_id, file_name, columns, sample, rows, mapping, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  SELECT_IMPORT: "SELECT * FROM contact_imports WHERE id = ?",
  SELECT_IMPORTS: "SELECT * FROM contact_imports WHERE bot_id = ? ORDER BY id DESC LIMIT 20",
  SELECT_ACTIVE_IMPORT: "SELECT * FROM contact_imports WHERE state IN ('checking', 'importing') ORDER BY id LIMIT 1",
  CONFIGURE_IMPORT: `UPDATE contact_imports SET mapping = ?, match_by = ?, existing = ?, state = 'uploaded', processed = 0, report = NULL, updated_at = ?
  WHERE id = ?`,
  START_IMPORT: "UPDATE contact_imports SET state = ?, dry_run = ?, skip_invalid = ?, processed = 0, report = NULL, updated_at = ? WHERE id = ?",
  SET_IMPORT_STATE: "UPDATE contact_imports SET state = ?, report = ?, updated_at = ? WHERE id = ?",
  SET_IMPORT_PROGRESS: "UPDATE contact_imports SET processed = ?, report = ?, updated_at = ? WHERE id = ?",
  DELETE_IMPORT: "DELETE FROM contact_imports WHERE id = ?",
  // Only the bot's contacts that carry the tag are rewritten, keeping the others' order.
  UNTAG_CONTACTS: sqlFor({
    sqlite: `UPDATE contacts SET tags = (SELECT json_group_array(value) FROM json_each(contacts.tags) WHERE value != $name)
  WHERE bot_id = $bot AND EXISTS (SELECT 1 FROM json_each(contacts.tags) WHERE value = $name)`,
    // The list written as SQLite writes it: ["a","b"], no spaces; [] when none is left.
    postgres: `UPDATE contacts SET tags = '[' || coalesce((SELECT string_agg(to_json(value)::text, ',') FROM json_each(contacts.tags) WHERE value != $name), '') || ']'
  WHERE bot_id = $bot AND EXISTS (SELECT 1 FROM json_each(contacts.tags) WHERE value = $name)`,
  }),
} as const;

/** How a list of a bot's contacts is narrowed (every value a bound parameter, never SQL). */
export interface ContactFilter {
  bot: number;
  phone?: string;
  email?: string;
  /** Matches found ahead by id (few): looked up by id instead of walking the bot's index. */
  ids?: number[];
  /** Many prefix matches: LIKE patterns walked over the bot's newest contacts. */
  prefix?: { like: string; phoneLike: string; localPhoneLike: string };
  /** Many matches anywhere in a name, email or phone: the trigram index's LIKE pattern. */
  contains?: string;
  tag?: string;
  field?: { id: number; value: string };
  /** Keyset paging: ids below this one. */
  before?: number;
}

/** The SELECT for a page of contacts (newest first) and, for page-number paging, the count. */
export function contactsPage(filter: ContactFilter, limit: number, offset?: number): { rows: string; count: string; params: Record<string, string | number> } {
  const where = [filter.ids ? "+bot_id = $bot" : "bot_id = $bot"];
  const params: Record<string, string | number> = { bot: filter.bot };
  const add = (clause: string, values: Record<string, string | number>) => {
    where.push(clause);
    Object.assign(params, values);
  };
  if (filter.phone !== undefined) add("phone = $phone", { phone: filter.phone });
  if (filter.email !== undefined) add("email = $email", { email: filter.email });
  if (filter.ids) add("id IN (SELECT value FROM json_each($ids))", { ids: JSON.stringify(filter.ids) });
  if (filter.prefix) add("(first_name LIKE $like ESCAPE '\\' OR last_name LIKE $like ESCAPE '\\' OR email LIKE $like ESCAPE '\\' OR phone LIKE $phoneLike OR phone LIKE $localPhoneLike)", filter.prefix);
  const CONTAINS_MARK = "\u0000contains\u0000";
  if (filter.contains !== undefined) add(`id IN (${CONTAINS_MARK})`, { contains: filter.contains });
  if (filter.tag !== undefined) add("EXISTS (SELECT 1 FROM json_each(tags) WHERE value = $tag)", { tag: filter.tag });
  if (filter.field) add("id IN (SELECT contact_id FROM contact_field_values WHERE field_id = $field AND value = $fieldValue)", { field: filter.field.id, fieldValue: filter.field.value });
  // The trigram search differs by engine: both forms of the statement are kept (see sqlFor).
  const forEngines = (sql: string) =>
    sql.includes(CONTAINS_MARK) ? sqlFor({ sqlite: sql.replace(CONTAINS_MARK, CONTAINS("$contains")), postgres: sql.replace(CONTAINS_MARK, CONTAINS_POSTGRES("$contains")) }) : sql;
  const count = forEngines(`SELECT count(*) AS n FROM contacts WHERE ${where.join(" AND ")}`);
  if (filter.before !== undefined) add("id < $before", { before: filter.before });
  params.limit = limit;
  if (offset !== undefined) params.offset = offset;
  return { rows: forEngines(`SELECT * FROM contacts WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT $limit${offset !== undefined ? " OFFSET $offset" : ""}`), count, params };
}

/** Writes the named columns of a contact (names come from code, never from input). */
export const updateColumnsSql = (columns: readonly string[]) => `UPDATE contacts SET ${columns.map((column) => `${column} = ?`).join(", ")}, updated_at = ? WHERE id = ? RETURNING *`;
