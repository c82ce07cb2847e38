/** @jsxImportSource @kitajs/html */
// Replay in bulk, on the webhook page: a filter, a confirmation that says how many and what
// their actions will do, then the job's progress (fetched every second while it runs).
import type { Webhook } from "../../src/modules/inbound/service";
import type { ReplayJson } from "../../src/modules/inbound/replays";
import { actsOutside } from "../describe";
import { ReplayedActions } from "./webhook-logs";
import { ErrorText } from "../layout";

const base = (webhook: Webhook) => `/admin/webhooks/${webhook.id}/replays`;

export interface BulkFilter {
  outcome: string;
  /** As typed in a datetime-local input: read as UTC. */
  from: string;
  to: string;
}

const describeFilter = (filter: { outcome: string | null; from: string | null; to: string | null }) =>
  [filter.outcome ? `outcome ${filter.outcome}` : "every outcome", filter.from ? `from ${filter.from.replace("T", " ").slice(0, 16)} UTC` : "", filter.to ? `before ${filter.to.replace("T", " ").slice(0, 16)} UTC` : ""]
    .filter(Boolean)
    .join(", ");

function Progress({ webhook, job }: { webhook: Webhook; job: ReplayJson }) {
  const running = job.state === "running";
  return (
    <div class="replay-job" id={`replay-${job.id}`} hx-get={running ? `${base(webhook)}/${job.id}` : undefined} hx-trigger={running ? "every 1s" : undefined} hx-swap="outerHTML">
      <progress max={String(job.total)} value={String(job.done)} aria-label={`Replay ${job.id}`}></progress>{" "}
      <span class="replay-state" safe>{`${job.done} of ${job.total} replayed (${describeFilter(job.filter)}): ${running ? "running" : job.state}`}</span>{" "}
      {running ? (
        <button type="button" class="secondary small" hx-post={`${base(webhook)}/${job.id}/cancel`} hx-target={`#replay-${job.id}`} hx-swap="outerHTML">
          Stop
        </button>
      ) : (
        ""
      )}
    </div>
  );
}

export function BulkReplayJob(props: { webhook: Webhook; job: ReplayJson }) {
  return <Progress {...props} />;
}

export function BulkReplaySection({ webhook, outcomes, jobs, filter, confirm, error }: {
  webhook: Webhook;
  outcomes: readonly string[];
  jobs: ReplayJson[];
  filter?: BulkFilter;
  /** After "Check": how many match, up to which log row. */
  confirm?: { count: number; until_log_id: number };
  error?: string;
}) {
  const outside = webhook.actions.filter((action) => actsOutside(action) !== null).length;
  return (
    <section id="wh-bulk-replay" class="card">
      <h2>Replay in bulk</h2>
      <p class="muted small-text">Run logged requests again with today's settings, at most 50 a second so live requests go first. Times are UTC.</p>
      <form class="row" hx-get={`${base(webhook)}/check`} hx-target="#wh-bulk-replay" hx-swap="outerHTML">
        <label>
          Outcome
          <select name="outcome">
            <option value="">every outcome</option>
            {outcomes.map((o) => (
              <option value={o} selected={filter?.outcome === o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" name="from" value={filter?.from ?? ""} />
        </label>
        <label>
          Before
          <input type="datetime-local" name="to" value={filter?.to ?? ""} />
        </label>
        <button type="submit" class="secondary">Check what would be replayed</button>
      </form>
      {confirm && filter ? (
        confirm.count === 0 ? (
          <p class="muted" id="bulk-confirm">No logged request matches.</p>
        ) : (
          <div class="detail confirm" id="bulk-confirm">
            <p safe>{`${confirm.count} logged request${confirm.count === 1 ? "" : "s"} match. Each runs again as a new log row: identification, ${webhook.mappings.length} mapping${webhook.mappings.length === 1 ? "" : "s"}${webhook.actions.length ? " and these actions:" : ", and no actions."}`}</p>
            <ReplayedActions webhook={webhook} />
            {outside ? <p class="warning" safe>{`${outside} of them ${outside === 1 ? "acts" : "act"} outside Switchboard: up to ${confirm.count} times again.`}</p> : ""}
            <form class="row" hx-post={base(webhook)} hx-target="#wh-bulk-replay" hx-swap="outerHTML">
              <input type="hidden" name="outcome" value={filter.outcome} />
              <input type="hidden" name="from" value={filter.from} />
              <input type="hidden" name="to" value={filter.to} />
              <input type="hidden" name="until_log_id" value={String(confirm.until_log_id)} />
              <input type="hidden" name="expected_count" value={String(confirm.count)} />
              <button type="submit" id="bulk-replay-start">{`Replay ${confirm.count} request${confirm.count === 1 ? "" : "s"}`}</button>
            </form>
          </div>
        )
      ) : (
        ""
      )}
      <ErrorText message={error} />
      {jobs.length ? (
        <div class="replay-jobs">
          {jobs.map((job) => (
            <Progress webhook={webhook} job={job} />
          ))}
        </div>
      ) : (
        ""
      )}
    </section>
  );
}
