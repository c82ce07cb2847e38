// Replay in bulk: the logged requests of a webhook that match a filter (outcome, time range),
// replayed with today's settings after the caller confirmed how many. A job covers the logs up
// to the last id it was confirmed with, and runs in the background one request at a time, at
// most REPLAYS_PER_SECOND for the whole installation, so live traffic always goes first.
import { onOneInstance } from "../../db/chores";
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { AppError, errors } from "../../http/errors";
import { OUTCOMES } from "./model";
import type { Receiver } from "./receiver";
import type { Webhook, Webhooks } from "./service";
import { SQL } from "./repo";

export const REPLAYS_PER_SECOND = 50;
const TICK_MS = 100;
const PER_TICK = (REPLAYS_PER_SECOND * TICK_MS) / 1000;
const OPEN_END = Number.MAX_SAFE_INTEGER;

export interface ReplayFilter {
  outcome?: string;
  /** ISO 8601 times: from is included, to is not. */
  from?: string;
  to?: string;
}

interface ReplayRow {
  id: number;
  webhook_id: number;
  outcome: string | null;
  from_ms: number | null;
  to_ms: number | null;
  until_log_id: number;
  total: number;
  done: number;
  after_id: number;
  state: "running" | "done" | "cancelled";
  created_at: number;
  finished_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function replayJson(row: ReplayRow) {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    filter: { outcome: row.outcome, from: iso(row.from_ms), to: iso(row.to_ms) },
    until_log_id: row.until_log_id,
    total: row.total,
    done: row.done,
    state: row.state,
    created_at: iso(row.created_at)!,
    finished_at: iso(row.finished_at),
  };
}
export type ReplayJson = ReturnType<typeof replayJson>;

/** The filter as the database reads it; a bad one is refused naming the field. */
function parseFilter(filter: ReplayFilter): { outcome: string | null; from: number | null; to: number | null } {
  const outcome = filter.outcome || null;
  if (outcome !== null && !(OUTCOMES as readonly string[]).includes(outcome)) throw errors.validation(`field 'outcome': one of ${OUTCOMES.join(", ")}`);
  const time = (name: "from" | "to") => {
    const text = filter[name];
    if (text === undefined || text === null || text === "") return null;
    const ms = Date.parse(text);
    if (!Number.isFinite(ms)) throw errors.validation(`${name}: an ISO 8601 time, e.g. 2026-11-23T10:00:00Z`, "invalid_replay_filter");
    return ms;
  };
  const from = time("from");
  const to = time("to");
  if (from !== null && to !== null && from >= to) throw errors.validation("to: must be after 'from'", "invalid_replay_filter");
  return { outcome, from, to };
}

export function createReplays({ db, clock, webhooks, receiver }: { db: Database; clock: Clock; webhooks: Webhooks; receiver: Receiver }) {
  const lastLogId = db.query<{ id: number | null }, [number]>(SQL.LAST_LOG_ID);
  const count = db.query<{ n: number }, [number, number, number, number, number]>(SQL.COUNT_REPLAYABLE);
  const countByOutcome = db.query<{ n: number }, [number, string, number, number, number, number]>(SQL.COUNT_REPLAYABLE_BY_OUTCOME);
  const next = db.query<{ id: number }, [number, number, number, number, number, number]>(SQL.NEXT_REPLAYABLE);
  const nextByOutcome = db.query<{ id: number }, [number, string, number, number, number, number, number]>(SQL.NEXT_REPLAYABLE_BY_OUTCOME);
  const insert = db.query<ReplayRow, [number, string | null, number | null, number | null, number, number, number]>(SQL.INSERT_REPLAY);
  const selectOne = db.query<ReplayRow, [number, number]>(SQL.SELECT_REPLAY);
  const selectForWebhook = db.query<ReplayRow, [number]>(SQL.SELECT_REPLAYS);
  const selectRunning = db.query<ReplayRow, []>(SQL.SELECT_RUNNING_REPLAYS);
  const advance = db.query(SQL.ADVANCE_REPLAY);
  const finish = db.query(SQL.FINISH_REPLAY);

  function matching(webhookId: number, filter: ReturnType<typeof parseFilter>, afterId: number, untilId: number): number {
    const from = filter.from ?? 0;
    const to = filter.to ?? OPEN_END;
    return filter.outcome === null ? count.get(webhookId, afterId, untilId, from, to)!.n : countByOutcome.get(webhookId, filter.outcome, afterId, untilId, from, to)!.n;
  }

  function nextIds(row: ReplayRow, limit: number): number[] {
    const from = row.from_ms ?? 0;
    const to = row.to_ms ?? OPEN_END;
    const rows = row.outcome === null ? next.all(row.webhook_id, row.after_id, row.until_log_id, from, to, limit) : nextByOutcome.all(row.webhook_id, row.outcome, row.after_id, row.until_log_id, from, to, limit);
    return rows.map((r) => r.id);
  }

  function get(webhook: Webhook, id: number): ReplayRow {
    const row = selectOne.get(webhook.id, id);
    if (!row) throw errors.notFound("replay", String(id));
    return row;
  }

  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;

  /** Replays up to PER_TICK logged requests of the running jobs, one after another. */
  function tick(): Promise<void> {
    // Several instances share the jobs: one replays at a time, or a request would be replayed twice.
    running ??= onOneInstance(db, "bulk replays", replayBatch).then(() => {}).finally(() => {
      running = null;
    });
    return running;
  }

  async function replayBatch(): Promise<void> {
    let budget = PER_TICK;
    for (const job of selectRunning.all()) {
      if (budget === 0) break;
      const webhook = webhooks.find(job.webhook_id);
      if (!webhook) continue; // deleted: its jobs went with it
      const ids = nextIds(job, budget);
      if (ids.length === 0) {
        finish.run("done", clock.now(), job.id);
        continue;
      }
      for (const logId of ids) {
        budget--;
        // A cancel between two replays stops the job before the next one.
        if (selectOne.get(webhook.id, job.id)?.state !== "running") break;
        try {
          await receiver.replay(webhook, logId, () => advance.run(logId, job.id));
        } catch (error) {
          // Pruned since it was counted: nothing to replay, and the job moves on past it.
          if (error instanceof AppError && error.status === 404) advance.run(logId, job.id);
          else throw error;
        }
      }
    }
  }

  return {
    /** How many logged requests the filter matches now, up to the newest log row. */
    preview(webhook: Webhook, filter: ReplayFilter): { count: number; until_log_id: number } {
      const parsed = parseFilter(filter);
      const until = lastLogId.get(webhook.id)?.id ?? 0;
      return { count: matching(webhook.id, parsed, 0, until), until_log_id: until };
    },
    /** Starts a job for the confirmed filter: `expectedCount` must still be what it matches. */
    start(webhook: Webhook, filter: ReplayFilter & { until_log_id: number; expected_count: number }): ReplayJson {
      const parsed = parseFilter(filter);
      return db.transaction(() => {
        const total = matching(webhook.id, parsed, 0, filter.until_log_id);
        if (total === 0) throw errors.nothingToReplay();
        if (total !== filter.expected_count) throw errors.replayCountChanged(filter.expected_count, total);
        return replayJson(insert.get(webhook.id, parsed.outcome, parsed.from, parsed.to, filter.until_log_id, total, clock.now())!);
      }).immediate();
    },
    get: (webhook: Webhook, id: number): ReplayJson => replayJson(get(webhook, id)),
    list: (webhook: Webhook): ReplayJson[] => selectForWebhook.all(webhook.id).map(replayJson),
    cancel(webhook: Webhook, id: number): ReplayJson {
      get(webhook, id);
      finish.run("cancelled", clock.now(), id);
      return replayJson(get(webhook, id));
    },
    tick,
    startRunner(onError: (error: unknown) => void): void {
      timer = setInterval(() => void tick().catch(onError), TICK_MS);
      timer.unref?.();
    },
    /** Stops the runner; resolves once the replay under way (if any) has committed. */
    async stopRunner(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => {});
    },
  };
}

export type Replays = ReturnType<typeof createReplays>;
