// Chores that must not run twice at once when several instances share one PostgreSQL (retention,
// bulk replays, the alert checks): each run takes an advisory lock named after the chore, and an
// instance that cannot take it skips this turn. With SQLite there is one process: it just runs.
import type { Database } from "bun:sqlite";
import { isPostgres } from "./index";

export async function onOneInstance<T>(db: Database, chore: string, run: () => T | Promise<T>): Promise<T | null> {
  if (!isPostgres(db)) return run();
  if (db.query<{ ok: number }, [string]>("SELECT pg_try_advisory_lock(hashtext(?)) AS ok").get(chore)?.ok !== 1) return null;
  try {
    return await run();
  } finally {
    db.query("SELECT pg_advisory_unlock(hashtext(?))").run(chore);
  }
}
