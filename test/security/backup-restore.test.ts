// Backups hold every secret: they are created readable by their owner only, and a typo in
// --data is an error, not an empty backup. A restore checks the whole backup (header,
// integrity, tables, schema version) before it touches the data dir, and any failure leaves
// the data dir byte for byte as it was.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/process";
import { tempDir } from "../helpers/server";

const dir = tempDir("sb-backup-");
const data = join(dir, "data");
const good = join(dir, "good.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file of a directory with the hash of its bytes (and its mode). */
function snapshot(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  return Object.fromEntries(readdirSync(path).sort().map((name) => [name, `${createHash("sha256").update(readFileSync(join(path, name))).digest("hex")} ${statSync(join(path, name)).mode.toString(8)}`]));
}

beforeAll(async () => {
  expect((await runCli(["token", "create", "ops", "--data", data])).code).toBe(0);
  expect((await runCli(["backup", good, "--data", data])).code).toBe(0);
});

describe("backup", () => {
  test("the file is created 0600 under umask 022", () => {
    expect(process.umask() & 0o077).toBe(0o022);
    expect(statSync(good).mode & 0o777).toBe(0o600);
  });

  test("a missing data dir or database is exit 2 with one line, and creates nothing", async () => {
    const missing = join(dir, "typo");
    const result = await runCli(["backup", join(dir, "never.db"), "--data", missing]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("there is no database to back up");
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(dir, "never.db"))).toBe(false);
    const empty = join(dir, "empty");
    mkdirSync(empty);
    expect((await runCli(["backup", join(dir, "never.db"), "--data", empty])).code).toBe(2);
    expect(readdirSync(empty)).toEqual([]);
  });
});

describe("restore refuses without touching the data dir", () => {
  function variant(name: string, change: (path: string) => void): string {
    const path = join(dir, name);
    copyFileSync(good, path);
    change(path);
    return path;
  }
  const cases: [string, () => string, string][] = [
    ["a file from a newer binary", () => variant("newer.db", (p) => {
      const db = new Database(p);
      db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)");
      db.close();
    }), "newer than this binary understands"],
    ["a file that is not SQLite", () => variant("text.db", (p) => writeFileSync(p, "not a database at all, but long enough to have a header")), "not an SQLite database"],
    ["a damaged file", () => variant("damaged.db", (p) => {
      const bytes = readFileSync(p);
      bytes.fill(0xab, 4096 * 2, 4096 * 3);
      writeFileSync(p, bytes);
    }), "backup"],
    ["an SQLite file of something else", () => {
      const path = join(dir, "other.db");
      const db = new Database(path, { create: true });
      db.run("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at INTEGER)");
      db.close();
      return path;
    }, "has no team_settings, bots"],
  ];
  for (const [name, make, message] of cases) {
    test(`${name}: exit 2, the data dir byte-identical`, async () => {
      const file = make();
      const before = snapshot(data);
      const result = await runCli(["restore", file, "--data", data]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(snapshot(data)).toEqual(before);
    });
  }

  test("into a data dir that does not exist yet: a bad file creates nothing, a good one is restored 0600", async () => {
    const fresh = join(dir, "fresh");
    expect((await runCli(["restore", join(dir, "newer.db"), "--data", fresh])).code).toBe(2);
    expect(existsSync(fresh)).toBe(false);
    expect((await runCli(["restore", good, "--data", fresh])).code).toBe(0);
    expect(statSync(join(fresh, "switchboard.db")).mode & 0o777).toBe(0o600);
    const db = new Database(join(fresh, "switchboard.db"), { readonly: true });
    expect(db.query("SELECT name FROM api_tokens").all()).toEqual([{ name: "ops" }]);
    db.close();
  });
});
