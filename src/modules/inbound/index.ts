// HTTP routes for inbound webhooks: management under /api/v1 (bearer token) and the public
// receiver POST /hooks/{token}.
import { Elysia, t } from "elysia";
import { documented, numericId } from "../../http/schema";
import type { Clock } from "../../lib/clock";
import { AppError, errorBody, errors } from "../../http/errors";
import { SECURITY_HEADERS } from "../../http/security-headers";
import type { Metrics } from "../system/metrics";
import type { Bots } from "../bots/service";
import { scopedBot } from "../bots/index";
import type { BearerAuth } from "../tokens/index";
import type { TokenScope } from "../tokens/scope";
import { logDetailJson, logSummaryJson, type Logs } from "./logs";
import { createWebhookBody, listLogsQuery, logDetailJson as logDetailSchema, logSummaryJson as logSummarySchema, previewBody, receiverAnswer, filteredAnswer, replyAnswer, createTestPayloadBody, updateTestPayloadBody, testPayloadJson, replayFilter, startReplayBody, replayJson as replayJsonSchema, replayPreviewJson, rotateSecretBody, rotatedSecretJson, updateWebhookBody, webhookJson } from "./model";
import type { Receiver } from "./receiver";
import type { ScanGuard } from "./scan-guard";
import type { Webhook, Webhooks } from "./service";
import { webhookToJson } from "./webhook-json";
import type { Preview } from "./preview";
import type { TestPayloads } from "./test-payloads";
import type { Replays } from "./replays";
import { DEFAULT_OVERLAP_HOURS } from "../../lib/secret-rotation";
import { actsOutside, describeAction } from "../../../views/describe";

export interface InboundDeps {
  auth: BearerAuth;
  clock: Clock;
  bots: Bots;
  webhooks: Webhooks;
  logs: Logs;
  receiver: Receiver;
  preview: Preview;
  testPayloads: TestPayloads;
  replays: Replays;
  publicUrl: () => string;
}

const idParams = t.Object({ id: numericId("id") });
const logParams = t.Object({ id: numericId("id"), log_id: numericId("log_id") });
const payloadParams = t.Object({ id: numericId("id"), payload_id: numericId("payload_id") });
const replayParams = t.Object({ id: numericId("id"), replay_id: numericId("replay_id") });

export function inboundApi({ auth, clock, bots, webhooks, logs, receiver, preview, testPayloads, replays, publicUrl }: InboundDeps) {
  const toJson = (webhook: Webhook) => {
    const now = clock.now();
    return webhookToJson(webhook, webhooks.botOf(webhook), publicUrl(), webhooks.remaining(webhook, now), now);
  };
  /** The webhook, when the token reaches its bot (another bot's reads as not found). */
  const scoped = (scope: TokenScope, id: number): Webhook => {
    const webhook = webhooks.get(id);
    scope.owns(webhook.bot_id, () => errors.notFound("inbound webhook", String(id)));
    return webhook;
  };

  return new Elysia({ name: "inbound-api", detail: { tags: ["Inbound webhooks"] } })
    .use(auth)
    .post("/bots/:flow_ns/inbound-webhooks", ({ params, body, set, scope }) => {
      const webhook = webhooks.create(scopedBot(bots, scope, params.flow_ns), body.name);
      set.status = 201;
      return toJson(webhook);
    }, { body: createWebhookBody, detail: { summary: "Create an inbound webhook (inactive until activated; 409 webhook_limit_reached beyond the setting)", responses: documented({ 201: webhookJson }, { 409: "The bot has as many webhooks as the setting allows (`webhook_limit_reached`)." }) } })
    .get("/bots/:flow_ns/inbound-webhooks", ({ params, scope }) => ({ data: webhooks.listForBot(scopedBot(bots, scope, params.flow_ns).id).map(toJson) }), {
      detail: { summary: "List a bot's inbound webhooks", responses: documented({ 200: t.Object({ data: t.Array(webhookJson) }) }) },
    })
    .get("/inbound-webhooks/:id", ({ params, scope }) => toJson(scoped(scope, params.id)), { params: idParams, detail: { summary: "Get an inbound webhook", responses: documented({ 200: webhookJson }) } })
    .patch("/inbound-webhooks/:id", ({ params, body, scope }) => toJson(webhooks.update(scoped(scope, params.id).id, body)), {
      params: idParams,
      body: updateWebhookBody,
      detail: { summary: "Change an inbound webhook: name, active, example, identify, mappings, actions, conditions, reply, rate_limit, signing_secret, idempotency_path", responses: documented({ 200: webhookJson }) },
    })
    .post("/inbound-webhooks/:id/rotate-secret", ({ params, body, scope }) => {
      const { webhook, secret } = webhooks.rotateSecret(scoped(scope, params.id).id, body?.overlap_hours ?? DEFAULT_OVERLAP_HOURS);
      return { signing_secret: secret, previous_signing_secret_expires_at: toJson(webhook).previous_signing_secret_expires_at };
    }, {
      params: idParams,
      body: t.Optional(rotateSecretBody),
      detail: {
        summary: "A new signing secret (shown once); the current one keeps verifying for overlap_hours (default 24), so senders can switch at their own pace",
        responses: documented({ 200: rotatedSecretJson }),
      },
    })
    .delete("/inbound-webhooks/:id", ({ params, set, scope }) => {
      webhooks.remove(scoped(scope, params.id).id);
      set.status = 204;
    }, { params: idParams, detail: { summary: "Delete an inbound webhook and its logs", responses: documented({ 204: null }) } })
    .post("/inbound-webhooks/:id/listen", ({ params, scope }) => {
      const webhook = webhooks.startListening(scoped(scope, params.id).id);
      return { listening: true, until: new Date(webhook.listen_until!).toISOString() };
    }, { params: idParams, detail: { summary: "Capture the next request's body as the example (for up to 10 minutes)", responses: documented({ 200: t.Object({ listening: t.Literal(true), until: t.String() }) }) } })
    .get("/inbound-webhooks/:id/listen", ({ params, scope }) => {
      const webhook = scoped(scope, params.id);
      const now = clock.now();
      return {
        listening: webhooks.isListening(webhook, now),
        captured: webhook.listen_captured_at !== null,
        captured_at: webhook.listen_captured_at === null ? null : new Date(webhook.listen_captured_at).toISOString(),
        example: webhook.example,
      };
    }, { params: idParams, detail: { summary: "Whether a live request was captured", responses: documented({ 200: t.Object({ listening: t.Boolean(), captured: t.Boolean(), captured_at: t.Nullable(t.String()), example: t.Any() }) }) } })
    .post("/inbound-webhooks/:id/preview", ({ params, body, scope }) => {
      const webhook = scoped(scope, params.id);
      return preview.preview(webhook, body?.example !== undefined ? body.example : webhook.example);
    }, { params: idParams, body: t.Optional(previewBody), detail: { summary: "What identification and mappings would read and store from an example", responses: documented({ 200: t.Object({ identify: t.Record(t.String(), t.Record(t.String(), t.Any())), mappings: t.Array(t.Record(t.String(), t.Any())) }) }) } })
    .get("/inbound-webhooks/:id/logs", ({ params, query, scope }) => {
      const webhook = scoped(scope, params.id);
      const page = logs.list(webhook.id, { outcome: query.outcome, limit: query.limit ?? 50, cursor: query.cursor });
      return { data: page.data.map(logSummaryJson), next_cursor: page.next_cursor };
    }, { params: idParams, query: listLogsQuery, detail: { summary: "Request log, newest first (keyset pagination)", responses: documented({ 200: t.Object({ data: t.Array(logSummarySchema), next_cursor: t.Nullable(t.String()) }) }) } })
    .get("/inbound-webhooks/:id/logs/:log_id", ({ params, scope }) => logDetailJson(logs.get(scoped(scope, params.id).id, params.log_id)), {
      params: logParams,
      detail: { summary: "One logged request with headers (secrets redacted) and body", responses: documented({ 200: logDetailSchema }) },
    })
    .get("/inbound-webhooks/:id/test-payloads", ({ params, scope }) => ({ data: testPayloads.list(scoped(scope, params.id).id) }), {
      params: idParams,
      detail: { summary: "The webhook's saved test payloads, by name", responses: documented({ 200: t.Object({ data: t.Array(testPayloadJson) }) }) },
    })
    .post("/inbound-webhooks/:id/test-payloads", ({ params, body, set, scope }) => {
      const payload = testPayloads.create(scoped(scope, params.id).id, body);
      set.status = 201;
      return payload;
    }, {
      params: idParams,
      body: createTestPayloadBody,
      detail: {
        summary: "Save a named test payload (at most 20 per webhook)",
        responses: documented({ 201: testPayloadJson }, { 409: "The name is taken (`test_payload_exists`) or the webhook has 20 already (`test_payload_limit_reached`)." }),
      },
    })
    .get("/inbound-webhooks/:id/test-payloads/:payload_id", ({ params, scope }) => testPayloads.get(scoped(scope, params.id).id, params.payload_id), {
      params: payloadParams,
      detail: { summary: "One saved test payload", responses: documented({ 200: testPayloadJson }) },
    })
    .patch("/inbound-webhooks/:id/test-payloads/:payload_id", ({ params, body, scope }) => testPayloads.update(scoped(scope, params.id).id, params.payload_id, body), {
      params: payloadParams,
      body: updateTestPayloadBody,
      detail: { summary: "Rename a test payload or change its body", responses: documented({ 200: testPayloadJson }, { 409: "Another payload has that name (`test_payload_exists`)." }) },
    })
    .delete("/inbound-webhooks/:id/test-payloads/:payload_id", ({ params, set, scope }) => {
      testPayloads.remove(scoped(scope, params.id).id, params.payload_id);
      set.status = 204;
    }, { params: payloadParams, detail: { summary: "Delete a test payload", responses: documented({ 204: null }) } })
    .post("/inbound-webhooks/:id/replays/preview", ({ params, body, scope }) => {
      const webhook = scoped(scope, params.id);
      return {
        ...replays.preview(webhook, body),
        mappings: webhook.mappings.length,
        actions: webhook.actions.map((action) => ({ action: describeAction(action), acts_outside: actsOutside(action) })),
      };
    }, {
      params: idParams,
      body: replayFilter,
      detail: {
        summary: "Before a bulk replay: how many logged requests match the filter, and what each replay will run",
        responses: documented({ 200: replayPreviewJson }),
      },
    })
    .post("/inbound-webhooks/:id/replays", ({ params, body, set, scope }) => {
      const job = replays.start(scoped(scope, params.id), body);
      set.status = 202;
      return job;
    }, {
      params: idParams,
      body: startReplayBody,
      detail: {
        summary: "Replay the logged requests matching a filter, after a preview: in the background, at most 50 a second",
        responses: documented({ 202: replayJsonSchema }, { 409: "The filter no longer matches expected_count requests (`replay_count_changed`): preview again." }),
      },
    })
    .get("/inbound-webhooks/:id/replays", ({ params, scope }) => ({ data: replays.list(scoped(scope, params.id)) }), {
      params: idParams,
      detail: { summary: "The webhook's bulk replays, newest first (the last 20)", responses: documented({ 200: t.Object({ data: t.Array(replayJsonSchema) }) }) },
    })
    .get("/inbound-webhooks/:id/replays/:replay_id", ({ params, scope }) => replays.get(scoped(scope, params.id), params.replay_id), {
      params: replayParams,
      detail: { summary: "A bulk replay's progress", responses: documented({ 200: replayJsonSchema }) },
    })
    .post("/inbound-webhooks/:id/replays/:replay_id/cancel", ({ params, scope }) => replays.cancel(scoped(scope, params.id), params.replay_id), {
      params: replayParams,
      detail: { summary: "Stop a bulk replay before its next request (those replayed stay replayed)", responses: documented({ 200: replayJsonSchema }) },
    })
    .post("/inbound-webhooks/:id/logs/:log_id/replay", async ({ params, scope }) => {
      const answer = await receiver.replay(scoped(scope, params.id), params.log_id);
      return { log_id: answer.logId, status: answer.status, response: answer.body };
    }, { params: logParams, detail: { summary: "Process a logged body again with today's settings (a new log row)", responses: documented({ 200: t.Object({ log_id: t.Integer(), status: t.Integer(), response: t.Any() }) }) } });
}

// Web forms post to webhook URLs from other sites' pages with fetch(): allow any origin. The
// URL itself is the secret, and no cookie or credential is ever read here.
const CORS = { "access-control-allow-origin": "*" };
const PREFLIGHT = {
  ...CORS,
  "access-control-allow-methods": "POST",
  "access-control-allow-headers": "content-type, idempotency-key, webhook-id, webhook-timestamp, webhook-signature",
  "access-control-max-age": "86400",
};

// The receiver's answers go out without the server's header pass (it is the hot path), so
// they carry the security headers themselves. Built once: a Response copies a Headers object
// several times faster than it reads a plain one.
const HOOK_HEADERS = new Headers({ ...CORS, ...SECURITY_HEADERS });
const JSON_HEADERS = new Headers({ ...CORS, ...SECURITY_HEADERS, "content-type": "application/json" });
/** `base` with an answer's own headers added (a copy: `base` is shared). */
function withHeaders(base: Headers, own: Record<string, string> | undefined): Headers {
  if (!own) return base;
  const headers = new Headers(base);
  for (const [name, value] of Object.entries(own)) headers.set(name, value);
  return headers;
}
// A scan's 429 differs only by its retry-after, a whole number of seconds within the guard's
// refill time: each is built once.
const scanningHeaders = new Map<number, Headers>();
function scanningHeadersFor(wait: number): Headers {
  let headers = scanningHeaders.get(wait);
  if (!headers) scanningHeaders.set(wait, (headers = withHeaders(JSON_HEADERS, { "retry-after": String(wait) })));
  return headers;
}
// Answers to scans are the same every time: serialised once.
const asBody = (error: AppError) => JSON.stringify(errorBody(error.code, error.message));
const NO_WEBHOOK = asBody(errors.noWebhook());
const SCANNING = asBody(errors.tooManyWebhookGuesses(0));

export interface HookDeps {
  webhooks: Webhooks;
  receiver: Receiver;
  scanGuard: ScanGuard;
  metrics: Metrics;
}

/**
 * POST /hooks/{token} as a plain function of the request: the server calls it straight from
 * Bun's router (the hot path, no framework in between), and the Elysia route below documents it.
 */
export function hookReceiver({ webhooks, receiver, scanGuard, metrics }: HookDeps) {
  return (request: Request, token: string, ip: string | null): Response | Promise<Response> => {
    const webhook = token.length <= 100 ? webhooks.byToken(token) : null;
    if (!webhook) {
      metrics.increment("switchboard_inbound_requests_total", "unknown_token");
      const wait = scanGuard.recordMiss(ip ?? "unknown");
      if (wait > 0) {
        metrics.increment("switchboard_limiter_rejections_total", "unknown_token_per_ip");
        return new Response(SCANNING, { status: 429, headers: scanningHeadersFor(wait) });
      }
      return new Response(NO_WEBHOOK, { status: 404, headers: JSON_HEADERS });
    }
    return receiver.receive(webhook, request, ip).then((answer) => {
      metrics.increment("switchboard_inbound_requests_total", answer.outcome);
      if (answer.outcome === "rate_limited") metrics.increment("switchboard_limiter_rejections_total", "webhook_bucket");
      return Response.json(answer.body, { status: answer.status, headers: withHeaders(HOOK_HEADERS, answer.headers) });
    });
  };
}

export type HookReceiver = ReturnType<typeof hookReceiver>;

export function hooksRoutes({ receive, clientIp }: { receive: HookReceiver; clientIp: (request: Request) => string | null }) {
  return new Elysia({ name: "hooks-routes", detail: { tags: ["Receiver"] } })
    .post("/hooks/:token", ({ params, request }) => receive(request, params.token, clientIp(request)), {
      parse: "none",
      detail: {
        summary: "Receive a request from an outside system",
        description: "JSON object or form-encoded body, at most 256 KiB and 64 levels deep. Answers 200 {ok, user_ns, created}, 200 {ok, filtered: true} when the webhook's conditions do not hold, the webhook's reply (200, 201 or 202 with its rendered body) when it has one, or an error; the guide lists the checks in order.",
        requestBody: { required: true, content: { "application/json": { schema: { type: "object", additionalProperties: true } }, "application/x-www-form-urlencoded": { schema: { type: "object", additionalProperties: true } } } },
        responses: {
          ...documented({ 200: t.Union([receiverAnswer, filteredAnswer, replyAnswer]), 201: replyAnswer, 202: replyAnswer }),
          400: { description: "The body is not a JSON object or a form (`invalid_body`)." },
          401: { description: "The Standard Webhooks signature is missing or wrong (`invalid_signature`)." },
          409: { description: "The webhook is inactive (`webhook_inactive`)." },
          415: { description: "The body is neither JSON nor a form (`unsupported_media_type`)." },
          422: { description: "No contact could be identified (`user_not_identified`)." },
        },
      } as never,
    })
    .options("/hooks/:token", () => new Response(null, { status: 204, headers: PREFLIGHT }), { parse: "none", detail: { hide: true } })
    .all("/hooks/:token", () => {
      throw errors.webhookTakesPost();
    }, {
      parse: "none",
      detail: { hide: true },
    });
}
