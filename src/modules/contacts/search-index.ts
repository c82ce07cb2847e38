// Brings the trigram search index up to date with the contacts written since its last run
// (migration 14): every INDEX_EVERY_MS, in batches, through the group commit. Indexing many
// contacts in one transaction writes one FTS5 segment for all of them instead of one per
// turn of requests. The index is derived data: no answer waits for it, and searches read the
// contacts still waiting from the table itself.
import type { Database } from "bun:sqlite";
import type { GroupCommit } from "../../db/group-commit";
import type { StageTimes } from "../../lib/stage-times";
import { SQL } from "./repo";

const INDEX_EVERY_MS = 200;
const BATCH = 2000;

export function createSearchIndexer({ db, groupCommit, stages }: { db: Database; groupCommit: GroupCommit; stages: StageTimes }) {
  const selectPending = db.query<{ contact_id: number }, [number]>(SQL.SELECT_SEARCH_PENDING);
  const unindex = db.query(SQL.UNINDEX_CONTACTS);
  const index = db.query(SQL.INDEX_CONTACTS);
  const forget = db.query(SQL.FORGET_SEARCH_PENDING);
  let timer: ReturnType<typeof setInterval> | null = null;
  let running = false;

  /**
   * Indexes up to BATCH waiting contacts; returns how many. Safe to repeat: a contact still
   * noted after a crash is unindexed and indexed again.
   */
  function indexBatch(): number {
    const ids = selectPending.all(BATCH).map((row) => row.contact_id);
    if (ids.length === 0) return 0;
    const list = JSON.stringify(ids);
    unindex.run(list);
    index.run(list);
    forget.run(list);
    return ids.length;
  }

  async function run(): Promise<void> {
    if (running) return;
    running = true;
    try {
      await groupCommit.run(() => {
        groupCommit.answerBeforeFlush(); // derived data: nothing waits for it to reach the disk
        return stages.time("search_index", indexBatch);
      });
    } finally {
      running = false;
    }
  }

  return {
    indexBatch,
    start(onError: (error: unknown) => void): void {
      timer = setInterval(() => void run().catch(onError), INDEX_EVERY_MS);
      timer.unref?.();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export type SearchIndexer = ReturnType<typeof createSearchIndexer>;
