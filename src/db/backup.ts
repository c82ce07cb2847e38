// Backups and restores of the data file: a consistent copy taken while the server runs
// (VACUUM INTO reads one snapshot), and a restore into a data dir no server is using.
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DATABASE_FILE, DataDirError, openDataDir } from "./index";

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

export function backup(dataDir: string, target: string): void {
  if (existsSync(target)) throw new DataDirError(`${target} already exists; choose a new file name`);
  const db = openDataDir(dataDir);
  try {
    db.run("VACUUM INTO ?", [target]);
  } finally {
    db.close();
  }
}

export function restore(dataDir: string, source: string): string | null {
  if (!existsSync(source)) throw new DataDirError(`${source} does not exist`);
  const holder = lockHolder(dataDir);
  if (holder !== null) throw new DataDirError(`stop the server first: data directory ${dataDir} is in use (pid ${holder})`);
  let check: Database | null = null;
  try {
    check = new Database(source, { readonly: true });
    const ok = check.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check;
    const versioned = check.query("SELECT name FROM sqlite_master WHERE name = 'schema_migrations'").get();
    if (ok !== "ok" || !versioned) throw new DataDirError(`${source} is not a sound switchboard backup`);
  } catch (error) {
    if (error instanceof DataDirError) throw error;
    throw new DataDirError(`${source} is not a switchboard backup: ${(error as Error).message}`);
  } finally {
    check?.close();
  }
  // The current file is kept beside the restored one, never overwritten.
  const current = join(dataDir, DATABASE_FILE);
  let kept: string | null = null;
  if (existsSync(current)) {
    kept = `${current}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(current, kept);
  }
  for (const suffix of ["-wal", "-shm"]) rmSync(`${current}${suffix}`, { force: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  copyFileSync(source, current);
  openDataDir(dataDir).close(); // migrates an older backup in place, and proves it opens
  return kept;
}
