// Schema migrations: applied in order, recorded in the file, an old file upgraded in place,
// a file from a newer binary refused.
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../src/db/open";
import { migrate, SchemaTooNewError, type Migration } from "../../src/db/migrate";
import { migrations } from "../../src/db/migrations";
import { openDataDir } from "../../src/db/index";
import { tempDir } from "../helpers/server";

const dirs: string[] = [];
const freshFile = () => {
  const dir = tempDir("sb-migrate-");
  dirs.push(dir);
  return join(dir, "switchboard.db");
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const versions = (db: ReturnType<typeof openDatabase>) =>
  db.query<{ version: number }, []>("SELECT version FROM schema_migrations ORDER BY version").all().map((r) => r.version);

describe("migrate", () => {
  test("a fresh file gets every migration, recorded, with the pragmas on", () => {
    const db = openDatabase(freshFile());
    expect(migrate(db, migrations)).toEqual(migrations.map((m) => m.version));
    expect(versions(db)).toEqual(migrations.map((m) => m.version));
    expect(db.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()!.journal_mode).toBe("wal");
    expect(db.query<{ foreign_keys: number }, []>("PRAGMA foreign_keys").get()!.foreign_keys).toBe(1);
    expect(db.query<{ timeout: number }, []>("PRAGMA busy_timeout").get()!.timeout).toBeGreaterThan(0);
    expect(migrate(db, migrations)).toEqual([]); // idempotent
    db.close();
  });

  test("an older data file is upgraded in place and keeps its data", () => {
    const path = freshFile();
    const old = openDatabase(path);
    migrate(old, migrations);
    old.run("INSERT INTO bots (flow_ns, name, channel, created_at, updated_at) VALUES ('fold', 'Old bot', 'sms', 1, 1)");
    old.close();

    const next: Migration = { version: 999, name: "add bot note", sql: "ALTER TABLE bots ADD COLUMN note TEXT NOT NULL DEFAULT 'n/a';" };
    const db = openDatabase(path);
    expect(migrate(db, [...migrations, next])).toEqual([999]);
    expect(db.query("SELECT name, note FROM bots WHERE flow_ns = 'fold'").get()).toEqual({ name: "Old bot", note: "n/a" });
    expect(versions(db)).toContain(999);
    db.close();
  });

  test("migration 13 learns the tags contacts already carry, and its triggers keep every new one known", () => {
    const db = openDatabase(freshFile());
    migrate(db, migrations.filter((m) => m.version < 13));
    db.run("INSERT INTO bots (id, flow_ns, name, channel, created_at, updated_at) VALUES (1, 'fa', 'A', 'sms', 1, 1), (2, 'fb', 'B', 'sms', 1, 1)");
    db.run(`INSERT INTO contacts (bot_id, user_ns, phone, tags, created_at, updated_at) VALUES
      (1, 'u1', '+1', '["vip","lead"]', 1, 1), (1, 'u2', '+2', '["lead"]', 1, 1), (2, 'u3', '+3', '["vip"]', 1, 1)`);
    migrate(db, migrations);
    const tags = () => db.query("SELECT bot_id, name FROM tags ORDER BY bot_id, name").all();
    expect(tags()).toEqual([{ bot_id: 1, name: "lead" }, { bot_id: 1, name: "vip" }, { bot_id: 2, name: "vip" }]);
    db.run(`UPDATE contacts SET tags = '["lead","new"]' WHERE user_ns = 'u2'`);
    db.run(`INSERT INTO contacts (bot_id, user_ns, phone, tags, created_at, updated_at) VALUES (2, 'u4', '+4', '["other"]', 1, 1)`);
    expect(tags()).toEqual([{ bot_id: 1, name: "lead" }, { bot_id: 1, name: "new" }, { bot_id: 1, name: "vip" }, { bot_id: 2, name: "other" }, { bot_id: 2, name: "vip" }]);
    db.close();
  });

  test("a failing migration leaves the file as it was", () => {
    const db = openDatabase(freshFile());
    migrate(db, migrations);
    const broken: Migration = { version: 998, name: "broken", sql: "CREATE TABLE half (id INTEGER); INSERT INTO nowhere VALUES (1);" };
    expect(() => migrate(db, [...migrations, broken])).toThrow();
    expect(db.query("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeNull();
    expect(versions(db)).not.toContain(998);
    db.close();
  });

  test("a data file from a newer binary is refused with a clear message", () => {
    const dir = tempDir("sb-newer-");
    dirs.push(dir);
    openDataDir(dir).close();
    const db = openDatabase(join(dir, "switchboard.db"));
    db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from the future', 0)");
    db.close();
    expect(() => openDataDir(dir)).toThrow(SchemaTooNewError);
    expect(() => openDataDir(dir)).toThrow(/newer than this binary/);
  });

  test("the lookups the design names use indexes", () => {
    const db = openDatabase(freshFile());
    migrate(db, migrations);
    const plan = (sql: string) => db.query<{ detail: string }, []>(`EXPLAIN QUERY PLAN ${sql}`).all().map((r) => r.detail).join(" | ");
    expect(plan("SELECT * FROM contacts WHERE bot_id = 1 AND phone = '+1'")).toContain("USING INDEX contacts_by_bot_phone");
    expect(plan("SELECT * FROM contacts WHERE bot_id = 1 AND email = 'a@b.c'")).toContain("USING INDEX contacts_by_bot_email");
    expect(plan("SELECT * FROM contacts WHERE user_ns = 'u1'")).toContain("USING INDEX");
    expect(plan("SELECT * FROM contacts WHERE bot_id = 1 AND id < 5 ORDER BY id DESC LIMIT 10")).not.toContain("SCAN contacts");
    db.close();
  });
});
