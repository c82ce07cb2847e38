// HTTP routes for deliveries: /api/v1/deliveries (state, attempts, retry one or in bulk).
import { Elysia, t } from "elysia";
import { oneOf } from "../../http/schema";
import { attemptToJson, deliveryToJson, DELIVERY_STATES, type Deliveries } from "./service";

export function deliveriesApi({ deliveries }: { deliveries: Deliveries }) {
  return new Elysia({ prefix: "/deliveries", detail: { tags: ["Deliveries"] } })
    .get("", ({ query }) => {
      const page = deliveries.list({ state: query.state, target: query.target, limit: query.limit ?? 50, cursor: query.cursor });
      return { data: page.data.map(deliveryToJson), next_cursor: page.next_cursor, counts: deliveries.counts() };
    }, {
      query: t.Object({
        state: t.Optional(oneOf(DELIVERY_STATES)),
        target: t.Optional(t.String({ maxLength: 300, description: "Part of the target URL." })),
        limit: t.Optional(t.Numeric({ minimum: 1, maximum: 200, error: "query parameter 'limit' must be a number from 1 to 200" })),
        cursor: t.Optional(t.String()),
      }),
      detail: { summary: "Outbound deliveries, newest first, with counts by state" },
    })
    .post("/retry", ({ body }) => ({ retried: deliveries.retryFailed(body.since ? Date.parse(body.since) : 0) }), {
      body: t.Object({ state: t.Literal("failed"), since: t.Optional(t.String({ format: "date-time" })) }),
      detail: { summary: "Queue every failed delivery again (those failed since `since`, if given)" },
    })
    .get("/:id", ({ params }) => {
      const delivery = deliveries.get(params.id);
      return { ...deliveryToJson(delivery), attempt_log: deliveries.attempts(delivery).map(attemptToJson) };
    }, { detail: { summary: "One delivery with every attempt" } })
    .post("/:id/retry", ({ params }) => deliveryToJson(deliveries.retry(params.id)), { detail: { summary: "Queue a failed delivery again" } });
}
