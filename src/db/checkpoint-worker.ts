// Runs in its own thread (see checkpoints.ts): copies the WAL back into the database file with
// its own connection, so the fsyncs of a checkpoint never stall the event loop that answers
// requests. PASSIVE never waits for or blocks the writer.
import { Database } from "bun:sqlite";

declare const self: Worker;

let db: Database | null = null;

self.onmessage = (event: MessageEvent<{ path: string } | "checkpoint" | "close">) => {
  const message = event.data;
  if (typeof message === "object") {
    db = new Database(message.path, { readwrite: true, create: false, strict: true });
    db.run("PRAGMA busy_timeout = 5000");
    // This connection only checkpoints; it must never do so on its own schedule either.
    db.run("PRAGMA wal_autocheckpoint = 0");
    postMessage({ ready: true });
    return;
  }
  if (message === "close") {
    db?.close();
    db = null;
    postMessage({ closed: true });
    return;
  }
  try {
    const row = db!.query<{ busy: number; log: number; checkpointed: number }, []>("PRAGMA wal_checkpoint(PASSIVE)").get()!;
    postMessage({ checkpointed: row.checkpointed, log: row.log });
  } catch (error) {
    postMessage({ error: String(error) });
  }
};
