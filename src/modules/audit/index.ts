// HTTP route for the audit log: GET /api/v1/audit-log, newest first, with filters.
import { Elysia, t } from "elysia";
import { errors } from "../../http/errors";
import { documented, pageLimit } from "../../http/schema";
import { keysetCursor, pageOf } from "../../lib/cursor";
import type { BearerAuth } from "../tokens/index";
import { auditJson, type Audit, type AuditFilter } from "./service";

export const auditCursor = keysetCursor("audit:");

const auditRowJson = t.Object({
  id: t.Integer(),
  at: t.String({ format: "date-time" }),
  actor: t.Object({ kind: t.UnionEnum(["user", "token", "command"]), name: t.String({ description: "The user's name, the API token's name, or the server's system account that ran a command (`switchboard token create`, `admin set-password`, `admin reset-two-factor`)" }), ref: t.String({ description: "The user's id, the token's prefix, or `command line`" }) }),
  address: t.Nullable(t.String({ description: "The address the request came from" })),
  method: t.String(),
  route: t.String({ description: "The route template, e.g. /api/v1/inbound-webhooks/:id" }),
  entity: t.String({ description: "bot, webhook, field, contact, settings, api_token, user, integration, delivery, …" }),
  entity_id: t.Nullable(t.String()),
  action: t.String({ description: "create, update, delete, or the route's own verb (rotate-secret, retry, pause, …)" }),
  status: t.Integer({ description: "The answer's status: a refused or failed request is recorded too, and changed nothing. 0: no answer was recorded (the server stopped while handling it; `before` is the subject as it was, `after` what was asked)" }),
  before: t.Any({ description: "The fields that changed, as they were (null: it did not exist); secrets as ********" }),
  after: t.Any({ description: "The same fields after (null: deleted); for things without a stored form, what was asked" }),
}, { title: "AuditRow" });

/** The filters both the API and the admin page take; times as ISO 8601. */
export function auditFilter(query: { entity?: string; entity_id?: string; actor?: string; action?: string; from?: string; to?: string; cursor?: string }): AuditFilter {
  const time = (name: "from" | "to") => {
    if (!query[name]) return undefined;
    const ms = Date.parse(query[name]!);
    if (!Number.isFinite(ms)) throw errors.validation(`${name}: an ISO 8601 time`, "invalid_audit_filter");
    return ms;
  };
  const before = query.cursor ? auditCursor.decode(query.cursor) : undefined;
  if (before === null) throw errors.invalidCursor();
  return { entity: query.entity || undefined, entity_id: query.entity_id || undefined, actor: query.actor || undefined, action: query.action || undefined, from: time("from"), to: time("to"), before };
}

export function auditApi({ auth, audit }: { auth: BearerAuth; audit: Audit }) {
  return new Elysia({ name: "audit-api", prefix: "/audit-log", detail: { tags: ["Audit log"] } })
    .use(auth)
    .get("", ({ query, scope }) => {
      scope.installation();
      const limit = query.limit ?? 50;
      const page = pageOf(audit.page(auditFilter(query), limit + 1), limit, auditCursor.encode);
      return { data: page.data.map(auditJson), next_cursor: page.next_cursor };
    }, {
      query: t.Object({
        entity: t.Optional(t.String({ maxLength: 50 })),
        entity_id: t.Optional(t.String({ maxLength: 100 })),
        actor: t.Optional(t.String({ maxLength: 100, description: "A user's or a token's name" })),
        action: t.Optional(t.String({ maxLength: 100 })),
        from: t.Optional(t.String({ format: "date-time", description: "At or after" })),
        to: t.Optional(t.String({ format: "date-time", description: "Before" })),
        limit: pageLimit(),
        cursor: t.Optional(t.String()),
      }),
      detail: {
        summary: "The audit log: every state-changing request through the admin or the API, newest first",
        description: "Who (a user or an API token), when, from which address, what (entity and id) and the change, before → after, with secrets masked. Kept for the `audit_retention_days` setting (default 365).",
        responses: documented({ 200: t.Object({ data: t.Array(auditRowJson), next_cursor: t.Nullable(t.String()) }) }),
      },
    });
}
