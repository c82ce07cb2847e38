// CSV imports of contacts: the uploaded file lives in the data directory (imports/{id}.csv,
// removed when the import is deleted); the row keeps its columns, the mapping chosen, and the
// progress and report of its dry run or run. `processed` commits with each batch it counts, so
// a restart resumes an import where it stopped.
export default {
  version: 19,
  name: "contact_imports",
  sql: `
CREATE TABLE contact_imports (
  id INTEGER PRIMARY KEY,
  bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  file_name TEXT NOT NULL,
  columns TEXT NOT NULL,
  sample TEXT NOT NULL,
  rows INTEGER NOT NULL,
  mapping TEXT NOT NULL,
  match_by TEXT NOT NULL DEFAULT 'auto',
  existing TEXT NOT NULL DEFAULT 'update',
  state TEXT NOT NULL DEFAULT 'uploaded',
  dry_run INTEGER NOT NULL DEFAULT 0,
  skip_invalid INTEGER NOT NULL DEFAULT 0,
  processed INTEGER NOT NULL DEFAULT 0,
  report TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX contact_imports_by_bot ON contact_imports (bot_id, id);
CREATE INDEX contact_imports_by_state ON contact_imports (state, id);
`,
};
