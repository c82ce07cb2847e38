// PostgreSQL as the store: every statement of every repo (and each shape of the dynamic ones)
// is accepted by PostgreSQL as the dialect layer rewrites it, and the schema there is at the
// version SQLite's migrations reach.
import { afterAll, describe, expect, test } from "bun:test";
import { openStore } from "../../src/db/index";
import { migrations } from "../../src/db/migrations";
import { PostgresDatabase } from "../../src/db/postgres/database";
import { toPostgres } from "../../src/db/postgres/dialect";
import { postgresMigrations } from "../../src/db/postgres/schema";
import { freshPostgresDatabase } from "../helpers/postgres";
import { built, statements } from "../helpers/statements";

/** Statements never run on PostgreSQL, and why. */
const SQLITE_ONLY: Record<string, string> = {
  "contacts.UNINDEX_CONTACTS": "the FTS5 index brought up to date behind the writes; PostgreSQL keeps its trigram index itself (the indexer does not start)",
  "contacts.INDEX_CONTACTS": "as above",
};

const database = freshPostgresDatabase();
const db = openStore({ dataDir: "/nonexistent", databaseUrl: database.url }) as unknown as PostgresDatabase;
afterAll(() => {
  db.close();
  database.drop();
});

describe("PostgreSQL store", () => {
  test("its schema is at the version SQLite's migrations reach", () => {
    const latest = Math.max(...migrations.map((m) => m.version));
    expect(Math.max(...postgresMigrations.map((m) => m.version))).toBe(latest);
    expect(db.query<{ v: number }>("SELECT max(version) AS v FROM schema_migrations").get()!.v).toBe(latest);
  });

  let n = 0;
  for (const [name, sql] of [...statements, ...built].filter(([name]) => !(name in SQLITE_ONLY))) {
    test(`${name} is accepted by PostgreSQL`, () => {
      const statement = `sb_check_${++n}`;
      db.run(`PREPARE ${statement} AS ${toPostgres(sql).text}`);
      db.run(`DEALLOCATE ${statement}`);
    });
  }
});
