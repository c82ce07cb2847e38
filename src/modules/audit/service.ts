// The audit log's store: one row per state-changing request through the admin or the API,
// written before the request is answered; pages of it newest first; pruned by its own retention.
//
// Durable mode on SQLite (`flush` given): a row commits without syncing the WAL, then the WAL is
// flushed off the event loop (one flush serves every commit before it), as the group commit does.
// A row written before its request's change is on disk with it: WAL frames are appended in order,
// and the change's own commit syncs the file. Three synced commits per API write halved the
// throughput of POST /api/subscriber/send-text; this keeps it at one plus a shared flush.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import type { Actor } from "../../http/actor";
import type { Flush } from "../../db/wal-flush";
import { SQL, PRUNE_BATCH } from "./repo";

export interface AuditRow {
  id: number;
  at: number;
  actor_kind: Actor["kind"];
  actor: string;
  actor_ref: string;
  address: string | null;
  method: string;
  route: string;
  entity: string;
  entity_id: string | null;
  action: string;
  status: number;
  before: string | null;
  after: string | null;
}

export interface AuditEntry {
  actor: Actor;
  address: string | null;
  method: string;
  route: string;
  entity: string;
  entityId: string | null;
  action: string;
  status: number;
  before: unknown;
  after: unknown;
}

export interface AuditFilter {
  entity?: string;
  entity_id?: string;
  actor?: string;
  action?: string;
  from?: number;
  to?: number;
  before?: number;
}

// A change is shown, not archived: a huge body (a CSV mapping, a long payload) is cut.
const MAX_CHANGE_CHARS = 16_384;
const stored = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value);
  return text.length > MAX_CHANGE_CHARS ? JSON.stringify({ truncated: true, start: text.slice(0, MAX_CHANGE_CHARS) }) : text;
};

export function auditJson(row: AuditRow) {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: { kind: row.actor_kind, name: row.actor, ref: row.actor_ref },
    address: row.address,
    method: row.method,
    route: row.route,
    entity: row.entity,
    entity_id: row.entity_id,
    action: row.action,
    status: row.status,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
  };
}

export function createAudit({ db, clock, flush }: { db: Database; clock: Clock; flush?: Flush }) {
  const insert = db.query<{ id: number }, any>(SQL.INSERT);
  const finish = db.query(SQL.FINISH);
  const page = db.query<AuditRow, any>(SQL.PAGE);
  const entities = db.query<{ entity: string }, []>(SQL.ENTITIES);
  const actors = db.query<{ actor: string }, []>(SQL.ACTORS);
  const deleteOld = db.query(SQL.DELETE_OLD);

  // Not prepared: SQLite applies a pragma's setting when the statement is compiled.
  const unsynced = <T>(write: () => T): T => {
    if (!flush || db.inTransaction) return write();
    db.run("PRAGMA synchronous = NORMAL");
    try {
      return write();
    } finally {
      db.run("PRAGMA synchronous = FULL");
    }
  };
  const flushed = (): Promise<void> => flush?.() ?? Promise.resolve();

  return {
    /** A row, whole; its id. `status` 0: not answered yet (see finish). On disk with the next synced commit or flush. */
    record(entry: AuditEntry): number {
      const { actor } = entry;
      return unsynced(() => insert.get(clock.now(), actor.kind, actor.name, actor.ref, entry.address, entry.method, entry.route, entry.entity, entry.entityId, entry.action, entry.status, stored(entry.before), stored(entry.after))!.id);
    },
    /** The outcome of a row recorded with status 0 before its request was handled. */
    finish(id: number, outcome: Pick<AuditEntry, "entityId" | "status" | "before" | "after">): void {
      unsynced(() => finish.run(outcome.entityId, outcome.status, stored(outcome.before), stored(outcome.after), id));
    },
    /** Resolves once every row written so far is on disk. */
    flushed,
    /** Newest first; `before` is the id to continue below (the next page's cursor). */
    page(filter: AuditFilter, limit = 50): AuditRow[] {
      return page.all({
        before: filter.before ?? Number.MAX_SAFE_INTEGER,
        from: filter.from ?? 0,
        to: filter.to ?? Number.MAX_SAFE_INTEGER,
        entity: filter.entity ?? "",
        entity_id: filter.entity_id ?? "",
        actor: filter.actor ?? "",
        action: filter.action ?? "",
        limit: limit,
      });
    },
    /** What the filters can choose from. */
    choices: () => ({ entities: entities.all().map((r) => r.entity), actors: actors.all().map((r) => r.actor) }),
    /** Removes rows older than `before`, a batch at a time; how many went. */
    async prune(before: number): Promise<number> {
      let removed = 0;
      for (;;) {
        const changes = deleteOld.run(before).changes;
        removed += changes;
        if (changes < PRUNE_BATCH) return removed;
        await Bun.sleep(0);
      }
    },
  };
}

export type Audit = ReturnType<typeof createAudit>;
