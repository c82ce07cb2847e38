// Records each state-changing request through the admin or the API in the audit log, from the
// route table: what the route names (subjects.ts), who sent it (http/actor.ts), from where,
// its answer's status, and the subject as it was before and after (secrets masked). Hooked
// around every route by app.ts. The row is written before the handler runs (status 0, what it
// was and what was asked) and given its outcome before the answer goes out: a crash in between
// leaves the attempt in the log, never a change with no row.
import { actorOf, type Actor } from "../../http/actor";
import { changeOf, masked } from "../../lib/audit-change";
import type { Audit } from "./service";
import { subjectOf, type Subject } from "./subjects";

/** Reads an entity as it is now (null: it does not exist); `params` are the route's. */
export type Reader = (id: string, params: Record<string, string>) => unknown;

const STATE_CHANGES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// Inbound traffic (webhooks, channels) is logged on its own; the audit log is about people and tokens.
const AUDITED = /^\/(api|admin)(\/|$)/;

interface Pending {
  subject: Subject;
  id: string | null;
  before: unknown;
  /** The row written before the handler ran, to be given its outcome (null: it could not be written). */
  row: number | null;
}

export function createAuditRecorder({ audit, readers, clientIp, log }: { audit: Audit; readers: Record<string, Reader>; clientIp: (request: Request) => string | null; log: (line: Record<string, unknown>) => void }) {
  const pending = new WeakMap<Request, Pending>();
  const subjects = new Map<string, Subject | null>();
  const subjectFor = (method: string, route: string) => {
    const key = `${method} ${route}`;
    if (!subjects.has(key)) subjects.set(key, STATE_CHANGES.has(method) && AUDITED.test(route) ? subjectOf(method, route) : null);
    return subjects.get(key)!;
  };

  const read = (entity: string, id: string | null, params: Record<string, string>) =>
    id === null && !isSingleton(entity) ? null : readEntity(readers, entity, id ?? "", params);
  const readable = (entity: string, id: string | null) => readers[entity] !== undefined && (id !== null || isSingleton(entity));

  function idOf(subject: Subject, params: Record<string, string>, body: unknown, actor: Actor | null, answer?: unknown): string | null {
    const id = subject.id;
    if (id.from === "param") return params[id.name] ?? null;
    if (id.from === "body") {
      for (const name of id.names) {
        const value = (body as Record<string, unknown> | null)?.[name];
        if (typeof value === "string" || typeof value === "number") return String(value);
      }
      return null;
    }
    if (id.from === "self") return actor?.kind === "user" ? actor.ref : null;
    if (id.from === "created" && answer !== undefined) return createdId(answer, id.name);
    return null;
  }

  return {
    /**
     * Before the handler and the guards' checks (the session or the token is known by then):
     * the subject as it is. Nothing is read for a request nobody signed.
     */
    before(request: Request, route: string, params: Record<string, string> | undefined, body: unknown): void {
      const subject = subjectFor(request.method, route);
      const actor = actorOf(request);
      if (!subject || !actor) return;
      const id = idOf(subject, params ?? {}, body, actor);
      const hasReader = readable(subject.entity, id);
      const before = hasReader ? read(subject.entity, id, params ?? {}) : null;
      let row: number | null = null;
      try {
        row = audit.record({ actor, address: clientIp(request), method: request.method, route, entity: subject.entity, entityId: id, action: subject.action, status: 0, before: masked(before), after: hasReader ? null : masked(withoutCsrf(body)) });
      } catch (error) {
        log({ level: "error", msg: "audit row not written", route, error: String((error as Error)?.message ?? error) });
      }
      pending.set(request, { subject, id, before, row });
    },
    /**
     * Once the answer is decided, before it is sent: the row's outcome. Returns the wait until it
     * is on disk, or nothing when no row was written (most requests: reads, inbound traffic).
     */
    after(request: Request, route: string | undefined, status: number, params: Record<string, string> | undefined, body: unknown, answer?: unknown): Promise<void> | undefined {
      if (!route) return;
      const subject = subjectFor(request.method, route);
      if (!subject) return;
      const actor = actorOf(request);
      if (!actor) return; // unauthenticated: refused before it could change anything, and not anyone's act
      const was = pending.get(request);
      const id = was?.id ?? idOf(subject, params ?? {}, body, actor, status < 400 ? answer : undefined);
      // The subject before and after; without a reader (or an id, or when it cannot be read
      // either side), what was asked for: the body. A refused request changed nothing.
      const now = status < 400 && readable(subject.entity, id) ? read(subject.entity, id, params ?? {}) : null;
      const before = was?.before ?? null;
      const change = status >= 400 ? { before: null, after: null } : before !== null || now !== null ? changeOf(before, now) : changeOf(null, withoutCsrf(body));
      try {
        if (was?.row) audit.finish(was.row, { entityId: id, status, before: change.before, after: change.after });
        else audit.record({ actor, address: clientIp(request), method: request.method, route, entity: subject.entity, entityId: id, action: subject.action, status, before: change.before, after: change.after });
      } catch (error) {
        // A failing store answers this request with its own error; the audit row cannot be written either.
        log({ level: "error", msg: "audit row not written", route, error: String((error as Error)?.message ?? error) });
        return;
      }
      return audit.flushed();
    },
  };
}

export type AuditRecorder = ReturnType<typeof createAuditRecorder>;

/** An entity as its reader shows it now; null when it does not exist (as far as the log can tell). */
export function readEntity(readers: Record<string, Reader>, entity: string, id: string, params: Record<string, string> = {}): unknown {
  try {
    return readers[entity]!(id, params) ?? null;
  } catch {
    return null;
  }
}

const SINGLETON_ENTITIES = new Set(["settings", "integration", "target_limits", "alert_thresholds"]);
const isSingleton = (entity: string) => SINGLETON_ENTITIES.has(entity);

function withoutCsrf(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body ?? null;
  const { _csrf: _, ...rest } = body as Record<string, unknown>;
  return Object.keys(rest).length ? rest : null;
}

/** The id a creation's answer names: a JSON object's key (UChat's under data), or the page it redirects to. */
function createdId(answer: unknown, key: string): string | null {
  if (answer instanceof Response) {
    const to = answer.headers.get("hx-redirect") ?? answer.headers.get("location");
    const last = to?.split("?")[0]!.split("/").filter(Boolean).at(-1);
    return last && !["admin", "login"].includes(last) ? decodeURIComponent(last) : null;
  }
  if (typeof answer !== "object" || answer === null) return null;
  const object = answer as Record<string, unknown>;
  const found = object[key] ?? (object.data as Record<string, unknown> | undefined)?.[key];
  return typeof found === "string" || typeof found === "number" ? String(found) : null;
}
