// Opens the one SQLite file the appliance keeps everything in.
import { Database } from "bun:sqlite";
import type { Durability } from "../config";

// busy_timeout first, so even the pragmas below wait for a lock instead of failing;
// WAL lets the admin page read while the receiver writes; foreign keys keep contacts and
// fields from outliving their bot.
const PRAGMAS = ["PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY"];

// In WAL mode, FULL syncs the WAL at every commit (a power cut loses nothing committed);
// NORMAL syncs it only at checkpoints (a crash of the process loses nothing; a power cut may
// lose the last commits but never corrupts the file).
const SYNCHRONOUS: Record<Durability, string> = { full: "FULL", normal: "NORMAL" };

// Checkpoints fsync the database file; doing them every 4,000 pages (about 16 MiB of WAL)
// instead of every 1,000 lifts the commit rate by half on the measured machine. The server
// moves them to a thread of their own (checkpoints.ts); CLI commands keep this.
export const AUTOMATIC_CHECKPOINT_PAGES = 4000;

/**
 * Runs a pragma, trying again while another process holds the lock. Switching a fresh file to
 * WAL can answer SQLITE_BUSY at once, without waiting for busy_timeout (several processes opening
 * one new file together: a server and a CLI command).
 */
function runWaiting(db: Database, pragma: string, deadline: number): void {
  for (;;) {
    try {
      return void db.run(pragma);
    } catch (error) {
      if (!String((error as { code?: string }).code ?? "").startsWith("SQLITE_BUSY") || Date.now() > deadline) throw error;
      Bun.sleepSync(10);
    }
  }
}

export function openDatabase(path: string, durability: Durability = "full"): Database {
  const db = new Database(path, { create: true, strict: true });
  const deadline = Date.now() + 5_000;
  for (const pragma of [...PRAGMAS, `PRAGMA synchronous = ${SYNCHRONOUS[durability]}`]) runWaiting(db, pragma, deadline);
  db.run(`PRAGMA wal_autocheckpoint = ${AUTOMATIC_CHECKPOINT_PAGES}`);
  return db;
}
