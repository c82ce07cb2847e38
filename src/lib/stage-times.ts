// Where the write path's time goes: seconds per stage since the process started, exported in
// /metrics (switchboard_ingest_stage_seconds_total) so `make bench` and an operator can divide
// them by the requests served and choose the next gap from data. Stages nest; each counts only
// its own time (an outer stage is paused while an inner one runs). Two clock reads per stage.

export const INGEST_STAGES = {
  body: "decoding and parsing the body, bucket, signature and idempotency checks",
  conditions: "the webhook's conditions on the payload",
  identify: "finding or creating the contact in memory, phone and email normalisation included",
  contact_write: "the contact's INSERT or UPDATE and its indexes",
  field_values: "mapping payload values to custom fields and writing their rows",
  actions: "the webhook's actions (tags, messages, requests queued), less the writes above",
  reply: "rendering the webhook's reply template",
  log_row: "the request's log row and idempotency record",
  commit: "the group commit's transaction: BEGIN, savepoints, saved buckets and counts, COMMIT",
  search_index: "the contact search index, brought up to date in batches behind the writes",
} as const;

export type IngestStage = keyof typeof INGEST_STAGES;

export function createStageTimes() {
  const totals = new Map<IngestStage, number>(Object.keys(INGEST_STAGES).map((stage) => [stage as IngestStage, 0]));
  let current: IngestStage | null = null;
  let since = 0;
  let flushes = 0;
  let flushMs = 0;

  return {
    /** Runs `work`, counting its time (less that of stages inside it) to `stage`. */
    time<T>(stage: IngestStage, work: () => T): T {
      const outer = current;
      const started = performance.now();
      if (outer) totals.set(outer, totals.get(outer)! + started - since);
      current = stage;
      since = started;
      try {
        return work();
      } finally {
        const ended = performance.now();
        totals.set(stage, totals.get(stage)! + ended - since);
        current = outer;
        since = ended;
      }
    },
    /** A flush to disk finished after `ms` (off the event loop: latency, not CPU). */
    flushed(ms: number): void {
      flushes++;
      flushMs += ms;
    },
    /** Prometheus text lines. */
    lines(): string[] {
      return [
        "# HELP switchboard_ingest_stage_seconds_total Time the event loop spent in each stage of writing requests (see README, Performance).",
        "# TYPE switchboard_ingest_stage_seconds_total counter",
        ...[...totals].map(([stage, ms]) => `switchboard_ingest_stage_seconds_total{stage="${stage}"} ${(ms / 1000).toFixed(6)}`),
        "# HELP switchboard_wal_flushes_total Flushes of the WAL to disk before answering (durability full).",
        "# TYPE switchboard_wal_flushes_total counter",
        `switchboard_wal_flushes_total ${flushes}`,
        "# HELP switchboard_wal_flush_seconds_total Time those flushes took, off the event loop.",
        "# TYPE switchboard_wal_flush_seconds_total counter",
        `switchboard_wal_flush_seconds_total ${(flushMs / 1000).toFixed(6)}`,
      ];
    },
  };
}

export type StageTimes = ReturnType<typeof createStageTimes>;
