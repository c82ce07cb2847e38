/** @jsxImportSource @kitajs/html */
// The audit log: who changed what, when and from where, newest first, with filters. Each row's
// change is shown field by field, before → after (secrets come masked from the store).
import type { auditJson } from "../../src/modules/audit/service";
import { Layout } from "../layout";

type AuditRow = ReturnType<typeof auditJson>;

export interface AuditFilters {
  entity?: string;
  entity_id?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
}

export interface AuditProps {
  csrf: string;
  /** The nav links this user's role opens (all when absent). */
  nav?: readonly string[];
  rows: AuditRow[];
  filters: AuditFilters;
  choices: { entities: string[]; actors: string[] };
  /** The next (older) page's query string, or null on the last page. */
  older: string | null;
  retentionDays: number;
  error?: string;
}

const shown = (value: unknown) => {
  const text = value === undefined ? "—" : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
};

/** The change, a line per field: `name: before → after`. */
function Change({ before, after }: { before: unknown; after: unknown }) {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
  if (before === null && after === null) return <span class="muted">no change</span>;
  if (!isObject(before) && !isObject(after)) return <code safe>{`${shown(before)} → ${shown(after)}`}</code>;
  const was = isObject(before) ? before : {};
  const now = isObject(after) ? after : {};
  const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])];
  if (keys.length === 0) return <span class="muted">no change</span>;
  const created = before === null;
  const removed = after === null;
  return (
    <ul class="change">
      {keys.map((key) => (
        <li>
          <code safe>{created ? `${key}: ${shown(now[key])}` : removed ? `${key}: ${shown(was[key])} (removed)` : `${key}: ${shown(was[key])} → ${shown(now[key])}`}</code>
        </li>
      ))}
    </ul>
  );
}

function Select({ name, options, selected, all }: { name: string; options: string[]; selected?: string; all: string }) {
  return (
    <select name={name}>
      <option value="">{all}</option>
      {options.map((option) => (
        <option value={option} selected={option === selected} safe>
          {option}
        </option>
      ))}
    </select>
  );
}

export function AuditPage({ csrf, nav, rows, filters, choices, older, retentionDays, error }: AuditProps) {
  return (
    <Layout title="Audit log" csrf={csrf} nav={nav} active="audit">
      <h1>Audit log</h1>
      <p class="muted" safe>{`Every change made through this admin or the API: who, when, from where, and what changed. Secrets are masked. Rows are kept ${retentionDays} days (Settings).`}</p>
      <form method="get" action="/admin/audit" class="row card filters">
        <label>
          Who
          <Select name="actor" options={choices.actors} selected={filters.actor} all="anyone" />
        </label>
        <label>
          What
          <Select name="entity" options={choices.entities} selected={filters.entity} all="anything" />
        </label>
        <label>
          Its id
          <input name="entity_id" value={filters.entity_id ?? ""} size="12" />
        </label>
        <label>
          Action
          <input name="action" value={filters.action ?? ""} size="12" placeholder="update" />
        </label>
        <label>
          From
          <input type="date" name="from" value={filters.from ?? ""} />
        </label>
        <label>
          To
          <input type="date" name="to" value={filters.to ?? ""} />
        </label>
        <button type="submit">Filter</button>
        <a href="/admin/audit">Clear</a>
      </form>
      {error ? (
        <p class="error" role="alert" safe>
          {error}
        </p>
      ) : (
        ""
      )}
      {rows.length === 0 ? (
        <p class="muted">No changes recorded{Object.values(filters).some(Boolean) ? " that match these filters" : ""}.</p>
      ) : (
        <table class="audit">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>From</th>
              <th>What</th>
              <th>Answer</th>
              <th>Change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr class={row.status >= 400 ? "refused" : undefined}>
                <td safe>{row.at.replace("T", " ").slice(0, 19)}</td>
                <td safe>{`${row.actor.name}${row.actor.kind === "token" ? ` (API token ${row.actor.ref}…)` : row.actor.kind === "command" ? " (command line)" : ""}`}</td>
                <td safe>{row.address ?? ""}</td>
                <td>
                  <strong safe>{`${row.entity} ${row.action}`}</strong>
                  {row.entity_id ? <div class="muted" safe>{row.entity_id}</div> : ""}
                  <div class="muted small" safe>{`${row.method} ${row.route}`}</div>
                </td>
                <td safe>{row.status === 0 ? "no answer recorded" : row.status >= 400 ? `${row.status} refused` : String(row.status)}</td>
                <td>
                  <Change before={row.before} after={row.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {older ? <a href={`/admin/audit?${older}`}>Older changes →</a> : ""}
    </Layout>
  );
}
