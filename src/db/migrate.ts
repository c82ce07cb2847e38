// Applies numbered schema migrations in order, each in its own transaction, and records
// them in the file so a newer binary upgrades an older data file in place.
import type { Database } from "bun:sqlite";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class SchemaTooNewError extends Error {}

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT`;

/** Returns the versions applied by this call. */
export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  db.run(CREATE_LEDGER);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const current = db.query<{ version: number | null }, []>("SELECT max(version) AS version FROM schema_migrations").get()?.version ?? 0;
  if (current > known) {
    throw new SchemaTooNewError(
      `the data file is at schema version ${current}, newer than this binary understands (${known}); run a newer switchboard or restore a backup`,
    );
  }
  const applied: number[] = [];
  const record = db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const isApplied = db.query<{ n: number }, [number]>("SELECT count(*) AS n FROM schema_migrations WHERE version = ?");
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    // IMMEDIATE, and asked again inside: of two processes starting on one file, the second sees
    // what the first applied while it waited for the lock, and skips it.
    const ran = db.transaction(() => {
      if (isApplied.get(migration.version)!.n > 0) return false;
      db.run(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      return true;
    }).immediate();
    if (ran) applied.push(migration.version);
  }
  return applied;
}
