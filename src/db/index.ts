// Open and migrate in one step: what the server and every CLI command need first.
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import { openDatabase } from "./open";
import type { Durability } from "../config";
import { migrate } from "./migrate";
import { migrations } from "./migrations";

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
