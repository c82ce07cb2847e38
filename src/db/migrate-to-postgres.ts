// `switchboard migrate-to-postgres --to URL`: copies an installation from its SQLite file into
// an empty PostgreSQL database in one transaction (all of it or nothing), sets the id sequences
// past the copied ids, and checks every table's count. The SQLite file is only read.
import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DATABASE_FILE, DataDirError } from "./index";
import { takeLock } from "./backup";
import { migrations } from "./migrations";
import { PostgresDatabase } from "./postgres/database";
import { migratePostgres, TABLES_WITH_ID } from "./postgres/schema";

// Parents before children (foreign keys), tags before contacts (a contact's trigger notes its
// tags). Not copied: the migration ledger and SQLite's search index, which PostgreSQL keeps itself.
export const COPIED_TABLES = [
  "team_settings", "bots", "custom_fields", "tags", "contacts", "contact_field_values", "api_tokens", "admins", "sessions",
  "inbound_webhooks", "webhook_logs", "idempotency_keys", "webhook_test_payloads", "webhook_replays", "messages", "deliveries",
  "delivery_attempts", "sub_flows", "hourly_counts", "contact_imports", "target_limits", "target_circuits", "alert_destinations",
  "alerts", "alert_thresholds", "shared_limits", "invitations", "recovery_codes", "audit_log",
] as const;

const BATCH = 1000;

export interface CopiedTable {
  table: string;
  sqlite: number;
  postgres: number;
}

/** PostgreSQL text holds no NUL: as in the running server, it becomes U+FFFD. */
const withoutNul = (value: unknown) => (typeof value === "string" && value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value);

export function migrateToPostgres(dataDir: string, url: string, progress: (line: string) => void = () => {}): CopiedTable[] {
  const path = join(dataDir, DATABASE_FILE);
  if (!existsSync(path)) throw new DataDirError(`there is no database to copy at ${path}`);
  // A server writing meanwhile would make the copy a mix of two moments: it must be stopped.
  const releaseLock = takeLock(dataDir);
  const sqlite = new Database(path, { readonly: true, strict: true });
  const pg = new PostgresDatabase(url);
  try {
    const latest = Math.max(...migrations.map((m) => m.version));
    const version = sqlite.query<{ v: number | null }, []>("SELECT max(version) AS v FROM schema_migrations").get()?.v ?? 0;
    if (version !== latest) throw new DataDirError(`the SQLite file is at schema version ${version}, this binary at ${latest}: start this binary once on the file (it upgrades it), stop it, then copy`);
    migratePostgres(pg);
    const used = pg.query<{ n: number }>("SELECT (SELECT count(*) FROM bots) + (SELECT count(*) FROM admins) + (SELECT count(*) FROM api_tokens) AS n").get()!.n;
    if (used > 0) throw new DataDirError("the PostgreSQL database already holds an installation (bots, admins or tokens): copy into an empty database");

    const copied: CopiedTable[] = [];
    pg.transaction(() => {
      // The defaults the schema seeded give way to the installation's own settings.
      pg.run("DELETE FROM team_settings");
      for (const table of COPIED_TABLES) {
        const columns = pg
          .query<{ name: string }>("SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position")
          .all(table)
          .map((row) => row.name);
        const list = columns.map((c) => `"${c}"`).join(", ");
        const insert = pg.query(`INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, ?::text::json)`);
        let batch: Record<string, unknown>[] = [];
        const flush = () => {
          if (batch.length) insert.run(JSON.stringify(batch));
          batch = [];
        };
        for (const row of sqlite.query<Record<string, unknown>, []>(`SELECT ${list} FROM ${table}`).iterate()) {
          batch.push(Object.fromEntries(columns.map((c) => [c, withoutNul(row[c])])));
          if (batch.length === BATCH) flush();
        }
        flush();
        if (TABLES_WITH_ID.has(table)) pg.run(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`);
        const counted = {
          table,
          sqlite: sqlite.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n,
          postgres: pg.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).get()!.n,
        };
        copied.push(counted);
        progress(`${table}: ${counted.postgres} of ${counted.sqlite} rows`);
        // A count that differs undoes the whole copy (the transaction rolls back).
        if (counted.sqlite !== counted.postgres) throw new DataDirError(`${table}: ${counted.sqlite} rows in SQLite, ${counted.postgres} copied; nothing was kept`);
      }
    })();
    return copied;
  } finally {
    pg.close();
    sqlite.close();
    releaseLock();
  }
}
