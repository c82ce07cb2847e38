/** @jsxImportSource @kitajs/html */
// Deliveries (the outbound queue) and the installation settings form.
import type { Attempt, Delivery } from "../../src/modules/deliveries/service";
import type { TeamSettings } from "../../src/modules/settings/service";
import { ErrorText, Layout } from "../layout";
import { requestLine, utc } from "../format";

const when = utc;
export const DELIVERY_STATES = ["pending", "sending", "succeeded", "failed"] as const;

export interface DeliveriesView {
  deliveries: Delivery[];
  counts: Record<string, number>;
  state: string;
  target: string;
  nextCursor: string | null;
  detail?: { delivery: Delivery; attempts: Attempt[] };
  notice?: string;
}

export function DeliveriesSection({ deliveries, counts, state, target, nextCursor, detail, notice }: DeliveriesView) {
  const query = (extra: string) => `/admin/deliveries?state=${state}&target=${encodeURIComponent(target)}${extra}`;
  return (
    <section id="deliveries" class="card">
      <p class="counts">
        {DELIVERY_STATES.map((s) => (
          <span class={`badge state-${s}`} safe>{`${s}: ${counts[s] ?? 0}`}</span>
        ))}
        {(counts.failed ?? 0) > 0 ? (
          <button type="button" class="secondary small" hx-post="/admin/deliveries/retry-failed" hx-target="#deliveries" hx-swap="outerHTML"
            hx-confirm="Queue every failed delivery again?">
            Retry all failed
          </button>
        ) : (
          ""
        )}
      </p>
      {notice ? <p class="notice" role="status" safe>{notice}</p> : ""}
      <form class="row" hx-get="/admin/deliveries" hx-target="#deliveries" hx-swap="outerHTML" hx-trigger="change, submit">
        <select name="state" aria-label="Filter by state">
          <option value="">all states</option>
          {DELIVERY_STATES.map((s) => (
            <option value={s} selected={s === state}>
              {s}
            </option>
          ))}
        </select>
        <input name="target" value={target} placeholder="target URL contains…" aria-label="Filter by target" />
        <button type="submit" class="secondary">Filter</button>
      </form>
      {deliveries.length === 0 ? (
        <p class="muted">Nothing here.</p>
      ) : (
        <table id="delivery-rows" class="clickable">
          <thead>
            <tr>
              <th>Created (UTC)</th>
              <th>Kind</th>
              <th>Target</th>
              <th>State</th>
              <th>Attempts</th>
              <th>Last result</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr hx-get={`/admin/deliveries/${d.public_id}`} hx-target="#delivery-detail" hx-swap="outerHTML" class={detail?.delivery.id === d.id ? "selected" : undefined}>
                <td safe>{when(d.created_at)}</td>
                <td safe>{d.kind}</td>
                <td>
                  <code safe>{requestLine(d)}</code>
                </td>
                <td>
                  <span class={`badge state-${d.state}`} safe>
                    {d.state}
                  </span>
                </td>
                <td safe>{String(d.attempts)}</td>
                <td safe>{d.last_error ?? (d.last_status ? `HTTP ${d.last_status}` : "—")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor ? (
        <button type="button" class="secondary" hx-get={query(`&cursor=${nextCursor}`)} hx-target="#deliveries" hx-swap="outerHTML">
          Older
        </button>
      ) : (
        ""
      )}
      <DeliveryDetail detail={detail} />
    </section>
  );
}

export function DeliveryDetail({ detail }: { detail?: { delivery: Delivery; attempts: Attempt[] } }) {
  if (!detail) return <div id="delivery-detail"></div>;
  const { delivery, attempts } = detail;
  return (
    <div id="delivery-detail" class="detail">
      <h3 safe>{`${delivery.public_id}: ${delivery.state} after ${delivery.attempts} attempt${delivery.attempts === 1 ? "" : "s"}`}</h3>
      <p>
        <code safe>{requestLine(delivery)}</code>
        {delivery.state === "pending" ? <span class="muted" safe>{` next try ${when(delivery.next_attempt_at)} UTC`}</span> : ""}
      </p>
      {attempts.length === 0 ? (
        <p class="muted">Not tried yet.</p>
      ) : (
        <table id="attempt-rows">
          <thead>
            <tr>
              <th>Started (UTC)</th>
              <th>Result</th>
              <th>ms</th>
              <th>Response (first 2 KiB)</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((a) => (
              <tr>
                <td safe>{when(a.started_at)}</td>
                <td safe>{a.status !== null ? `HTTP ${a.status}` : (a.error ?? "—")}</td>
                <td safe>{String(a.duration_ms)}</td>
                <td>
                  <code safe>{a.response ?? ""}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {delivery.state === "failed" ? (
        <button type="button" hx-post={`/admin/deliveries/${delivery.public_id}/retry`} hx-target="#deliveries" hx-swap="outerHTML">
          Retry now
        </button>
      ) : (
        ""
      )}
    </div>
  );
}

export function DeliveriesPage({ csrf, view }: { csrf: string; view: DeliveriesView }) {
  return (
    <Layout title="Deliveries" csrf={csrf} active="deliveries">
      <h1>Deliveries</h1>
      <p class="muted">Everything Switchboard sends over the network waits here until the relay worker delivers it: channel messages, HTTP request actions, live-chat relays.</p>
      <DeliveriesSection {...view} />
    </Layout>
  );
}

export function InstallationSection({ settings, saved, error }: { settings: TeamSettings; saved?: boolean; error?: string }) {
  return (
    <section id="installation" class="card">
      <h2>Installation</h2>
      <p class="muted small-text" safe>{`Team id ${settings.team_id} (sent in live-chat relays).`}</p>
      <form class="row" hx-post="/admin/settings/installation" hx-target="#installation" hx-swap="outerHTML">
        <label>
          Inbound webhooks per bot
          <input name="max_inbound_webhooks_per_bot" type="number" min="1" max="100" value={String(settings.max_inbound_webhooks_per_bot)} class="short" />
        </label>
        <label>
          Keep request logs (days)
          <input name="log_retention_days" type="number" min="1" max="3650" value={String(settings.log_retention_days)} class="short" />
        </label>
        <button type="submit" class="secondary">Save</button>
        {saved ? <span class="muted" role="status">Saved.</span> : ""}
      </form>
      <ErrorText message={error} />
    </section>
  );
}
