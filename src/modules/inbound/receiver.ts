// POST /hooks/{token}: every step of DESIGN.md "Inbound webhook behaviour", decided and
// committed in one transaction (with its log row) before the answer is sent; an answer that
// says something was stored also waits for the flush to disk.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import type { GroupCommit } from "../../db/group-commit";
import { readAt } from "../../lib/json-path";
import { verifyAny } from "../../lib/standard-webhooks";
import { validSecrets } from "../../lib/secret-rotation";
import { sha256Hex } from "../../lib/ids";
import { decodeUtf8, MAX_WEBHOOK_BODY_BYTES, notUtf8, parseObjectBody, readBodyCapped, tooLarge } from "../../http/body";
import type { Bots } from "../bots/service";
import type { Contacts } from "../contacts/service";
import type { Deliveries } from "../deliveries/service";
import type { Fields } from "../fields/service";
import type { Channels } from "../channels/service";
import { newRun, runActions, templateContext, writeMappings, type ActionDeps, type ActionRun } from "./actions";
import type { TemplateContext } from "../../lib/template";
import { identifyContact } from "./identify";
import { LOGGED_BODY_BYTES, redactHeaders, type Logs } from "./logs";
import type { Outcome } from "./model";
import type { Webhook, Webhooks } from "./service";
import type { HourlyCounts } from "../system/hourly";
import { SQL } from "./repo";
import { createStageTimes, type StageTimes } from "../../lib/stage-times";
import { evaluateConditions, explainFailure, newBudget } from "../../lib/conditions";
import { renderReply, replyNames, type Reply } from "./reply";

export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
const MAX_STORED_KEY_LENGTH = 200;

export interface ReceiverDeps {
  db: Database;
  groupCommit: GroupCommit;
  clock: Clock;
  bots: Bots;
  fields: Fields;
  contacts: Contacts;
  channels: Channels;
  deliveries: Deliveries;
  webhooks: Webhooks;
  logs: Logs;
  hourly?: HourlyCounts;
  stages?: StageTimes;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Incoming {
  webhook: Webhook;
  headers: Headers;
  sourceIp: string | null;
  bytes: Uint8Array;
  tooLarge: boolean;
  startedAt: number;
  /** A replay re-runs a logged body: no bucket, listen, active, signature or idempotency steps. */
  replayOf?: number;
}

interface Decision {
  outcome: Outcome;
  answer: Answer;
  userNs?: string;
  created?: boolean;
  written?: Record<string, unknown>;
  notes?: string[];
  error?: string;
  idempotencyKey?: string;
}

const fail = (outcome: Outcome, status: number, code: string, message: string, headers?: Record<string, string>): Decision => ({
  outcome,
  answer: { status, body: { error: { code, message } }, headers },
  error: message,
});


const FILTERED = { ok: true, filtered: true };

/**
 * What a reply template can name: the stored contact, its fields and tags, the payload. The
 * field values are read only when the reply names one of the bot's fields.
 */
function replyContext(run: ActionRun, reply: Reply, created: boolean, deps: ActionDeps): TemplateContext {
  const namesAField = [...replyNames(reply)].some((name) => run.fieldsByName.has(name));
  const context = templateContext(run, deps, namesAField);
  return { ...context, contact: { ...context.contact, tags: JSON.parse(run.contact.tags) as string[], created } };
}

export function createReceiver(deps: ReceiverDeps) {
  const { db, clock, webhooks, logs, contacts, fields } = deps;
  const stages = deps.stages ?? createStageTimes();
  const selectIdempotent = db.query<{ status: number; response: string }, [number, string, number]>(SQL.SELECT_IDEMPOTENT);
  const upsertIdempotent = db.query(SQL.UPSERT_IDEMPOTENT);

  /**
   * The key a repeat is recognised by. With a signing secret it is the signed `webhook-id`
   * (an unsigned Idempotency-Key would let a captured message be replayed under new keys).
   * Keys are compared whole: a long one is stored as its SHA-256.
   */
  function idempotencyKey(webhook: Webhook, headers: Headers, body: unknown): string | undefined {
    let key: string | undefined;
    if (webhook.signing_secret) key = headers.get("webhook-id") ?? undefined;
    else {
      const fromPath = webhook.idempotency_path ? readAt(body, webhook.idempotency_path) : undefined;
      key = headers.get("idempotency-key") ?? headers.get("webhook-id") ?? (typeof fromPath === "string" || typeof fromPath === "number" ? String(fromPath) : undefined);
    }
    if (!key) return undefined;
    return key.length <= MAX_STORED_KEY_LENGTH ? key : `sha256:${sha256Hex(key)}`;
  }

  /** Steps 2–9 of DESIGN.md, run inside the transaction. */
  function decide(incoming: Incoming, now: number): Decision {
    const { headers } = incoming;
    const webhook = webhooks.get(incoming.webhook.id); // fresh, inside the lock
    const replay = incoming.replayOf !== undefined;

    if (!replay) {
      const taken = webhooks.takeToken(webhook, now);
      // A request whose writes are rolled back (its own failure, or the batch's commit) did not
      // happen: its token goes back into the bucket.
      if (taken.allowed) deps.groupCommit.onUndo(taken.restore);
      if (!taken.allowed) {
        return fail("rate_limited", 429, "rate_limited", `This webhook's limit of ${webhook.rate_capacity} requests per ${webhook.rate_refill_seconds} s is used up; retry in ${taken.retryAfterSeconds} s.`, {
          "retry-after": String(taken.retryAfterSeconds),
        });
      }
    }

    const decoded = decodeUtf8(incoming.bytes);
    const parsed = incoming.tooLarge || !decoded.ok ? null : parseObjectBody(decoded.text, headers.get("content-type"));
    const captured = !replay && webhooks.isListening(webhook, now) && parsed?.ok === true;
    if (captured) webhooks.captureExample(webhook, parsed.value);
    if (!replay && webhook.active !== 1) {
      // While the editor listens, an inactive webhook still answers 409, and says the body was kept.
      const kept = captured ? " The body was captured as the webhook's example." : "";
      return fail("webhook_inactive", 409, "webhook_inactive", `This webhook is not active; activate it in the admin or with PATCH {"active": true}.${kept}`);
    }
    const read = incoming.tooLarge ? tooLarge(MAX_WEBHOOK_BODY_BYTES) : !decoded.ok ? notUtf8 : parsed!;
    if (!read.ok) return fail(read.status === 413 ? "too_large" : "invalid_body", read.status, read.code, read.reason);
    const body = read.value;

    if (!replay && webhook.signing_secret) {
      // During a rotation's overlap the previous secret verifies too.
      const secrets = validSecrets({ secret: webhook.signing_secret, previous_secret: webhook.previous_signing_secret, previous_until: webhook.previous_secret_until }, now);
      const check = verifyAny(secrets, { id: headers.get("webhook-id"), timestamp: headers.get("webhook-timestamp"), signature: headers.get("webhook-signature") }, decoded.text, now);
      if (!check.ok) return fail("invalid_signature", 401, "invalid_signature", `The signature was not accepted: ${check.reason}.`);
    }

    const key = replay ? undefined : idempotencyKey(webhook, headers, body);
    if (key) {
      const previous = selectIdempotent.get(webhook.id, key, now - IDEMPOTENCY_WINDOW_MS);
      if (previous) {
        return { outcome: "duplicate", answer: { status: previous.status, body: JSON.parse(previous.response), headers: { "idempotent-replayed": "true" } }, notes: [`repeat of idempotency key '${key}'`] };
      }
    }

    // Conditions come before anything is identified, mapped or run: a filtered request only logs.
    const budget = newBudget();
    if (webhook.conditions) {
      const conditions = webhook.conditions;
      const check = stages.time("conditions", () => evaluateConditions(conditions, body, budget));
      if (!check.holds) {
        return { outcome: "filtered", answer: { status: 200, body: FILTERED }, notes: [`filtered: ${explainFailure(webhook.conditions, check.results)}`], idempotencyKey: key };
      }
    }

    const bot = webhooks.botOf(webhook);
    const identified = stages.time("identify", () => identifyContact(bot, webhook.identify, body, contacts));
    if (!identified.ok) {
      return { ...fail("user_not_identified", 422, "user_not_identified", `No contact could be identified: ${identified.reason}.`), notes: identified.notes, idempotencyKey: key };
    }

    const run = newRun(bot, identified.contact, !identified.created, fields.byName(bot.id), body, identified.notes, `webhook:${webhook.id}`, budget);
    const actionDeps = { contacts, channels: deps.channels, deliveries: deps.deliveries, now: () => now, stages };
    stages.time("field_values", () => writeMappings(webhook.mappings, body, "mapping", run, actionDeps));
    stages.time("actions", () => runActions(webhook.actions, run, actionDeps)); // and stores the contact

    // Built once, and only when the reply names something (it reads the contact's field values).
    let context: TemplateContext | null = null;
    const answer: Answer = webhook.reply
      ? { status: webhook.reply.status, body: stages.time("reply", () => renderReply(webhook.reply!.body, () => (context ??= replyContext(run, webhook.reply!, identified.created, actionDeps)))) }
      : { status: 200, body: { ok: true, user_ns: identified.contact.user_ns, created: identified.created } };
    return {
      outcome: "processed",
      answer,
      userNs: identified.contact.user_ns,
      created: identified.created,
      written: run.written,
      notes: run.notes,
      idempotencyKey: key,
    };
  }

  /**
   * Decides, logs and commits (grouped with concurrent requests); answers after the commit.
   * `alongside` writes in the same transaction (a bulk replay's progress).
   */
  function handle(incoming: Incoming, alongside?: (logId: number) => void): Promise<Answer & { logId: number; outcome: Outcome }> {
    return deps.groupCommit.run(() => {
      const now = clock.now();
      const decision = stages.time("body", () => decide(incoming, now));
      const answer = stages.time("log_row", () => logged(incoming, decision, now));
      alongside?.(answer.logId);
      return answer;
    });
  }

  /** The decision's log row (and idempotency record), in the same transaction. */
  function logged(incoming: Incoming, decision: Decision, now: number): Answer & { logId: number; outcome: Outcome } {
    if (decision.idempotencyKey && decision.outcome !== "duplicate") {
      upsertIdempotent.run(incoming.webhook.id, decision.idempotencyKey, decision.answer.status, JSON.stringify(decision.answer.body), now);
    }
    const bodyText = decodeUtf8(incoming.bytes.subarray(0, LOGGED_BODY_BYTES)).text;
    const logId = logs.insert({
      webhook_id: incoming.webhook.id,
      received_at: now,
      source_ip: incoming.sourceIp,
      headers: JSON.stringify(redactHeaders(incoming.headers)),
      body: bodyText,
      body_truncated: incoming.tooLarge || incoming.bytes.byteLength > LOGGED_BODY_BYTES ? 1 : 0,
      outcome: decision.outcome,
      status: decision.answer.status,
      user_ns: decision.userNs ?? null,
      created_contact: decision.created ? 1 : 0,
      fields_written: JSON.stringify(decision.written ?? {}),
      notes: JSON.stringify(decision.notes ?? []),
      error: decision.error ?? null,
      response: JSON.stringify(decision.answer.body),
      duration_ms: Math.round((performance.now() - incoming.startedAt) * 100) / 100,
      replay_of: incoming.replayOf ?? null,
    });
    deps.hourly?.add("webhook_requests");
    // A refusal stores nothing but its log row: it need not wait for the disk. A repeat still
    // waits, as its first answer may not be on disk yet.
    if (decision.answer.status >= 400) deps.groupCommit.answerBeforeFlush();
    return { ...decision.answer, logId, outcome: decision.outcome };
  }

  return {
    async receive(webhook: Webhook, request: Request, sourceIp: string | null): Promise<Answer & { outcome: Outcome }> {
      const startedAt = performance.now();
      const read = await readBodyCapped(request, MAX_WEBHOOK_BODY_BYTES);
      return handle({ webhook, headers: request.headers, sourceIp, bytes: read.bytes, tooLarge: !read.ok, startedAt });
    },

    /** Processes a logged body again with today's settings, as a new log row. */
    replay(webhook: Webhook, logId: number, alongside?: (newLogId: number) => void): Promise<Answer & { logId: number; outcome: Outcome }> {
      const log = logs.get(webhook.id, logId);
      const headers = new Headers(JSON.parse(log.headers) as Record<string, string>);
      headers.set("x-switchboard-replay-of", String(log.id));
      return handle({
        webhook,
        headers,
        sourceIp: log.source_ip,
        bytes: new TextEncoder().encode(log.body),
        tooLarge: log.body_truncated === 1,
        startedAt: performance.now(),
        replayOf: log.id,
      }, alongside);
    },
  };
}

export type Receiver = ReturnType<typeof createReceiver>;
