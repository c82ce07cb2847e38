// HTTP routes for deliveries: /api/v1/deliveries (state, attempts, retry one or in bulk).
import { Elysia, t } from "elysia";
import { errors } from "../../http/errors";
import { documented, numericId, oneOf, pageLimit } from "../../http/schema";
import type { BearerAuth } from "../tokens/index";
import type { TokenScope } from "../tokens/scope";
import { attemptToJson, deliveryToJson, DELIVERY_STATES, RETRY_PER_SECOND, type Deliveries, type Delivery } from "./service";
import type { FailedFilter } from "./repo";
import { targetOrigin, type TargetLimits } from "./target-limits";
import type { Circuits } from "./circuits";
import type { Alerts } from "./alerts";
import type { Clock } from "../../lib/clock";
import type { Bots } from "../bots/service";

const deliveryJson = t.Object({
  id: t.String(),
  kind: t.String({ description: "channel_message, integration_relay, http_request, …" }),
  state: t.UnionEnum(DELIVERY_STATES as [string, ...string[]]),
  target_url: t.Nullable(t.String({ description: "Credentials shown as ********" })),
  method: t.String(),
  ordering_key: t.Nullable(t.String()),
  attempts: t.Integer(),
  next_attempt_at: t.Nullable(t.String()),
  last_status: t.Nullable(t.Integer()),
  last_response: t.Nullable(t.String()),
  last_error: t.Nullable(t.String()),
  follow_up: t.Nullable(t.Object({
    outcome: t.Nullable(t.UnionEnum(["2xx", "4xx", "5xx", "failed"])),
    written: t.Record(t.String(), t.Any()),
    tags: t.Array(t.String()),
    actions: t.Integer(),
    notes: t.Array(t.String()),
  }, { description: "An http_request's response handling, once the delivery finished: fields written and tags added from the response, follow-up actions run" })),
  created_at: t.String(),
  updated_at: t.String(),
}, { title: "Delivery" });
const attemptJson = t.Object({ started_at: t.String(), duration_ms: t.Number(), status: t.Nullable(t.Integer()), response: t.Nullable(t.String()), error: t.Nullable(t.String()) }, { title: "Attempt" });

const retryFilter = t.Object({
  kind: t.Optional(oneOf(["channel_message", "relay", "http_request"], { description: "What queued them: a channel message, a live-chat relay, an HTTP request action" })),
  target: t.Optional(t.String({ maxLength: 300, description: "Part of the target URL" })),
  bot: t.Optional(t.String({ maxLength: 50, description: "A bot's flow_ns" })),
  from: t.Optional(t.String({ format: "date-time", description: "Failed at or after" })),
  to: t.Optional(t.String({ format: "date-time", description: "Failed before" })),
});

export function deliveriesApi({ auth, deliveries, bots }: { auth: BearerAuth; deliveries: Deliveries; bots: Bots }) {
  /** The filter as the queue reads it: a bot by its flow_ns, times as ms. */
  const failedFilter = (body: { kind?: string; target?: string; bot?: string; from?: string; to?: string }): FailedFilter => {
    const time = (name: "from" | "to") => {
      if (!body[name]) return undefined;
      const ms = Date.parse(body[name]!);
      if (!Number.isFinite(ms)) throw errors.validation(`${name}: an ISO 8601 time`, "invalid_retry_filter");
      return ms;
    };
    return { kind: body.kind, target: body.target, botId: body.bot ? bots.get(body.bot).id : undefined, from: time("from"), to: time("to") };
  };
  // A bot-scoped token may follow its own bot's deliveries one by one, not browse the queue.
  const scoped = (scope: TokenScope, id: string): Delivery => {
    const delivery = deliveries.get(id);
    scope.owns(delivery.bot_id, () => errors.notFound("delivery", id));
    return delivery;
  };
  return new Elysia({ name: "deliveries-api", prefix: "/deliveries", detail: { tags: ["Deliveries"] } })
    .use(auth)
    .get("", ({ query, scope }) => {
      scope.installation();
      const page = deliveries.list({ state: query.state, target: query.target, limit: query.limit ?? 50, cursor: query.cursor });
      return { data: page.data.map(deliveryToJson), next_cursor: page.next_cursor, counts: deliveries.counts() };
    }, {
      query: t.Object({
        state: t.Optional(oneOf(DELIVERY_STATES)),
        target: t.Optional(t.String({ maxLength: 300, description: "Part of the target URL." })),
        limit: pageLimit(),
        cursor: t.Optional(t.String()),
      }),
      detail: { summary: "Outbound deliveries, newest first, with counts by state", responses: documented({ 200: t.Object({ data: t.Array(deliveryJson), next_cursor: t.Nullable(t.String()), counts: t.Record(t.String(), t.Integer()) }) }) },
    })
    .post("/retry/preview", ({ body, scope }) => {
      scope.installation();
      return deliveries.retryPreview(failedFilter(body ?? {}));
    }, {
      body: t.Optional(retryFilter),
      detail: {
        summary: "Before a bulk retry: how many failed deliveries the filter picks, up to which id, and how long the paced retry takes",
        responses: documented({ 200: t.Object({ count: t.Integer(), until_id: t.Integer(), seconds: t.Integer({ description: "How long the paced retry takes" }), per_second: t.Integer() }) }),
      },
    })
    .post("/retry", ({ body, scope }) => {
      scope.installation();
      if (body.expected_count === undefined) return { retried: deliveries.retryFailed(body.since ? Date.parse(body.since) : 0) };
      if (body.until_id === undefined) throw errors.validation("until_id: give it with expected_count, as the preview answered it", "invalid_retry_filter");
      return deliveries.retryMatching(failedFilter(body), body.until_id, body.expected_count);
    }, {
      body: t.Object({
        state: t.Literal("failed"),
        since: t.Optional(t.String({ format: "date-time", description: "Without expected_count: only those failed since then, all at once" })),
        ...retryFilter.properties,
        until_id: t.Optional(t.Integer({ minimum: 0, description: "From the preview" })),
        expected_count: t.Optional(t.Integer({ minimum: 1, description: `From the preview: with it, the filter's deliveries are queued again paced at ${RETRY_PER_SECOND} a second` })),
      }),
      detail: {
        summary: `Queue failed deliveries again: every one (since \`since\`) at once, or, with a preview's until_id and expected_count, those a filter picks, paced at ${RETRY_PER_SECOND} a second`,
        responses: documented({ 200: t.Object({ retried: t.Integer(), last_due_at: t.Optional(t.String()) }) }, { 409: "The filter no longer picks expected_count deliveries (`retry_count_changed`)." }),
      },
    })
    .get("/:id", ({ params, scope }) => {
      const delivery = scoped(scope, params.id);
      return { ...deliveryToJson(delivery), attempt_log: deliveries.attempts(delivery).map(attemptToJson) };
    }, { detail: { summary: "One delivery with every attempt", responses: documented({ 200: t.Object({ ...deliveryJson.properties, attempt_log: t.Array(attemptJson) }) }) } })
    .post("/:id/retry", ({ params, scope }) => deliveryToJson(deliveries.retry(scoped(scope, params.id).public_id)), { detail: { summary: "Queue a failed delivery again (409 when it is not failed)", responses: documented({ 200: deliveryJson }, { 409: "The delivery has not failed (`delivery_not_failed`)." }) } });
}

const targetLimitJson = t.Object({
  origin: t.String({ description: "scheme://host:port: every request to it counts" }),
  count: t.Integer({ minimum: 1 }),
  per: t.UnionEnum(["second", "minute"]),
  concurrency: t.Nullable(t.Integer({ minimum: 1, description: "Requests in flight at once; null: no limit" })),
}, { title: "TargetLimit" });

/** Throttles per target origin: installation-wide settings the relay worker honours. */
export function targetLimitsApi({ auth, targetLimits }: { auth: BearerAuth; targetLimits: TargetLimits }) {
  return new Elysia({ name: "target-limits-api", prefix: "/target-limits", detail: { tags: ["Deliveries"] } })
    .use(auth)
    .get("", ({ scope }) => (scope.installation(), { data: targetLimits.list() }), {
      detail: { summary: "Throttles per target origin", responses: documented({ 200: t.Object({ data: t.Array(targetLimitJson) }) }) },
    })
    .put("", ({ body, scope }) => (scope.installation(), targetLimits.put(body as Parameters<TargetLimits["put"]>[0])), {
      body: t.Object({
        origin: t.String({ maxLength: 300, description: "A URL of the target; its origin (scheme://host:port) is what is throttled" }),
        count: t.Integer({ minimum: 1, maximum: 100_000, description: "Requests started at most in any window of `per`" }),
        per: oneOf(["second", "minute"]),
        concurrency: t.Optional(t.Nullable(t.Integer({ minimum: 1, maximum: 1000 }))),
      }),
      detail: {
        summary: "Set a target origin's throttle: at most `count` requests started in any second or minute (sliding), and at most `concurrency` in flight; a delivery over it waits without spending a try, in its contact's order",
        responses: documented({ 200: targetLimitJson }),
      },
    })
    .delete("", ({ query, set, scope }) => {
      scope.installation();
      targetLimits.remove(query.origin);
      set.status = 204;
    }, {
      query: t.Object({ origin: t.String({ maxLength: 300 }) }),
      detail: { summary: "Remove a target origin's throttle", responses: documented({ 204: null }) },
    });
}

const targetHealthJson = t.Object({
  origin: t.String(),
  state: t.UnionEnum(["closed", "open", "disabled"], { description: "open: its deliveries wait and one probe goes out at growing intervals; disabled: failing for 5 days, waiting to be enabled by hand" }),
  attempts: t.Integer({ description: "Tries in the last 5 minutes" }),
  failures: t.Integer({ description: "Of those, how many found the target unavailable (no answer, 408, 429, 5xx)" }),
  failing_since: t.Nullable(t.String()),
  next_probe_at: t.Nullable(t.String()),
  last_error: t.Nullable(t.String()),
}, { title: "TargetHealth" });

/** Circuit breaking per target origin: what the worker sees of each target, and enabling one by hand. */
export function targetsApi({ auth, clock, circuits }: { auth: BearerAuth; clock: Clock; circuits: Circuits }) {
  return new Elysia({ name: "targets-api", prefix: "/targets", detail: { tags: ["Deliveries"] } })
    .use(auth)
    .get("", ({ scope }) => (scope.installation(), { data: circuits.health(clock.now()) }), {
      detail: { summary: "Targets tried in the last 5 minutes or with a circuit open: state, tries, failures, last error", responses: documented({ 200: t.Object({ data: t.Array(targetHealthJson) }) }) },
    })
    .post("/enable", ({ body, scope }) => {
      scope.installation();
      const origin = targetOrigin(body.origin);
      if (!circuits.enable(origin, clock.now())) throw errors.notFound("open circuit for", origin);
      return { origin, state: "closed" as const };
    }, {
      body: t.Object({ origin: t.String({ maxLength: 300 }) }),
      detail: { summary: "Close a target's circuit by hand (a disabled target sends again)", responses: documented({ 200: t.Object({ origin: t.String(), state: t.Literal("closed") }) }) },
    });
}

const alertJsonSchema = t.Object({
  id: t.Integer(),
  key: t.String({ description: "The condition: delivery:{id}, circuit:{origin}, disabled:{origin}, rejections:{webhook id}, pending_age, disk_low" }),
  title: t.String(),
  details: t.Record(t.String(), t.String()),
  opened_at: t.String(),
  resolved_at: t.Nullable(t.String()),
}, { title: "Alert" });
const destinationJsonSchema = t.Object({ id: t.Integer(), url: t.String(), secret: t.Nullable(t.String({ description: "******** when set: write-only" })), created_at: t.String() }, { title: "AlertDestination" });
const thresholdsJson = t.Object({
  pending_minutes: t.Integer({ minimum: 1, maximum: 10_080, description: "Alert when the oldest pending delivery waits longer (default 15)" }),
  rejections_per_15_minutes: t.Integer({ minimum: 1, maximum: 1_000_000, description: "Alert when a webhook refuses more requests (401, 422, 429) in 15 minutes (default 50)" }),
  target_failure_percent: t.Integer({ minimum: 1, maximum: 100, description: "A target failing this share of its tries in 5 minutes has its circuit opened, with an alert (default 70)" }),
  target_min_attempts: t.Integer({ minimum: 1, maximum: 100_000, description: "…once it has had at least this many tries in those 5 minutes (default 10)" }),
  free_disk_mb: t.Integer({ minimum: 1, maximum: 10_000_000, description: "Alert when the data directory's disk has less free (default 500)" }),
}, { title: "AlertThresholds" });

/** Alerts, where they go, and their thresholds: installation-wide. */
export function alertsApi({ auth, alerts }: { auth: BearerAuth; alerts: Alerts }) {
  return new Elysia({ name: "alerts-api", detail: { tags: ["Alerts"] } })
    .use(auth)
    .get("/alerts", ({ query, scope }) => (scope.installation(), { data: query.state === "all" ? alerts.recent() : alerts.open() }), {
      query: t.Object({ state: t.Optional(oneOf(["open", "all"], { description: "open (default): those not resolved; all: the last 50" })) }),
      detail: { summary: "Alerts: open ones, or the last 50", responses: documented({ 200: t.Object({ data: t.Array(alertJsonSchema) }) }) },
    })
    .get("/alert-destinations", ({ scope }) => (scope.installation(), { data: alerts.destinations() }), {
      detail: { summary: "Where alerts go", responses: documented({ 200: t.Object({ data: t.Array(destinationJsonSchema) }) }) },
    })
    .post("/alert-destinations", ({ body, set, scope }) => {
      scope.installation();
      set.status = 201;
      return alerts.addDestination(body);
    }, {
      body: t.Object({ url: t.String({ maxLength: 2048 }), secret: t.Optional(t.Nullable(t.String({ maxLength: 200, description: "whsec_…: messages are signed with Standard Webhooks" }))) }),
      detail: { summary: "Send alerts to a URL: Slack-compatible JSON (text and fields), signed when a secret is given", responses: documented({ 201: destinationJsonSchema }) },
    })
    .delete("/alert-destinations/:id", ({ params, set, scope }) => {
      scope.installation();
      alerts.removeDestination(params.id);
      set.status = 204;
    }, { params: t.Object({ id: numericId("id") }), detail: { summary: "Stop sending alerts to a destination", responses: documented({ 204: null }) } })
    .get("/alert-thresholds", ({ scope }) => (scope.installation(), alerts.thresholds()), {
      detail: { summary: "The alert thresholds", responses: documented({ 200: thresholdsJson }) },
    })
    .patch("/alert-thresholds", ({ body, scope }) => (scope.installation(), alerts.setThresholds(body)), {
      body: t.Object({
        pending_minutes: t.Optional(thresholdsJson.properties.pending_minutes),
        rejections_per_15_minutes: t.Optional(thresholdsJson.properties.rejections_per_15_minutes),
        target_failure_percent: t.Optional(thresholdsJson.properties.target_failure_percent),
        target_min_attempts: t.Optional(thresholdsJson.properties.target_min_attempts),
        free_disk_mb: t.Optional(thresholdsJson.properties.free_disk_mb),
      }),
      detail: { summary: "Change the alert thresholds", responses: documented({ 200: thresholdsJson }) },
    });
}
