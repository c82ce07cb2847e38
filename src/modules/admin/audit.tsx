/** @jsxImportSource @kitajs/html */
// The audit log page (/admin/audit): the log's rows, newest first, filtered by who, what,
// action and dates; the same filters as GET /api/v1/audit-log.
import { Elysia } from "elysia";
import { AppError } from "../../http/errors";
import { pageOf } from "../../lib/cursor";
import type { Settings } from "../settings/service";
import { auditJson, type Audit } from "../audit/service";
import { auditCursor, auditFilter } from "../audit/index";
import type { Accounts } from "./accounts";
import { html, sessionGuard } from "./http";
import { AuditPage, type AuditFilters } from "../../../views/pages/audit";

const PAGE = 50;

export function auditPages({ accounts, audit, settings, publicUrl }: { accounts: Accounts; audit: Audit; settings: Settings; publicUrl: () => string }) {
  return new Elysia({ name: "admin-audit", prefix: "/admin" })
    .use(sessionGuard({ accounts, publicUrl }))
    .get("/audit", ({ query, session }) => {
      const text = (name: keyof AuditFilters | "cursor") => (typeof query[name] === "string" ? query[name].slice(0, 100) : undefined);
      const filters: AuditFilters = { entity: text("entity"), entity_id: text("entity_id"), actor: text("actor"), action: text("action"), from: text("from"), to: text("to") };
      const props = { csrf: session!.csrf_token, nav: session!.nav, filters, choices: audit.choices(), retentionDays: settings.get().audit_retention_days };
      try {
        // A date picked for "to" means up to the end of that day.
        const to = filters.to && /^\d{4}-\d{2}-\d{2}$/.test(filters.to) ? new Date(Date.parse(filters.to) + 86_400_000).toISOString() : filters.to;
        const page = pageOf(audit.page(auditFilter({ ...filters, to, cursor: text("cursor") }), PAGE + 1), PAGE, auditCursor.encode);
        const older = page.next_cursor ? new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), cursor: page.next_cursor }).toString() : null;
        return html(AuditPage({ ...props, rows: page.data.map(auditJson), older }));
      } catch (error) {
        if (error instanceof AppError && error.status < 500) return html(AuditPage({ ...props, rows: [], older: null, error: error.message }), 400);
        throw error;
      }
    });
}
