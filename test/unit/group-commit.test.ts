// Group commit: items of one turn share a transaction; a failing item undoes only its own
// writes; callers hear back only after the commit.
import { afterAll, describe, expect, test } from "bun:test";
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

describe("with a flush (durable mode)", () => {
  // A flush the test finishes by hand, so what is answered before and after it is visible.
  function manualFlush() {
    const calls: { resolve: () => void; reject: (error: Error) => void }[] = [];
    const flush = () => new Promise<void>((resolve, reject) => calls.push({ resolve, reject }));
    return { flush, calls };
  }
  const onDisk = new Database(":memory:");
  onDisk.run("CREATE TABLE t (n INTEGER PRIMARY KEY)");
  afterAll(() => onDisk.close());
  const put = onDisk.query("INSERT INTO t (n) VALUES (?)");
  const synchronous = () => (onDisk.query("PRAGMA synchronous").get() as { synchronous: number }).synchronous;

  test("a caller hears success only after the flush that follows its commit", async () => {
    const { flush, calls } = manualFlush();
    const durable = createGroupCommit(onDisk, { flush });
    let answered = false;
    const pending = durable.run(() => put.run(1)).then(() => (answered = true));
    await Bun.sleep(5);
    expect(onDisk.query("SELECT n FROM t").all()).toEqual([{ n: 1 }]); // committed
    expect(calls).toHaveLength(1);
    expect(answered).toBe(false);
    calls[0]!.resolve();
    await pending;
    expect(answered).toBe(true);
  });

  test("an answer that promises nothing stored is given at the commit, without waiting for the flush", async () => {
    const { flush, calls } = manualFlush();
    const durable = createGroupCommit(onDisk, { flush });
    const order: string[] = [];
    const refused = durable.run(() => (put.run(2), durable.answerBeforeFlush(), "refused")).then((v) => order.push(v));
    const stored = durable.run(() => (put.run(3), "stored")).then((v) => order.push(v));
    await refused;
    expect(order).toEqual(["refused"]);
    expect(calls).toHaveLength(1); // one flush serves the batch
    calls[0]!.resolve();
    await stored;
    expect(order).toEqual(["refused", "stored"]);
  });

  test("a failed flush fails its callers, though the rows committed", async () => {
    const { flush, calls } = manualFlush();
    const durable = createGroupCommit(onDisk, { flush });
    const pending = durable.run(() => put.run(4));
    await Bun.sleep(5);
    calls[0]!.reject(new Error("EIO"));
    expect(pending).rejects.toThrow("EIO");
  });

  test("the batch commits unsynced (the flush syncs it); the connection stays FULL for other writes", async () => {
    onDisk.run("PRAGMA synchronous = FULL");
    const durable = createGroupCommit(onDisk, { flush: async () => {} });
    let inside = -1;
    await durable.run(() => (inside = synchronous()));
    expect(inside).toBe(1); // NORMAL
    expect(synchronous()).toBe(2); // FULL
  });
});
