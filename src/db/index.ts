// Open and migrate in one step: what the server and every CLI command need first.
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import { openDatabase } from "./open";
import type { Durability } from "../config";
import { migrate } from "./migrate";
import { migrations } from "./migrations";
import { PostgresDatabase } from "./postgres/database";
import { migratePostgres } from "./postgres/schema";

export class DataDirError extends Error {}

export const DATABASE_FILE = "switchboard.db";

export function openDataDir(dataDir: string, durability: Durability = "full"): Database {
  try {
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (!statSync(dataDir).isDirectory()) throw new Error("it is not a directory");
    accessSync(dataDir, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new DataDirError(`data directory ${dataDir} is not usable: ${(error as Error).message}`);
  }
  let db: Database;
  try {
    db = openDatabase(join(dataDir, DATABASE_FILE), durability);
  } catch (error) {
    throw new DataDirError(`cannot open ${join(dataDir, DATABASE_FILE)}: ${(error as Error).message}`);
  }
  try {
    migrate(db, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * The store a command works on: PostgreSQL when a database URL is given, else the SQLite file
 * in the data directory. PostgreSQL stands behind bun:sqlite's interface (see
 * postgres/database.ts), so the modules take either as a Database.
 */
export function openStore({ dataDir, databaseUrl, durability = "full" }: { dataDir: string; databaseUrl?: string | null; durability?: Durability }): Database {
  if (!databaseUrl) return openDataDir(dataDir, durability);
  const db = new PostgresDatabase(databaseUrl);
  try {
    migratePostgres(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db as unknown as Database;
}

/** Whether `db` is PostgreSQL (the few SQLite-only chores, such as checkpoints, skip it). */
export const isPostgres = (db: Database): boolean => (db as unknown as { engine?: string }).engine === "postgres";
