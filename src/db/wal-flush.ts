// The flush behind "durable before answered" for the group commit. Its transaction commits with
// synchronous=NORMAL (WAL frames written, checksummed, not yet synced: a power cut can lose them
// but never corrupts the file), then this fdatasyncs the WAL file on Bun's thread pool. That is
// what synchronous=FULL does inside COMMIT, moved off the event loop: the next turn's requests
// are decided and committed while the disk flushes, and one flush serves every commit before it.
import { closeSync, fdatasync, fstatSync, fsync, openSync } from "node:fs";
import { promisify } from "node:util";
import { dirname } from "node:path";

export type Flush = () => Promise<void>;

const datasync = promisify(fdatasync);
const sync = promisify(fsync);

export function createWalFlush(databasePath: string): { flush: Flush; close(): void } {
  const walPath = `${databasePath}-wal`;
  let fd: number | null = null;
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  async function syncOnce(): Promise<void> {
    if (fd === null) {
      fd = openSync(walPath, "r");
      // The WAL file's own directory entry must be on disk too, once.
      const directory = openSync(dirname(walPath), "r");
      await sync(directory).finally(() => closeSync(directory));
    }
    await datasync(fd);
    // SQLite deletes the WAL when its last connection closes; a new file is a new inode.
    if (fstatSync(fd).nlink === 0) {
      closeSync(fd);
      fd = null;
      await syncOnce();
    }
  }

  /** Resolves once everything committed before the call is on disk. */
  function flush(): Promise<void> {
    if (!running) {
      running = syncOnce().finally(() => {
        running = null;
      });
      return running;
    }
    // The running flush may have started before this commit: one more after it serves every
    // caller that arrives meanwhile.
    const again = () => {
      next = null;
      return flush();
    };
    next ??= running.then(again, again);
    return next;
  }

  return {
    flush,
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
