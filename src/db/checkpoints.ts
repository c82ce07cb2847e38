// WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside the commit
// that crosses the threshold, and its fsyncs held the event loop for 40–60 ms (the ingest p99
// in test/bench). Here the server's connection never checkpoints; a worker thread does it
// every CHECKPOINT_EVERY_MS with its own connection. If that thread cannot start or stops,
// the server's connection goes back to automatic checkpoints, so the WAL never grows unbounded.
import type { Database } from "bun:sqlite";
import { AUTOMATIC_CHECKPOINT_PAGES } from "./open";

const CHECKPOINT_EVERY_MS = 250;
// The compiled binary holds the worker as a second entry point (see the Makefile), found by its
// path from src/; from source it sits beside this file.
const WORKER_URL = import.meta.url.startsWith("file:///$bunfs/") ? "./db/checkpoint-worker.ts" : new URL("./checkpoint-worker.ts", import.meta.url).href;

type FromWorker = { ready?: true; closed?: true; error?: string; checkpointed?: number; log?: number };

export interface Checkpoints {
  /** Whether the thread does the checkpoints (false: the server's connection does). */
  readonly threaded: boolean;
  /** Checkpoints the thread finished, and the last one's WAL frames (all copied when equal). */
  readonly completed: number;
  readonly last: { log: number; checkpointed: number } | null;
  stop(): Promise<void>;
}

export async function startCheckpoints(db: Database, path: string, onError: (message: string) => void): Promise<Checkpoints> {
  const worker = new Worker(WORKER_URL);
  let timer: ReturnType<typeof setInterval> | null = null;
  let inFlight = false;
  let threaded = false;
  let onClosed: (() => void) | null = null;
  let completed = 0;
  let last: { log: number; checkpointed: number } | null = null;

  const fallBack = (reason: string) => {
    if (timer) clearInterval(timer);
    timer = null;
    threaded = false;
    db.run(`PRAGMA wal_autocheckpoint = ${AUTOMATIC_CHECKPOINT_PAGES}`);
    worker.terminate();
    onError(reason);
  };

  const ready = await new Promise<boolean>((resolve) => {
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.ready) resolve(true);
      if (message.closed) onClosed?.();
      if (message.error) onError(`checkpoint failed: ${message.error}`);
      if (message.checkpointed !== undefined && message.log !== undefined) {
        completed++;
        last = { log: message.log, checkpointed: message.checkpointed };
      }
      inFlight = false;
    };
    worker.onerror = (event) => {
      fallBack(`checkpoint thread stopped (${event.message}); checkpoints happen in the server's connection`);
      resolve(false);
    };
    worker.postMessage({ path });
  });

  if (ready) {
    threaded = true;
    db.run("PRAGMA wal_autocheckpoint = 0");
    timer = setInterval(() => {
      // One at a time: a slow disk must not pile up requests in the thread's queue.
      if (inFlight) return;
      inFlight = true;
      worker.postMessage("checkpoint");
    }, CHECKPOINT_EVERY_MS);
    timer.unref?.();
  }

  return {
    get threaded() {
      return threaded;
    },
    get completed() {
      return completed;
    },
    get last() {
      return last;
    },
    async stop() {
      if (!threaded) return;
      clearInterval(timer!);
      threaded = false;
      await new Promise<void>((resolve) => {
        onClosed = resolve;
        worker.postMessage("close");
        setTimeout(resolve, 2000).unref?.();
      });
      worker.terminate();
      // The server's connection closes next and, as the last one, checkpoints what is left.
      db.run(`PRAGMA wal_autocheckpoint = ${AUTOMATIC_CHECKPOINT_PAGES}`);
    },
  };
}
