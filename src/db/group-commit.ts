// Group commit: work items that arrive in the same turn of the event loop run in one
// transaction, each inside its own savepoint, and every caller is answered only after that
// transaction has committed. One commit (and its WAL write) then serves many requests.
import type { Database } from "bun:sqlite";

interface Item {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export function createGroupCommit(db: Database) {
  let queue: Item[] = [];
  let scheduled = false;

  function flush() {
    scheduled = false;
    const batch = queue;
    queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      db.transaction(() => {
        for (const item of batch) {
          try {
            // A nested transaction is a savepoint: a failing item undoes only its own writes.
            outcomes.push({ ok: true, value: db.transaction(item.run)() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      // The commit itself failed: nothing of the batch is stored, so nobody hears success.
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
