// Backups and restores of the data file: a consistent copy taken while the server runs
// (VACUUM INTO reads one snapshot), and a restore into a data dir no server is using.
import { Database } from "bun:sqlite";
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATABASE_FILE, DataDirError, openDataDir } from "./index";
import { migrate, SchemaTooNewError } from "./migrate";
import { migrations } from "./migrations";

export const LOCK_FILE = "switchboard.lock";

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid of a live server using this data dir, if any. */
export function lockHolder(dataDir: string): number | null {
  const path = join(dataDir, LOCK_FILE);
  if (!existsSync(path)) return null;
  const pid = Number(readFileSync(path, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid) ? pid : null;
}

/** Marks the data dir as used by this process; refuses when another live server has it. */
export function takeLock(dataDir: string): () => void {
  const holder = lockHolder(dataDir);
  if (holder !== null) throw new DataDirError(`data directory ${dataDir} is in use by a running switchboard (pid ${holder})`);
  const path = join(dataDir, LOCK_FILE);
  writeFileSync(path, String(process.pid));
  return () => rmSync(path, { force: true });
}

/**
 * A consistent copy of the data dir's database, readable by its owner only (it holds every
 * secret). The data dir must exist and hold a database: a typo is not an empty backup.
 */
export function backup(dataDir: string, target: string): void {
  if (!existsSync(join(dataDir, DATABASE_FILE))) throw new DataDirError(`there is no database to back up at ${join(dataDir, DATABASE_FILE)}`);
  // Created empty and 0600 first (VACUUM INTO fills an empty file); refuses an existing one.
  let fd: number;
  try {
    fd = openSync(target, "wx", 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataDirError(code === "EEXIST" ? `${target} already exists; choose a new file name` : `cannot create ${target}: ${(error as Error).message}`);
  }
  closeSync(fd);
  const db = openDataDir(dataDir);
  try {
    db.run("VACUUM INTO ?", [target]);
    chmodSync(target, 0o600);
  } catch (error) {
    rmSync(target, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

const SQLITE_HEADER = "SQLite format 3\0";
const REQUIRED_TABLES = ["schema_migrations", "team_settings", "bots", "contacts", "inbound_webhooks", "webhook_logs", "deliveries", "admins", "api_tokens"];

/** Everything a backup must pass before it may replace the live file; throws why not. */
function checkBackup(path: string, source: string): void {
  const header = Buffer.alloc(16);
  const fd = openSync(path, "r");
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString("latin1") !== SQLITE_HEADER) throw new DataDirError(`${source} is not a switchboard backup: it is not an SQLite database`);
  let db: Database | null = null;
  try {
    db = new Database(path, { strict: true });
    const integrity = db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check;
    if (integrity !== "ok") throw new DataDirError(`${source} is damaged (integrity check: ${integrity})`);
    const tables = new Set(db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name));
    const missing = REQUIRED_TABLES.filter((name) => !tables.has(name));
    if (missing.length) throw new DataDirError(`${source} is not a switchboard backup: it has no ${missing.join(", ")} table`);
    // Refuses a file from a newer binary, and upgrades an older one (in this scratch copy).
    migrate(db, migrations);
  } catch (error) {
    if (error instanceof DataDirError || error instanceof SchemaTooNewError) throw error;
    throw new DataDirError(`${source} is not a switchboard backup: ${(error as Error).message}`);
  } finally {
    db?.close();
  }
}

/**
 * Puts a backup in place of the data dir's database, with no server using it. The backup is
 * checked (and upgraded) as a scratch copy outside the data dir first: if anything is wrong,
 * the data dir is left exactly as it was. The previous file (with its WAL) is kept beside it.
 */
export function restore(dataDir: string, source: string): string | null {
  if (!existsSync(source)) throw new DataDirError(`${source} does not exist`);
  const holder = lockHolder(dataDir);
  if (holder !== null) throw new DataDirError(`stop the server first: data directory ${dataDir} is in use (pid ${holder})`);
  const scratchDir = mkdtempSync(join(tmpdir(), "switchboard-restore-"));
  const scratch = join(scratchDir, DATABASE_FILE);
  try {
    copyFileSync(source, scratch);
    checkBackup(scratch, source);

    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const current = join(dataDir, DATABASE_FILE);
    let kept: string | null = null;
    if (existsSync(current)) {
      kept = `${current}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      // The WAL may hold the last commits of the current file: it moves with it.
      for (const suffix of ["-wal", "-shm"]) if (existsSync(`${current}${suffix}`)) renameSync(`${current}${suffix}`, `${kept}${suffix}`);
      renameSync(current, kept);
    }
    // Copied under a temporary name and renamed: the live name only ever holds a whole file.
    const incoming = `${current}.restoring`;
    copyFileSync(scratch, incoming);
    chmodSync(incoming, 0o600);
    renameSync(incoming, current);
    return kept;
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}
