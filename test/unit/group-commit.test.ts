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
