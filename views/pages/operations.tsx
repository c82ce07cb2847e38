// Deliveries (the outbound queue) and the installation settings form.
import type { Delivery } from "../../src/modules/deliveries/service";
import type { TeamSettings } from "../../src/modules/settings/service";
import { ErrorText, Layout } from "../layout";

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
export const DELIVERY_STATES = ["pending", "sending", "succeeded", "failed"] as const;

export function DeliveriesSection({ deliveries, state }: { deliveries: Delivery[]; state: string }) {
  return (
    <section id="deliveries" class="card">
      <select name="state" aria-label="Filter by state" hx-get="/admin/deliveries" hx-target="#deliveries" hx-swap="outerHTML">
        <option value="">all states</option>
        {DELIVERY_STATES.map((s) => (
          <option value={s} selected={s === state}>
            {s}
          </option>
        ))}
      </select>
      {deliveries.length === 0 ? (
        <p class="muted">Nothing queued.</p>
      ) : (
        <table id="delivery-rows">
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
              <tr>
                <td safe>{when(d.created_at)}</td>
                <td safe>{d.kind}</td>
                <td>
                  <code safe>{d.target_url ? `${d.method} ${d.target_url}` : "bot channel"}</code>
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
    </section>
  );
}

export function DeliveriesPage({ csrf, deliveries, state }: { csrf: string; deliveries: Delivery[]; state: string }) {
  return (
    <Layout title="Deliveries" csrf={csrf} active="deliveries">
      <h1>Deliveries</h1>
      <p class="muted">Everything Switchboard sends over the network waits here until the relay worker delivers it: channel messages, HTTP request actions, live-chat relays.</p>
      <DeliveriesSection deliveries={deliveries} state={state} />
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
