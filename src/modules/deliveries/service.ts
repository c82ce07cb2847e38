// The deliveries outbox: every outbound HTTP request is a row here, written in the same
// transaction as whatever caused it, and sent later by the relay worker.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { publicId } from "../../lib/ids";

export type DeliveryKind = "channel_message" | "http_request" | "relay";

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
  state: "pending" | "sending" | "succeeded" | "failed";
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_response: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface NewDelivery {
  kind: DeliveryKind;
  /** Deliveries with the same key go one after another (a contact's messages). */
  orderingKey?: string | null;
  botId?: number | null;
  messageId?: number | null;
  targetUrl?: string | null;
  method?: string;
  headers?: Record<string, string>;
  body?: string | null;
}

const INSERT_DELIVERY = `INSERT INTO deliveries (public_id, kind, ordering_key, bot_id, message_id, target_url, method, headers, body, next_attempt_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`;

export function createDeliveries({ db, clock }: { db: Database; clock: Clock }) {
  const insert = db.query<Delivery, [string, string, string | null, number | null, number | null, string | null, string, string, string | null, number, number, number]>(INSERT_DELIVERY);

  return {
    /** Queues a delivery; call inside the transaction that decided it. */
    enqueue(input: NewDelivery): Delivery {
      const now = clock.now();
      return insert.get(
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
        now,
        now,
        now,
      )!;
    },

    list({ state, limit = 50, before }: { state?: string; limit?: number; before?: number }): Delivery[] {
      const where: string[] = [];
      const params: Record<string, string | number> = { limit };
      if (state) {
        where.push("state = $state");
        params.state = state;
      }
      if (before) {
        where.push("id < $before");
        params.before = before;
      }
      return db.query<Delivery, any>(`SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT $limit`).all(params);
    },
  };
}

export type Deliveries = ReturnType<typeof createDeliveries>;

export function deliveryToJson(delivery: Delivery) {
  return {
    id: delivery.public_id,
    kind: delivery.kind,
    state: delivery.state,
    target_url: delivery.target_url,
    method: delivery.method,
    attempts: delivery.attempts,
    next_attempt_at: new Date(delivery.next_attempt_at).toISOString(),
    last_status: delivery.last_status,
    last_error: delivery.last_error,
    created_at: new Date(delivery.created_at).toISOString(),
  };
}
