// The request log of inbound webhooks: one row per request that reached a known token.
import type { Database } from "bun:sqlite";
import { errors } from "../../http/errors";
import { keysetCursor, pageOf } from "../../lib/cursor";
import type { Publish } from "../live/events";
import type { Outcome } from "./model";
import { SQL } from "./repo";

export interface WebhookLog {
  id: number;
  webhook_id: number;
  received_at: number;
  source_ip: string | null;
  headers: string;
  body: string;
  body_truncated: number;
  outcome: Outcome;
  status: number;
  user_ns: string | null;
  created_contact: number;
  fields_written: string;
  notes: string;
  error: string | null;
  response: string;
  duration_ms: number;
  replay_of: number | null;
}

export type NewLog = Omit<WebhookLog, "id">;

/** The raw body kept per log row; the rest is cut (and flagged). */
export const LOGGED_BODY_BYTES = 64 * 1024;

// Header names whose values are secrets; their values never reach the log.
const SECRET_HEADER = /authorization|cookie|secret|token|signature|api[-_]?key|password|auth/i;

export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = SECRET_HEADER.test(name) ? "[redacted]" : value.slice(0, 1024);
  });
  return out;
}


const cursors = keysetCursor("l");

/** The live topic of a webhook's request log. */
export const logsTopic = (webhookId: number) => `logs-${webhookId}`;

export function createLogs({ db, publish = () => {} }: { db: Database; publish?: Publish }) {
  const insert = db.query(SQL.INSERT_LOG);
  const select = db.query<WebhookLog, [number, number]>(SQL.SELECT_LOG);
  const count = db.query<{ n: number }, [number]>(SQL.COUNT_LOGS);
  // One statement per filter shape, each walking an index newest-first.
  const pages = {
    all: db.query<WebhookLog, [number, number, number]>(SQL.LOGS_PAGE),
    byOutcome: db.query<WebhookLog, [number, string, number, number]>(SQL.LOGS_PAGE_BY_OUTCOME),
  };

  const lastId = db.query<{ id: number | null }, []>(SQL.LAST_LOG_ID_ALL);
  const refusedSince = db.query<{ id: number; webhook_id: number; received_at: number }, [number]>(SQL.REFUSED_SINCE);

  return {
    /** The newest log row's id (0 when none). */
    lastId: (): number => lastId.get()?.id ?? 0,
    /** Requests refused with 401, 422 or 429 after log id `afterId`, oldest first (at most 10,000). */
    refusedSince: (afterId: number) => refusedSince.all(afterId),
    insert(log: NewLog): number {
      publish(logsTopic(log.webhook_id));
      publish("dashboard");
      return Number(
        insert.run(log.webhook_id, log.received_at, log.source_ip, log.headers, log.body, log.body_truncated, log.outcome, log.status, log.user_ns,
          log.created_contact, log.fields_written, log.notes, log.error, log.response, log.duration_ms, log.replay_of).lastInsertRowid,
      );
    },
    get(webhookId: number, logId: number): WebhookLog {
      const log = select.get(webhookId, logId);
      if (!log) throw errors.notFound("log entry", String(logId));
      return log;
    },
    count: (webhookId: number): number => count.get(webhookId)!.n,
    list(webhookId: number, { outcome, limit = 50, cursor }: { outcome?: string; limit?: number; cursor?: string }) {
      const before = cursor ? (cursors.decode(cursor) ?? errors.throwInvalidCursor()) : Number.MAX_SAFE_INTEGER;
      const rows = outcome ? pages.byOutcome.all(webhookId, outcome, before, limit + 1) : pages.all.all(webhookId, before, limit + 1);
      return pageOf(rows, limit, cursors.encode);
    },
  };
}

export type Logs = ReturnType<typeof createLogs>;

export function logSummaryJson(log: WebhookLog) {
  return {
    id: log.id,
    received_at: new Date(log.received_at).toISOString(),
    source_ip: log.source_ip,
    outcome: log.outcome,
    status: log.status,
    user_ns: log.user_ns,
    created: log.created_contact === 1,
    error: log.error,
    duration_ms: log.duration_ms,
    replay_of: log.replay_of,
  };
}

export function logDetailJson(log: WebhookLog) {
  return {
    ...logSummaryJson(log),
    headers: JSON.parse(log.headers) as Record<string, string>,
    body: log.body,
    body_truncated: log.body_truncated === 1,
    fields_written: JSON.parse(log.fields_written) as Record<string, unknown>,
    notes: JSON.parse(log.notes) as string[],
    response: JSON.parse(log.response) as unknown,
  };
}
