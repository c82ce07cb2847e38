/** @jsxImportSource @kitajs/html */
// Alerts in the admin: the open ones on the home page; where they go and the thresholds in Settings.
import type { AlertThresholds } from "../../src/modules/deliveries/alerts";
import { ErrorText } from "../layout";

interface AlertView {
  id: number;
  title: string;
  details: Record<string, string>;
  opened_at: string;
}
interface DestinationView {
  id: number;
  url: string;
  secret: string | null;
}

/** The open alerts, on the home page; nothing when there are none. */
export function OpenAlerts({ alerts }: { alerts: AlertView[] }) {
  if (alerts.length === 0) return "";
  return (
    <section id="open-alerts" class="card warning-card">
      <h2 safe>{`${alerts.length} open alert${alerts.length === 1 ? "" : "s"}`}</h2>
      <ul>
        {alerts.map((alert) => (
          <li>
            <strong safe>{alert.title}</strong> <span class="muted" safe>{`since ${alert.opened_at.replace("T", " ").slice(0, 16)} UTC · ${Object.entries(alert.details).map(([k, v]) => `${k}: ${v}`).join(" · ")}`}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function AlertSettingsSection({ destinations, thresholds, error }: { destinations: DestinationView[]; thresholds: AlertThresholds; error?: string }) {
  return (
    <section id="alerts" class="card">
      <h2>Alerts</h2>
      <p class="muted small-text">
        Sent when a delivery fails for good, a target's circuit opens, a webhook refuses many requests, the oldest pending delivery waits too long, or the disk is nearly
        full; once when it happens and
        once when it is resolved. Slack-compatible JSON (text and fields), signed with Standard Webhooks when a secret is set.
      </p>
      {destinations.length ? (
        <ul id="alert-destinations">
          {destinations.map((d) => (
            <li>
              <code safe>{d.url}</code> {d.secret ? <span class="muted">signed</span> : ""}{" "}
              <button type="button" class="danger small" hx-post={`/admin/alert-destinations/${d.id}/delete`} hx-target="#alerts" hx-swap="outerHTML">
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No destination: alerts show on the home page only.</p>
      )}
      <form class="row" id="add-alert-destination" hx-post="/admin/alert-destinations" hx-target="#alerts" hx-swap="outerHTML">
        <label class="grow">
          Destination URL (e.g. a Slack incoming webhook)
          <input name="url" required placeholder="https://hooks.slack.com/services/…" />
        </label>
        <label>
          Signing secret (optional)
          <input name="secret" type="password" autocomplete="off" placeholder="whsec_…" />
        </label>
        <button type="submit" class="secondary">Add</button>
      </form>
      <form class="row" id="alert-thresholds" hx-post="/admin/alert-thresholds" hx-target="#alerts" hx-swap="outerHTML">
        <label>
          Oldest pending delivery, minutes
          <input name="pending_minutes" type="number" min="1" class="short" value={String(thresholds.pending_minutes)} />
        </label>
        <label>
          Refusals by a webhook in 15 minutes
          <input name="rejections_per_15_minutes" type="number" min="1" class="short" value={String(thresholds.rejections_per_15_minutes)} />
        </label>
        <label>
          Target failing, % of tries
          <input name="target_failure_percent" type="number" min="1" max="100" class="short" value={String(thresholds.target_failure_percent)} />
        </label>
        <label>
          …of at least, in 5 minutes
          <input name="target_min_attempts" type="number" min="1" class="short" value={String(thresholds.target_min_attempts)} />
        </label>
        <label>
          Free disk below, MB
          <input name="free_disk_mb" type="number" min="1" class="short" value={String(thresholds.free_disk_mb)} />
        </label>
        <button type="submit" class="secondary">Save thresholds</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}
