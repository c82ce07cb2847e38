// Group commit: work items that arrive in the same turn of the event loop run in one
// transaction, each inside its own savepoint, and every caller is answered only after that
// transaction has committed and (durable mode) been flushed to disk. One commit and one flush
// then serve many requests.
import type { Database } from "bun:sqlite";
import type { Flush } from "./wal-flush";
import type { StageTimes } from "../lib/stage-times";

interface Item {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown; undos: (() => void)[]; early: boolean } | { ok: false; error: unknown };

/**
 * `flush` (durable mode) makes the batch's commit reach the disk before its callers hear
 * success. The batch then commits with synchronous=NORMAL and `flush` syncs the WAL off the
 * event loop; the connection keeps synchronous=FULL for every other write.
 */
export function createGroupCommit(db: Database, { flush, stages }: { flush?: Flush; stages?: StageTimes } = {}) {
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
  // Not prepared: SQLite applies a pragma's setting when the statement is compiled, so a
  // prepared one would change nothing when run again.
  const setSynchronous = (level: "NORMAL" | "FULL") => db.run(`PRAGMA synchronous = ${level}`);

  // What the running item changed outside the database (see onUndo).
  let undos: (() => void)[] | null = null;
  // Whether the running item's answer promises nothing stored (see answerBeforeFlush).
  let early = false;

  /** One item in its savepoint: a failing item undoes only its own writes, and its onUndo work. */
  function runItem(item: Item): Outcome {
    savepoint.run();
    const itemUndos: (() => void)[] = [];
    undos = itemUndos;
    early = false;
    try {
      const value = item.run();
      release.run();
      return { ok: true, value, undos: itemUndos, early };
    } catch (error) {
      rollbackItem.run();
      release.run();
      for (const undo of itemUndos.reverse()) undo();
      return { ok: false, error };
    } finally {
      undos = null;
    }
  }

  function commitBatch() {
    if (stages) stages.time("commit", commitQueued);
    else commitQueued();
  }

  function commitQueued() {
    scheduled = false;
    const batch = queue;
    queue = [];
    let outcomes: Outcome[] = [];
    try {
      if (flush) setSynchronous("NORMAL");
      begin.run();
      try {
        outcomes = batch.map(runItem);
        for (const hook of beforeCommit) hook();
        commit.run();
      } catch (error) {
        if (db.inTransaction) rollback.run();
        throw error;
      } finally {
        if (flush) setSynchronous("FULL");
      }
    } catch (error) {
      // The commit itself failed: nothing of the batch is stored, so nobody hears success, and
      // what the items changed in memory goes back too.
      for (const outcome of outcomes) if (outcome.ok) for (const undo of outcome.undos.reverse()) undo();
      for (const item of batch) item.reject(error);
      return;
    }
    // A failed item stored nothing, and an early one promised nothing: they hear now.
    const waiting: number[] = [];
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) item.reject(outcome.error);
      else if (flush && !outcome.early) waiting.push(i);
      else item.resolve(outcome.value);
    });
    if (waiting.length === 0) return;
    const flushStarted = performance.now();
    flush!().then(
      () => {
        stages?.flushed(performance.now() - flushStarted);
        for (const i of waiting) batch[i]!.resolve((outcomes[i] as { value: unknown }).value);
      },
      // Committed, but the disk did not confirm it: the caller must not hear success.
      (error) => {
        for (const i of waiting) batch[i]!.reject(error);
      },
    );
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
    /**
     * Inside `run`'s work: its answer promises nothing stored (a refusal whose only write is
     * its log row), so it is given as soon as the transaction commits, without waiting for the
     * flush. A power cut may lose such a row; never a row whose answer said it was stored.
     */
    answerBeforeFlush(): void {
      if (!undos) throw new Error("answerBeforeFlush is called from inside a group commit's work");
      early = true;
    },
    /** Runs `work` (synchronous) in the next group transaction; resolves after the commit (and flush). */
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ run: work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(commitBatch);
        }
      });
    },
  };
}

export type GroupCommit = ReturnType<typeof createGroupCommit>;
