import { t } from "elysia";
import { checkedByService, oneOf, pageLimit } from "../../http/schema";
import { CONDITION_OPS, MAX_RULES } from "../../lib/conditions";
import { REPLY_STATUSES } from "./reply";

export const createWebhookBody = t.Object({ name: t.String({ minLength: 1, maxLength: 100 }) });

export const identifyPaths = t.Object({
  user_ns: t.Optional(t.Nullable(t.String({ maxLength: 300 }))),
  phone: t.Optional(t.Nullable(t.String({ maxLength: 300 }))),
  email: t.Optional(t.Nullable(t.String({ maxLength: 300 }))),
});
export type IdentifyPaths = { user_ns?: string | null; phone?: string | null; email?: string | null };

export const mapping = t.Object({
  path: t.String({ minLength: 1, maxLength: 300, description: "Path into the body, e.g. contact.phones[0] or data[\"first name\"]." }),
  field: t.String({ minLength: 1, maxLength: 64, description: "A custom field name, or first_name, last_name, email, phone." }),
});
export type Mapping = typeof mapping.static;

export const conditionRule = t.Object({
  path: t.String({ minLength: 1, maxLength: 300, description: "Path into the body, e.g. order.total" }),
  op: oneOf(CONDITION_OPS, {
    description: "exists / missing take no value; greater_than / less_than compare numbers; matches is an RE2 pattern (no lookaround or backreferences), found anywhere in the value unless anchored",
  }),
  value: t.Optional(t.Union([t.String({ maxLength: 1000 }), t.Number(), t.Boolean(), t.Null()])),
}, { title: "ConditionRule" });

export const conditions = t.Object({
  match: t.Optional(t.UnionEnum(["all", "any"], { default: "all", description: "Whether every rule must hold, or one is enough" })),
  rules: t.Array(conditionRule, { minItems: 1, maxItems: MAX_RULES }),
}, { title: "Conditions" });

export const reply = t.Object({
  status: t.Optional(t.UnionEnum(REPLY_STATUSES as unknown as [number, ...number[]], { default: 200 })),
  body: t.Any({ description: "Any JSON. Strings may hold {{user_ns}}, {{created}}, {{tags}}, {{first_name}}, {{field_name}}, {{payload.path}}; a string that is one placeholder takes the value as it is." }),
}, { title: "WebhookReply" });

export const updateWebhookBody = t.Object({
  name: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
  active: t.Optional(t.Boolean()),
  example: t.Optional(t.Any({ description: "Any JSON: the example body paths are picked from." })),
  identify: t.Optional(identifyPaths),
  mappings: t.Optional(t.Array(mapping, { maxItems: 100 })),
  actions: t.Optional(t.Array(t.Any(), { maxItems: 50, description: "See the Actions section of the API description." })),
  rate_limit: t.Optional(
    t.Object({
      capacity: t.Integer({ minimum: 1, maximum: 1_000_000 }),
      refill_seconds: t.Integer({ minimum: 1, maximum: 31 * 86400 }),
    }),
  ),
  signing_secret: t.Optional(t.Nullable(t.String({ maxLength: 200, description: "whsec_ + base64 (Standard Webhooks), or null to stop checking." }))),
  idempotency_path: t.Optional(t.Nullable(t.String({ maxLength: 300 }))),
  conditions: t.Optional(checkedByService(t.Nullable(conditions), "Process a request only when its body meets these; otherwise answer 200 {ok, filtered: true} and log it as filtered. null removes them.")),
  reply: t.Optional(checkedByService(t.Nullable(reply), "The answer to a processed request instead of {ok, user_ns, created}. null restores the default.")),
});
export type UpdateWebhookBody = typeof updateWebhookBody.static;

export const previewBody = t.Object({ example: t.Optional(t.Any()) });

export const OUTCOMES = ["processed", "rate_limited", "webhook_inactive", "invalid_body", "too_large", "invalid_signature", "duplicate", "user_not_identified", "filtered"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const listLogsQuery = t.Object({
  outcome: t.Optional(t.UnionEnum(OUTCOMES as unknown as [string, ...string[]], { default: undefined, error: `outcome must be one of: ${OUTCOMES.join(", ")}` })),
  limit: pageLimit(),
  cursor: t.Optional(t.String()),
});

// ---- Answers (for the OpenAPI document) ----

export const webhookJson = t.Object({
  id: t.Integer(),
  flow_ns: t.String(),
  name: t.String(),
  url: t.String({ description: "POST here; the token in it is the secret" }),
  method: t.Literal("POST"),
  active: t.Boolean(),
  example: t.Any({ description: "The example body (any JSON, null when none)" }),
  identify: t.Record(t.String(), t.Any()),
  mappings: t.Array(t.Object({ path: t.String(), field: t.String() })),
  actions: t.Array(t.Record(t.String(), t.Any())),
  rate_limit: t.Object({ capacity: t.Integer(), refill_seconds: t.Integer(), remaining: t.Integer() }),
  signing_secret: t.Nullable(t.String({ description: "Its first characters only: write-only" })),
  previous_signing_secret_expires_at: t.Nullable(t.String({ description: "After a rotation: until when the previous secret still verifies" })),
  idempotency_path: t.Nullable(t.String()),
  conditions: t.Nullable(conditions),
  reply: t.Nullable(reply),
  listening: t.Boolean(),
  example_captured_at: t.Nullable(t.String()),
  created_at: t.String(),
  updated_at: t.String(),
}, { title: "InboundWebhookV1" });

export const logSummaryJson = t.Object({
  id: t.Integer(),
  received_at: t.String(),
  source_ip: t.Nullable(t.String()),
  outcome: t.UnionEnum(OUTCOMES as unknown as [string, ...string[]]),
  status: t.Integer({ description: "The HTTP status the request was answered with" }),
  user_ns: t.Nullable(t.String()),
  created: t.Boolean(),
  error: t.Nullable(t.String()),
  duration_ms: t.Number(),
  replay_of: t.Nullable(t.Integer()),
}, { title: "WebhookLog" });

export const logDetailJson = t.Object({
  ...logSummaryJson.properties,
  headers: t.Record(t.String(), t.String({ description: "Secrets read [redacted]" })),
  body: t.String(),
  body_truncated: t.Boolean(),
  fields_written: t.Record(t.String(), t.Any()),
  notes: t.Array(t.String()),
  response: t.Any({ description: "The JSON body the request was answered with" }),
}, { title: "WebhookLogDetail" });

export const receiverAnswer = t.Object({ ok: t.Literal(true), user_ns: t.String(), created: t.Boolean({ description: "Whether the contact was created by this request" }) });
export const filteredAnswer = t.Object({ ok: t.Literal(true), filtered: t.Literal(true, { description: "The webhook's conditions did not hold: nothing was identified, mapped or run" }) }, { title: "FilteredAnswer" });
export const replyAnswer = t.Unknown({ description: "The webhook's reply template, rendered after the run", title: "WebhookReplyAnswer" });

export const createTestPayloadBody = t.Object({
  name: t.String({ minLength: 1, maxLength: 100 }),
  body: t.Record(t.String(), t.Any(), { description: "A JSON object, as the receiver takes (at most 64 KiB)" }),
});
export const updateTestPayloadBody = t.Object({
  name: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
  body: t.Optional(t.Record(t.String(), t.Any())),
});
export const testPayloadJson = t.Object({
  id: t.Integer(),
  name: t.String(),
  body: t.Record(t.String(), t.Any()),
  created_at: t.String(),
  updated_at: t.String(),
}, { title: "TestPayload" });

export const replayFilter = t.Object({
  outcome: t.Optional(oneOf(OUTCOMES, { description: "Only logged requests with this outcome" })),
  from: t.Optional(t.String({ format: "date-time", description: "Received at or after (ISO 8601)" })),
  to: t.Optional(t.String({ format: "date-time", description: "Received before (ISO 8601)" })),
});
export const startReplayBody = t.Object({
  ...replayFilter.properties,
  until_log_id: t.Integer({ minimum: 0, description: "From the preview: the newest log row the confirmation covered" }),
  expected_count: t.Integer({ minimum: 1, description: "From the preview: how many requests the caller confirmed" }),
});
export const replayPreviewJson = t.Object({
  count: t.Integer(),
  until_log_id: t.Integer(),
  mappings: t.Integer(),
  actions: t.Array(t.Object({ action: t.String(), acts_outside: t.Nullable(t.String({ description: "What it does outside Switchboard again (a text sent, a request made)" })) })),
}, { title: "ReplayPreview" });
export const replayJson = t.Object({
  id: t.Integer(),
  webhook_id: t.Integer(),
  filter: t.Object({ outcome: t.Nullable(t.String()), from: t.Nullable(t.String()), to: t.Nullable(t.String()) }),
  until_log_id: t.Integer(),
  total: t.Integer(),
  done: t.Integer(),
  state: t.UnionEnum(["running", "done", "cancelled"]),
  created_at: t.String(),
  finished_at: t.Nullable(t.String()),
}, { title: "BulkReplay" });

export const rotateSecretBody = t.Object({
  overlap_hours: t.Optional(t.Integer({ minimum: 0, maximum: 168, default: 24, description: "How long the current secret keeps working beside the new one (0: it stops at once)" })),
});
export const rotatedSecretJson = t.Object({
  signing_secret: t.String({ description: "The new secret, shown this once" }),
  previous_signing_secret_expires_at: t.Nullable(t.String()),
}, { title: "RotatedSecret" });
