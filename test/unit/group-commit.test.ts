// Group commit: items of one turn share a transaction; a failing item undoes only its own
// writes; callers hear back only after the commit.
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createGroupCommit } from "../../src/db/group-commit";

const db = new Database(":memory:");
db.run("CREATE TABLE t (n INTEGER PRIMARY KEY)");
afterAll(() => db.close());
const group = createGroupCommit(db);
const insert = db.query("INSERT INTO t (n) VALUES (?)");
const count = () => (db.query("SELECT count(*) AS n FROM t").get() as { n: number }).n;

test("items of one turn run in one transaction, in order", async () => {
  const seen: boolean[] = [];
  const results = await Promise.all([1, 2, 3].map((n) => group.run(() => (seen.push(db.inTransaction), insert.run(n), n * 10))));
  expect(results).toEqual([10, 20, 30]);
  expect(seen).toEqual([true, true, true]);
  expect(count()).toBe(3);
});

test("a failing item is rolled back alone and rejected; the others commit", async () => {
  const outcomes = await Promise.allSettled([
    group.run(() => insert.run(10)),
    group.run(() => {
      insert.run(11);
      throw new Error("bad item");
    }),
    group.run(() => insert.run(12)),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  expect(db.query("SELECT n FROM t WHERE n >= 10 ORDER BY n").all()).toEqual([{ n: 10 }, { n: 12 }]);
});

test("nothing resolves before the commit", async () => {
  let resolvedInside = false;
  const pending = group.run(() => insert.run(20));
  pending.then(() => (resolvedInside = db.inTransaction));
  await pending;
  expect(resolvedInside).toBe(false);
});

test("what an item changed in memory is undone when its writes roll back, and only then", async () => {
  const memory = { kept: 0, failed: 0 };
  const outcomes = await Promise.allSettled([
    group.run(() => {
      memory.kept++;
      group.onUndo(() => memory.kept--);
      insert.run(30);
    }),
    group.run(() => {
      memory.failed++;
      group.onUndo(() => memory.failed--);
      throw new Error("bad item");
    }),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected"]);
  expect(memory).toEqual({ kept: 1, failed: 0 });
});

test("when the commit fails, every item's memory changes are undone and every caller hears the failure", async () => {
  const failing = new Database(":memory:");
  failing.run("CREATE TABLE t (n INTEGER PRIMARY KEY)");
  const groupOf = createGroupCommit(failing);
  // The hook that runs before COMMIT throws: nothing of the batch is stored.
  groupOf.beforeCommit(() => {
    throw new Error("disk full");
  });
  let buckets = 0;
  const outcomes = await Promise.allSettled([1, 2].map((n) => groupOf.run(() => {
    buckets++;
    groupOf.onUndo(() => buckets--);
    failing.query("INSERT INTO t (n) VALUES (?)").run(n);
  })));
  expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
  expect(buckets).toBe(0);
  expect(failing.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 0 });
  failing.close();
});

test("onUndo outside a group's work is a programming error", () => {
  expect(() => group.onUndo(() => {})).toThrow(/inside a group commit/);
});
