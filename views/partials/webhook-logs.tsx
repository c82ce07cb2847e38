/** @jsxImportSource @kitajs/html */
// The request log of a webhook (#wh-logs) and one request in full (#wh-log-detail).
import type { WebhookLog } from "../../src/modules/inbound/logs";
import type { Webhook } from "../../src/modules/inbound/service";
import { actsOutside, describeAction } from "../describe";
import { contactName, utc } from "../format";
import type { Contact } from "../../src/modules/contacts/service";

const when = utc;

/** How a log row reads in the list: "processed" with skipped values is not a plain success. */
function outcomeLabel(log: WebhookLog): { text: string; class: string } {
  const notes = (JSON.parse(log.notes) as string[]).length;
  if (log.outcome === "processed" && notes > 0) return { text: `processed with ${notes} warning${notes === 1 ? "" : "s"}`, class: "outcome-warnings" };
  return { text: log.outcome, class: `outcome-${log.outcome}` };
}

export interface LogRowsProps {
  webhookId: number;
  logs: WebhookLog[];
  /** The contacts the rows name, by user_ns (a deleted one is missing). */
  contacts: Map<string, Contact>;
  outcome: string;
  nextCursor: string | null;
  selected?: number;
}

/** The rows, refetched when a request arrives (no reload, no polling). */
export function LogRows({ webhookId, logs, contacts, outcome, nextCursor, selected }: LogRowsProps) {
  const base = `/admin/webhooks/${webhookId}/logs`;
  return (
    <div id="wh-log-rows">
      {logs.length === 0 ? (
        <p class="muted">No requests yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Time (UTC)</th>
                <th>Outcome</th>
                <th>Status</th>
                <th>Contact</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {logs.map((log) => {
                const label = outcomeLabel(log);
                return (
                  <tr class={selected === log.id ? "selected" : undefined}>
                    <td class="nowrap">
                      <a href={`${base}/${log.id}`} hx-get={`${base}/${log.id}`} hx-target="#wh-log-detail" hx-swap="outerHTML" safe>
                        {when(log.received_at)}
                      </a>
                    </td>
                    <td>
                      <span class={`badge ${label.class}`} safe>
                        {label.text}
                      </span>
                    </td>
                    <td safe>{String(log.status)}</td>
                    <td>
                      <ContactCell log={log} contact={log.user_ns ? contacts.get(log.user_ns) : undefined} />
                    </td>
                    <td class="muted small-text" safe>{log.error ?? `${log.duration_ms} ms`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <button type="button" class="secondary" hx-get={`${base}?outcome=${outcome}&cursor=${nextCursor}`} hx-target="#wh-logs" hx-swap="outerHTML">
          Older
        </button>
      ) : (
        ""
      )}
    </div>
  );
}

function ContactCell({ log, contact }: { log: WebhookLog; contact?: Contact }) {
  if (!log.user_ns) return <span class="muted">—</span>;
  const isNew = log.created_contact ? " (new)" : "";
  if (!contact) return <span class="muted" safe>{`deleted contact${isNew}`}</span>;
  return (
    <>
      <a href={`/admin/contacts/${contact.user_ns}`} safe>
        {contactName(contact)}
      </a>
      {isNew ? <span class="muted">{isNew}</span> : ""}
    </>
  );
}

export function LogsSection({ webhookId, logs, contacts, outcomes, outcome, nextCursor, detail }: { webhookId: number; logs: WebhookLog[]; contacts: Map<string, Contact>; outcomes: readonly string[]; outcome: string; nextCursor: string | null; detail?: WebhookLog }) {
  const base = `/admin/webhooks/${webhookId}/logs`;
  return (
    <section id="wh-logs" class="card">
      <h2>Logs</h2>
      <select name="outcome" aria-label="Filter by outcome" hx-get={base} hx-target="#wh-logs" hx-swap="outerHTML">
        <option value="">all outcomes</option>
        {outcomes.map((o) => (
          <option value={o} selected={o === outcome}>
            {o}
          </option>
        ))}
      </select>
      <LogRows webhookId={webhookId} logs={logs} contacts={contacts} outcome={outcome} nextCursor={nextCursor} selected={detail?.id} />
      <LogDetail webhookId={webhookId} log={detail} />
    </section>
  );
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function LogDetail({ webhookId, log }: { webhookId: number; log?: WebhookLog }) {
  if (!log) return <div id="wh-log-detail"></div>;
  const notes = JSON.parse(log.notes) as string[];
  return (
    <div id="wh-log-detail" class="detail">
      <h3 safe>{`Request #${log.id}: ${log.outcome} (${log.status})${log.replay_of ? `, replay of #${log.replay_of}` : ""}`}</h3>
      {log.error ? <p class="error" safe>{log.error}</p> : ""}
      {notes.length ? (
        <ul class="notes">
          {notes.map((note) => (
            <li safe>{note}</li>
          ))}
        </ul>
      ) : (
        ""
      )}
      <div class="grid2">
        <div>
          <h4>Body{log.body_truncated ? " (cut at 64 KiB)" : ""}</h4>
          <pre class="code" safe>{pretty(log.body)}</pre>
        </div>
        <div>
          <h4>Headers</h4>
          <pre class="code" safe>{JSON.stringify(JSON.parse(log.headers), null, 2)}</pre>
          <h4>Response</h4>
          <pre class="code" safe>{pretty(log.response)}</pre>
          <h4>Fields written</h4>
          <pre class="code" safe>{pretty(log.fields_written)}</pre>
        </div>
      </div>
      <button type="button" hx-get={`/admin/webhooks/${webhookId}/logs/${log.id}/replay`} hx-target="#wh-log-detail" hx-swap="outerHTML">
        Replay with today's settings…
      </button>
    </div>
  );
}

/** Before a replay (one or in bulk): the webhook's actions in order, and what each does outside Switchboard again. */
export function ReplayedActions({ webhook, id }: { webhook: Webhook; id?: string }) {
  if (!webhook.actions.length) return "";
  return (
    <ol id={id}>
      {webhook.actions.map((action) => (
        <li>
          <span safe>{describeAction(action)}</span>
          {actsOutside(action) ? <strong safe>{` (${actsOutside(action)})`}</strong> : ""}
        </li>
      ))}
    </ol>
  );
}

/** Before a replay: what it will run, and whether anything leaves the machine. */
export function ReplayConfirm({ webhook, log }: { webhook: Webhook; log: WebhookLog }) {
  const outside = webhook.actions.filter((action) => actsOutside(action) !== null).length;
  return (
    <div id="wh-log-detail" class="detail confirm">
      <h3 safe>{`Replay request #${log.id}?`}</h3>
      <p>
        It runs again with today's settings, as a new log row: identification, {webhook.mappings.length} mapping{webhook.mappings.length === 1 ? "" : "s"}
        {webhook.actions.length ? " and these actions, in order:" : ", and no actions."} The rate limit, the active switch, the signature and idempotency are skipped.
      </p>
      <ReplayedActions webhook={webhook} id="replay-actions" />
      {outside ? <p class="warning" safe>{`${outside} of them ${outside === 1 ? "acts" : "act"} outside Switchboard again: the contact or the other system gets it twice.`}</p> : ""}
      <div class="row">
        <button type="button" id="replay-now" hx-post={`/admin/webhooks/${webhook.id}/logs/${log.id}/replay`} hx-target="#wh-logs" hx-swap="outerHTML">
          Replay now
        </button>
        <button type="button" class="secondary" hx-get={`/admin/webhooks/${webhook.id}/logs/${log.id}`} hx-target="#wh-log-detail" hx-swap="outerHTML">
          Cancel
        </button>
      </div>
    </div>
  );
}
