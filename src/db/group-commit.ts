// Group commit: work items that arrive in the same turn of the event loop run in one
// transaction, each inside its own savepoint, and every caller is answered only after that
// transaction has committed. One commit (and its WAL write) then serves many requests.
import type { Database } from "bun:sqlite";

interface Item {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown; undos: (() => void)[] } | { ok: false; error: unknown };

export function createGroupCommit(db: Database) {
  let queue: Item[] = [];
  let scheduled = false;
  const beforeCommit: (() => void)[] = [];
  // Prepared once: db.transaction() would build a new wrapper function for every item.
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  const savepoint = db.prepare("SAVEPOINT item");
  const release = db.prepare("RELEASE item");
  const rollbackItem = db.prepare("ROLLBACK TO item");

  // What the running item changed outside the database (see onUndo).
  let undos: (() => void)[] | null = null;

  /** One item in its savepoint: a failing item undoes only its own writes, and its onUndo work. */
  function runItem(item: Item): Outcome {
    savepoint.run();
    const itemUndos: (() => void)[] = [];
    undos = itemUndos;
    try {
      const value = item.run();
      release.run();
      return { ok: true, value, undos: itemUndos };
    } catch (error) {
      rollbackItem.run();
      release.run();
      for (const undo of itemUndos.reverse()) undo();
      return { ok: false, error };
    } finally {
      undos = null;
    }
  }

  function flush() {
    scheduled = false;
    const batch = queue;
    queue = [];
    let outcomes: Outcome[] = [];
    try {
      begin.run();
      try {
        outcomes = batch.map(runItem);
        for (const hook of beforeCommit) hook();
        commit.run();
      } catch (error) {
        if (db.inTransaction) rollback.run();
        throw error;
      }
    } catch (error) {
      // The commit itself failed: nothing of the batch is stored, so nobody hears success, and
      // what the items changed in memory goes back too.
      for (const outcome of outcomes) if (outcome.ok) for (const undo of outcome.undos.reverse()) undo();
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }

  return {
    /** State kept in memory between commits (rate-limit buckets) is written by `hook` before each commit. */
    beforeCommit(hook: () => void): void {
      beforeCommit.push(hook);
    },
    /**
     * Inside `run`'s work: `undo` restores what the work changed outside the database (a
     * rate-limit bucket in memory) if its writes are rolled back after all.
     */
    onUndo(undo: () => void): void {
      if (!undos) throw new Error("onUndo is called from inside a group commit's work");
      undos.push(undo);
    },
    /** Runs `work` (synchronous) in the next group transaction; resolves after the commit. */
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ run: work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}

export type GroupCommit = ReturnType<typeof createGroupCommit>;
