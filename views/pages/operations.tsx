/** @jsxImportSource @kitajs/html */
// Deliveries (the outbound queue) and the installation settings form.
import type { Attempt, Delivery } from "../../src/modules/deliveries/service";
import type { TargetLimit } from "../../src/modules/deliveries/throttle";
import type { TargetHealth } from "../../src/modules/deliveries/circuits";
import type { TeamSettings } from "../../src/modules/settings/service";
import { ErrorText, Layout, Live } from "../layout";
import { requestLine, utc } from "../format";

const when = utc;
export const DELIVERY_STATES = ["pending", "sending", "succeeded", "failed"] as const;

/** What caused a delivery, in words, with where to see it. */
export interface Cause {
  label: string;
  href: string | null;
}

export interface DeliveriesView {
  deliveries: Delivery[];
  counts: Record<string, number>;
  causes: Map<number, Cause>;
  state: string;
  target: string;
  /** Only this kind (the integration page shows relays). */
  kind?: string;
  cursor?: string;
  nextCursor: string | null;
  detail?: DeliveryDetailView;
  notice?: string;
  /** A bulk retry waiting for its confirmation (see /admin/deliveries/retry-check). */
  retryConfirm?: { count: number; until_id: number; seconds: number; per_second: number };
}

export interface DeliveryDetailView {
  delivery: Delivery;
  attempts: Attempt[];
  cause: Cause;
  request: { headers: [string, string][]; body: string | null };
}

const listQuery = (view: Pick<DeliveriesView, "state" | "target" | "kind">, extra = "") =>
  `state=${view.state}&target=${encodeURIComponent(view.target)}&kind=${view.kind ?? ""}${extra}`;

function CauseLink({ cause }: { cause: Cause | undefined }) {
  if (!cause) return <span class="muted">—</span>;
  return cause.href ? (
    <a href={cause.href} safe>
      {cause.label}
    </a>
  ) : (
    <span safe>{cause.label}</span>
  );
}

/** The counts and the rows: refetched as deliveries are queued and tried (no reload, no polling). */
export function DeliveryList(view: DeliveriesView) {
  const { deliveries, counts, causes, nextCursor, detail } = view;
  return (
    <div id="delivery-list">
      <p class="counts">
        {DELIVERY_STATES.map((s) => (
          <span class={`badge state-${s}`} safe>{`${s}: ${counts[s] ?? 0}`}</span>
        ))}
        {(counts.failed ?? 0) > 0 ? (
          <button type="button" class="secondary small" id="retry-check" hx-get={`/admin/deliveries/retry-check?${listQuery(view)}`} hx-target="#deliveries" hx-swap="outerHTML">
            {view.target ? "Retry the failed ones to this target…" : "Retry failed…"}
          </button>
        ) : (
          ""
        )}
      </p>
      {deliveries.length === 0 ? (
        <p class="muted">Nothing here.</p>
      ) : (
        <div class="table-wrap">
          <table id="delivery-rows">
            <thead>
              <tr>
                <th>Created (UTC)</th>
                <th>Cause</th>
                <th>Request</th>
                <th>State</th>
                <th>Tries</th>
                <th>Last result</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr class={detail?.delivery.id === d.id ? "selected" : undefined}>
                  <td class="nowrap">
                    <a href={`/admin/deliveries/${d.public_id}`} hx-get={`/admin/deliveries/${d.public_id}`} hx-target="#delivery-detail" hx-swap="outerHTML" safe>
                      {when(d.created_at)}
                    </a>
                  </td>
                  <td>
                    <CauseLink cause={causes.get(d.id)} />
                  </td>
                  <td>
                    <code class="url" safe>{requestLine(d)}</code>
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
        </div>
      )}
      {nextCursor ? (
        <button type="button" class="secondary" hx-get={`/admin/deliveries/list?${listQuery(view, `&cursor=${nextCursor}`)}`} hx-target="#delivery-list" hx-swap="outerHTML">
          Older
        </button>
      ) : (
        ""
      )}
    </div>
  );
}

/** Before a bulk retry: how many the filter picks, and how long the paced retry takes. */
function RetryConfirm({ confirm, view }: { confirm: NonNullable<DeliveriesView["retryConfirm"]>; view: DeliveriesView }) {
  const what = `${confirm.count} failed ${confirm.count === 1 ? "delivery" : "deliveries"}${view.target ? ` to a URL containing '${view.target}'` : ""}${view.kind ? ` (${view.kind})` : ""}`;
  return (
    <div class="detail confirm" id="retry-confirm">
      <p safe>{`${what} will be sent again, ${confirm.per_second} a second (about ${confirm.seconds} s), so a target that was down is not met by all of them at once.`}</p>
      <div class="row">
        <button type="button" id="retry-confirmed" hx-post="/admin/deliveries/retry-failed" hx-target="#deliveries" hx-swap="outerHTML"
          hx-vals={JSON.stringify({ target: view.target, kind: view.kind ?? "", until_id: String(confirm.until_id), expected_count: String(confirm.count) })}>
          {`Retry ${confirm.count}`}
        </button>
        <button type="button" class="secondary" hx-get={`/admin/deliveries?${listQuery(view)}`} hx-target="#deliveries" hx-swap="outerHTML">
          Cancel
        </button>
      </div>
    </div>
  );
}

export function DeliveriesSection(view: DeliveriesView) {
  const { state, target, detail, notice } = view;
  return (
    <section id="deliveries" class="card">
      {notice ? <p class="notice" role="status" safe>{notice}</p> : ""}
      {view.retryConfirm ? <RetryConfirm confirm={view.retryConfirm} view={view} /> : ""}
      {view.kind ? (
        ""
      ) : (
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
      )}
      <DeliveryList {...view} />
      <DeliveryDetail detail={detail} />
    </section>
  );
}

function prettyBody(body: string): string {
  const shown = body.length > 16_384 ? `${body.slice(0, 16_384)}\n… (${body.length - 16_384} more characters)` : body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return shown;
  }
}

/** What an http_request's response handling did with the answer (fields, tags, follow-ups). */
export function FollowUpShown({ followUp }: { followUp: string | null }) {
  if (!followUp) return "";
  const done = JSON.parse(followUp) as { outcome: string | null; written: Record<string, unknown>; tags: string[]; actions: number; notes: string[] };
  const written = Object.entries(done.written);
  return (
    <div id="delivery-follow-up">
      <h4>With the response</h4>
      <ul>
        {done.outcome ? <li safe>{`Outcome ${done.outcome}: ${done.actions} follow-up action${done.actions === 1 ? "" : "s"} ran`}</li> : ""}
        {written.length ? <li safe>{`Fields written: ${written.map(([field, value]) => `${field} = ${JSON.stringify(value)}`).join(", ")}`}</li> : ""}
        {done.tags.length ? <li safe>{`Tags added: ${done.tags.join(", ")}`}</li> : ""}
        {done.notes.map((note) => (
          <li class="warning" safe>
            {note}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function DeliveryDetail({ detail }: { detail?: DeliveryDetailView }) {
  if (!detail) return <div id="delivery-detail"></div>;
  const { delivery, attempts, cause, request } = detail;
  return (
    <div id="delivery-detail" class="detail">
      <h3 safe>{`${delivery.public_id}: ${delivery.state} after ${delivery.attempts} attempt${delivery.attempts === 1 ? "" : "s"}`}</h3>
      <p>
        Cause: <CauseLink cause={cause} />
        {delivery.state === "pending" ? <span class="muted" safe>{` · next try ${when(delivery.next_attempt_at)} UTC`}</span> : ""}
      </p>
      <h4>Request</h4>
      <pre class="code" id="delivery-request" safe>
        {[requestLine(delivery), ...request.headers.map(([name, value]) => `${name}: ${value}`), "", request.body === null ? "" : prettyBody(request.body)].join("\n")}
      </pre>
      <h4>Attempts</h4>
      {attempts.length === 0 ? (
        <p class="muted">Not tried yet.</p>
      ) : (
        <div class="table-wrap">
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
                  <td class="nowrap" safe>{when(a.started_at)}</td>
                  <td safe>{a.status !== null ? `HTTP ${a.status}` : (a.error ?? "—")}</td>
                  <td safe>{String(a.duration_ms)}</td>
                  <td>
                    <code safe>{a.response ?? ""}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FollowUpShown followUp={delivery.follow_up} />
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

/** What the relay worker sees of each target: its circuit, tries and failures in 5 minutes, last error. */
export function TargetsSection({ targets, error }: { targets: TargetHealth[]; error?: string }) {
  return (
    <section id="targets" class="card">
      <h2>Targets</h2>
      <p class="muted small-text">
        A target that fails 70% of at least 10 tries in 5 minutes has its circuit opened: its deliveries wait without spending tries, one probe goes out at growing
        intervals, and the first that succeeds closes it. After 5 days failing it is disabled until you enable it.
      </p>
      {targets.length ? (
        <table id="target-rows">
          <thead>
            <tr>
              <th>Target</th>
              <th>Circuit</th>
              <th>Failed (5 min)</th>
              <th>Last error</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {targets.map((target) => (
              <tr>
                <td>
                  <code safe>{target.origin}</code>
                </td>
                <td>
                  <span class={`badge circuit-${target.state}`} safe>{target.state === "open" && target.next_probe_at ? `open, next probe ${target.next_probe_at.replace("T", " ").slice(11, 19)} UTC` : target.state}</span>
                </td>
                <td safe>{target.attempts ? `${target.failures} of ${target.attempts} (${Math.round((100 * target.failures) / target.attempts)}%)` : "—"}</td>
                <td class="muted" safe>{target.last_error ?? "—"}</td>
                <td class="actions">
                  {target.state !== "closed" ? (
                    <button type="button" class="secondary small" hx-post="/admin/targets/enable" hx-vals={JSON.stringify({ origin: target.origin })} hx-target="#targets" hx-swap="outerHTML">
                      {target.state === "disabled" ? "Enable" : "Close circuit"}
                    </button>
                  ) : (
                    ""
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No target tried in the last 5 minutes.</p>
      )}
      <ErrorText message={error} />
    </section>
  );
}

/** Throttles per target origin: at most so many requests a second or minute, and in flight. */
export function ThrottlesSection({ limits, error }: { limits: TargetLimit[]; error?: string }) {
  return (
    <section id="throttles" class="card">
      <h2>Throttles per target</h2>
      <p class="muted small-text">
        A target that can take only so much: its deliveries wait their turn (no try is spent, each contact's order holds), and a Retry-After it sends still counts.
      </p>
      {limits.length ? (
        <table id="throttle-rows">
          <tbody>
            {limits.map((limit) => (
              <tr>
                <td>
                  <code safe>{limit.origin}</code>
                </td>
                <td safe>{`${limit.count} a ${limit.per}${limit.concurrency ? `, ${limit.concurrency} at once` : ""}`}</td>
                <td class="actions">
                  <button type="button" class="danger small" hx-post="/admin/throttles/delete" hx-vals={JSON.stringify({ origin: limit.origin })} hx-target="#throttles" hx-swap="outerHTML">
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No throttles: deliveries go as fast as the worker sends.</p>
      )}
      <form class="row" id="add-throttle" hx-post="/admin/throttles" hx-target="#throttles" hx-swap="outerHTML">
        <label>
          Target URL
          <input name="origin" required placeholder="https://crm.example.com" />
        </label>
        <label>
          At most
          <input name="count" type="number" min="1" required class="short" value="5" />
        </label>
        <label>
          per
          <select name="per">
            <option value="second">second</option>
            <option value="minute">minute</option>
          </select>
        </label>
        <label>
          At once (optional)
          <input name="concurrency" type="number" min="1" class="short" />
        </label>
        <button type="submit" class="secondary">Save throttle</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}

export function DeliveriesPage({ csrf, nav, view, limits, targets }: { csrf: string; nav?: readonly string[]; view: DeliveriesView; limits: TargetLimit[]; targets: TargetHealth[] }) {
  return (
    <Layout title="Deliveries" csrf={csrf} nav={nav} active="deliveries" live={["deliveries"]}>
      <h1>Deliveries</h1>
      <p class="muted">
        Everything Switchboard sends over the network waits here until the relay worker delivers it: messages to contacts through a channel provider (http, twilio),
        HTTP request actions, and live-chat relays. Messages on the test provider never leave this machine, so they are not listed here: see them in the
        contact's conversation.
      </p>
      <Live topic="deliveries" url="/admin/deliveries/list" target="delivery-list" include="#deliveries form">
        <DeliveriesSection {...view} />
      </Live>
      <TargetsSection targets={targets} />
      <ThrottlesSection limits={limits} />
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
        <label>
          Keep the audit log (days)
          <input name="audit_retention_days" type="number" min="1" max="3650" value={String(settings.audit_retention_days)} class="short" />
        </label>
        <label class="inline-check">
          <input type="checkbox" name="require_owner_two_factor" checked={settings.require_owner_two_factor} />
          Owners must use two-factor sign-in
        </label>
        <button type="submit" class="secondary">Save</button>
        {saved ? <span class="muted" role="status">Saved.</span> : ""}
      </form>
      <ErrorText message={error} />
    </section>
  );
}
