// The deliveries outbox: every outbound HTTP request is a row here, written in the same
// transaction as whatever caused it, and sent later by the relay worker (worker.ts).
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { publicId } from "../../lib/ids";
import { errors } from "../../http/errors";
import { keysetCursor, pageOf } from "../../lib/cursor";
import { MASK, withoutCredentials } from "../../lib/write-only";
import type { Publish } from "../live/events";
import { deliveriesPage, failedMatching, PRUNE_BATCH, SQL, type FailedFilter } from "./repo";

/** How fast a bulk retry sends its deliveries again (a recovered target is not flooded). */
export const RETRY_PER_SECOND = 20;

export type DeliveryKind = "channel_message" | "http_request" | "relay" | "alert";
export type DeliveryState = "pending" | "sending" | "succeeded" | "failed";
export const DELIVERY_STATES: readonly DeliveryState[] = ["pending", "sending", "succeeded", "failed"];

export interface Delivery {
  id: number;
  public_id: string;
  kind: DeliveryKind;
  ordering_key: string | null;
  bot_id: number | null;
  message_id: number | null;
  target_url: string | null;
  method: string;
  headers: string;
  body: string | null;
  /** Only on rows queued before secrets moved out of the queue (migration 10). */
  secret: string | null;
  /** Where the credentials come from when sending, e.g. `integration` or `channel:12`. */
  secret_ref: string | null;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_status: number | null;
  last_response: string | null;
  last_error: string | null;
  /** What the owner did with the answer when it finished (an http_request's response handling), as JSON. */
  follow_up: string | null;
  created_at: number;
  updated_at: number;
}

export interface Attempt {
  id: number;
  delivery_id: number;
  started_at: number;
  duration_ms: number;
  status: number | null;
  response: string | null;
  error: string | null;
}

export interface NewDelivery {
  kind: DeliveryKind;
  /** Deliveries with the same key go one after another (a contact's messages). */
  orderingKey?: string | null;
  botId?: number | null;
  messageId?: number | null;
  targetUrl?: string | null;
  method?: string;
  /** Headers that are not secrets; secrets come from `secretRef` when sending. */
  headers?: Record<string, string>;
  body?: string | null;
  /** Where the worker gets this delivery's secret headers and signing secret: `source:id`. */
  secretRef?: string | null;
  /** A delivery that can never be sent (a rendered header with a line break): failed at once. */
  failure?: string | null;
}

/** What the worker adds to a delivery when sending, or why it must not be sent. */
/** `previousSecret`: during a secret rotation's overlap, a second signature is sent with it. */
export type Credentials = { ok: true; headers: Record<string, string>; secret: string | null; previousSecret?: string | null } | { ok: false; reason: string };
export type CredentialSource = (id: string, delivery: Delivery) => Credentials;
export const NO_CREDENTIALS: Credentials = { ok: true, headers: {}, secret: null };


const cursors = keysetCursor("d");

export function createDeliveries({ db, clock, onEnqueue, publish = () => {} }: { db: Database; clock: Clock; onEnqueue?: () => void; publish?: Publish }) {
  const insert = db.query<Delivery, any>(SQL.INSERT_DELIVERY);
  const selectByPublicId = db.query<Delivery, [string]>(SQL.SELECT_BY_PUBLIC_ID);
  const selectAttempts = db.query<Attempt, [number]>(SQL.SELECT_ATTEMPTS);
  const countByState = db.query<{ state: DeliveryState; n: number }, []>(SQL.COUNT_BY_STATE);
  const oldestPending = db.query<{ created_at: number }, []>(SQL.OLDEST_PENDING);
  const recordFollowUp = db.query(SQL.RECORD_FOLLOW_UP);
  const selectByOrderingKey = db.query<Delivery, [string, number]>(SQL.SELECT_BY_ORDERING_KEY);
  const deleteFinishedBefore = db.query(SQL.DELETE_FINISHED_BEFORE);
  const selectForMessages = db.query<Delivery, [string, string]>(SQL.SELECT_FOR_MESSAGES);
  const retryOne = db.query(SQL.RETRY_ONE);
  const retryFailed = db.query(SQL.RETRY_FAILED);
  const lastFailedId = db.query<{ id: number | null }, []>(SQL.LAST_FAILED_ID);
  const failAtOnce = db.query<Delivery, [string, number]>(SQL.FAIL_AT_ONCE);
  let wake = onEnqueue;
  const credentialSources = new Map<string, CredentialSource>();

  function get(publicIdValue: string): Delivery {
    const delivery = selectByPublicId.get(publicIdValue);
    if (!delivery) throw errors.notFound("delivery", publicIdValue);
    return delivery;
  }

  return {
    /** The worker registers here to hear about new rows at once. */
    onEnqueue(listener: () => void) {
      wake = listener;
    },

    /** The owner of a kind of secret (the integration, channels, actions) says how to find them. */
    registerCredentials(source: string, resolve: CredentialSource) {
      credentialSources.set(source, resolve);
    },

    /** The secrets to send this delivery with, read now from their owner. */
    credentialsFor(delivery: Delivery): Credentials {
      if (!delivery.secret_ref) return { ok: true, headers: {}, secret: delivery.secret };
      const colon = delivery.secret_ref.indexOf(":");
      const source = colon === -1 ? delivery.secret_ref : delivery.secret_ref.slice(0, colon);
      const resolve = credentialSources.get(source);
      if (!resolve) return { ok: false, reason: `its credentials come from '${source}', which this server does not know` };
      return resolve(colon === -1 ? "" : delivery.secret_ref.slice(colon + 1), delivery);
    },

    /**
     * The request an attempt sends, as a person may see it: the row's headers, the names of the
     * secret ones with their values masked, the delivery's name and whether it is signed.
     */
    requestShown(delivery: Delivery): { headers: [string, string][]; body: string | null } {
      const headers = Object.entries(JSON.parse(delivery.headers) as Record<string, string>);
      const credentials = this.credentialsFor(delivery);
      if (credentials.ok) for (const name of Object.keys(credentials.headers)) headers.push([name, MASK]);
      headers.push(["webhook-id", delivery.public_id], ["webhook-timestamp", "(the time of each attempt)"]);
      if (credentials.ok && credentials.secret) headers.push(["webhook-signature", "v1,… (signed with the saved secret at each attempt)"]);
      return { headers, body: delivery.method === "GET" || delivery.method === "HEAD" ? null : delivery.body };
    },

    /** The newest deliveries of one ordering key (a contact's HTTP requests: `http:{contact id}`). */
    byOrderingKey: (key: string, limit: number): Delivery[] => selectByOrderingKey.all(key, limit),

    /** Keeps what was done with a finished delivery's answer; inside the attempt's transaction. */
    recordFollowUp(id: number, followUp: unknown): void {
      recordFollowUp.run(JSON.stringify(followUp), id);
    },

    /** Queues a delivery; call inside the transaction that decided it. */
    enqueue(input: NewDelivery): Delivery {
      const now = clock.now();
      const delivery = insert.get(
        // Stable per delivery: the `webhook-id` receivers use to drop duplicates.
        publicId("msg_", 24),
        input.kind,
        input.orderingKey ?? null,
        input.botId ?? null,
        input.messageId ?? null,
        input.targetUrl ?? null,
        input.method ?? "POST",
        JSON.stringify(input.headers ?? {}),
        input.body ?? null,
        input.secretRef ?? null,
        now,
        now,
        now,
      )!;
      publish("deliveries");
      if (input.failure) return failAtOnce.get(input.failure, delivery.id)!;
      // The worker runs after the current synchronous transaction has committed.
      if (wake) queueMicrotask(wake);
      return delivery;
    },

    get,
    attempts: (delivery: Delivery): Attempt[] => selectAttempts.all(delivery.id),
    /** The deliveries of a kind that carry these messages, by message id (a conversation's relays). */
    forMessages(kind: DeliveryKind, messageIds: number[]): Map<number, Delivery> {
      if (messageIds.length === 0) return new Map();
      return new Map(selectForMessages.all(kind, JSON.stringify(messageIds)).map((d) => [d.message_id!, d]));
    },
    /** When the oldest delivery still waiting was made, or null when none waits. */
    oldestPendingAt: (): number | null => oldestPending.get()?.created_at ?? null,
    /** Deletes one batch of deliveries finished before `before` (with their attempts); `more` while batches are full. */
    pruneFinished(before: number): { changes: number; more: boolean } {
      const changes = deleteFinishedBefore.run(before).changes;
      return { changes, more: changes >= PRUNE_BATCH };
    },
    counts(): Record<DeliveryState, number> {
      const counts = { pending: 0, sending: 0, succeeded: 0, failed: 0 };
      for (const row of countByState.all()) counts[row.state] = row.n;
      return counts;
    },

    list({ state, target, kind, limit = 50, cursor }: { state?: string; target?: string; kind?: DeliveryKind; limit?: number; cursor?: string }) {
      const page = deliveriesPage({ kind, state, target, before: cursor ? (cursors.decode(cursor) ?? errors.throwInvalidCursor()) : undefined }, limit + 1);
      const rows = db.query<Delivery, any>(page.sql).all(page.params);
      return pageOf(rows, limit, cursors.encode);
    },

    /** A failed delivery goes back to the queue, due now. */
    retry(publicIdValue: string): Delivery {
      const delivery = get(publicIdValue);
      const now = clock.now();
      publish("deliveries");
      if (retryOne.run(now, now, delivery.id).changes === 0) {
        throw errors.deliveryNotFailed(delivery.state);
      }
      if (wake) queueMicrotask(wake);
      return get(publicIdValue);
    },

    /** Every failed delivery (that failed since `since`, if given) goes back to the queue. */
    /** Before a bulk retry: how many failed deliveries the filter picks, up to the newest failed one now. */
    retryPreview(filter: FailedFilter): { count: number; until_id: number; seconds: number; per_second: number } {
      const until = lastFailedId.get()?.id ?? 0;
      const query = failedMatching(filter);
      const count = db.query<{ n: number }, any>(query.count).get({ ...query.params, until })!.n;
      return { count, until_id: until, seconds: Math.ceil(count / RETRY_PER_SECOND), per_second: RETRY_PER_SECOND };
    },

    /**
     * Queues again the failed deliveries the filter picks (up to `untilId`), paced: the i-th is
     * due RETRY_PER_SECOND later than the one before, so a target that was down is not met by all
     * of them at once. The caller confirms the count it was shown.
     */
    retryMatching(filter: FailedFilter, untilId: number, expectedCount: number): { retried: number; last_due_at: string } {
      const query = failedMatching(filter);
      const now = clock.now();
      const ids = db.transaction(() => {
        const ids = db.query<{ id: number }, any>(query.ids).all({ ...query.params, until: untilId }).map((row) => row.id);
        if (ids.length === 0) throw errors.nothingToRetry();
        if (ids.length !== expectedCount) throw errors.retryCountChanged(expectedCount, ids.length);
        ids.forEach((id, i) => retryOne.run(now + Math.floor((i * 1000) / RETRY_PER_SECOND), now, id));
        return ids;
      }).immediate();
      publish("deliveries");
      if (wake) queueMicrotask(wake);
      return { retried: ids.length, last_due_at: new Date(now + Math.floor(((ids.length - 1) * 1000) / RETRY_PER_SECOND)).toISOString() };
    },

    retryFailed(since = 0): number {
      const now = clock.now();
      const changed = retryFailed.run(now, now, since).changes;
      publish("deliveries");
      if (changed && wake) queueMicrotask(wake);
      return changed;
    },
  };
}

export type Deliveries = ReturnType<typeof createDeliveries>;

export function deliveryToJson(delivery: Delivery) {
  return {
    id: delivery.public_id,
    kind: delivery.kind,
    state: delivery.state,
    target_url: delivery.target_url && withoutCredentials(delivery.target_url),
    method: delivery.method,
    ordering_key: delivery.ordering_key,
    attempts: delivery.attempts,
    next_attempt_at: delivery.state === "pending" ? new Date(delivery.next_attempt_at).toISOString() : null,
    last_status: delivery.last_status,
    last_response: delivery.last_response,
    last_error: delivery.last_error,
    follow_up: delivery.follow_up === null ? null : JSON.parse(delivery.follow_up),
    created_at: new Date(delivery.created_at).toISOString(),
    updated_at: new Date(delivery.updated_at).toISOString(),
  };
}

export function attemptToJson(attempt: Attempt) {
  return {
    started_at: new Date(attempt.started_at).toISOString(),
    duration_ms: attempt.duration_ms,
    status: attempt.status,
    response: attempt.response,
    error: attempt.error,
  };
}
