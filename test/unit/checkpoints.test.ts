// WAL checkpoints in their own thread: the WAL stays small however much is written, and when
// the thread cannot run, the connection checkpoints by itself again.
import { afterAll, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { openDatabase, AUTOMATIC_CHECKPOINT_PAGES } from "../../src/db/open";
import { startCheckpoints } from "../../src/db/checkpoints";
import { tempDir } from "../helpers/server";

const dir = tempDir("sb-checkpoints-");
const path = join(dir, "test.db");
const db = openDatabase(path);
afterAll(() => db.close());
const autocheckpoint = () => (db.query("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint;

test("the thread keeps the WAL small while the connection never checkpoints", async () => {
  const errors: string[] = [];
  const checkpoints = await startCheckpoints(db, path, (message) => errors.push(message));
  expect(checkpoints.threaded).toBe(true);
  expect(autocheckpoint()).toBe(0);
  db.run("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
  const insert = db.query("INSERT INTO blobs (data) VALUES (randomblob(4000))");
  const round = db.transaction(() => {
    for (let i = 0; i < 500; i++) insert.run(); // about 2 MiB of pages per round
  });
  let largestWal = 0;
  for (let r = 0; r < 10; r++) {
    round();
    largestWal = Math.max(largestWal, statSync(`${path}-wal`).size);
    // The next checkpoint after the round copies all of it back (then the WAL is reused).
    const before = checkpoints.completed;
    for (const deadline = Date.now() + 5_000; !(checkpoints.completed > before && checkpoints.last!.checkpointed === checkpoints.last!.log); await Bun.sleep(5)) {
      if (Date.now() > deadline) throw new Error(`no complete checkpoint after round ${r}: ${JSON.stringify(checkpoints.last)}`);
    }
  }
  // 20 MiB went through; without checkpoints the WAL would hold all of it, and the connection's
  // own would have let it reach 16 MiB. The thread resets it after every round.
  expect(largestWal).toBeLessThan(6 * 2 ** 20);
  expect(errors).toEqual([]);
  await checkpoints.stop();
  expect(autocheckpoint()).toBe(AUTOMATIC_CHECKPOINT_PAGES);
});

test("when the thread cannot open the database, the connection checkpoints by itself", async () => {
  const errors: string[] = [];
  db.run("PRAGMA wal_autocheckpoint = 0");
  const checkpoints = await startCheckpoints(db, join(dir, "missing", "nowhere.db"), (message) => errors.push(message));
  expect(checkpoints.threaded).toBe(false);
  expect(autocheckpoint()).toBe(AUTOMATIC_CHECKPOINT_PAGES);
  expect(errors.join()).toContain("checkpoint thread stopped");
  await checkpoints.stop();
});
