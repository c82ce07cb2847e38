// HTTP routes for deliveries: /api/v1/deliveries (state, attempts, retry one or in bulk).
import { Elysia, t } from "elysia";
import { errors } from "../../http/errors";
import { oneOf, pageLimit } from "../../http/schema";
import type { BearerAuth } from "../tokens/index";
import type { TokenScope } from "../tokens/scope";
import { attemptToJson, deliveryToJson, DELIVERY_STATES, type Deliveries, type Delivery } from "./service";

export function deliveriesApi({ auth, deliveries }: { auth: BearerAuth; deliveries: Deliveries }) {
  // A bot-scoped token may follow its own bot's deliveries one by one, not browse the queue.
  const scoped = (scope: TokenScope, id: string): Delivery => {
    const delivery = deliveries.get(id);
    scope.owns(delivery.bot_id, () => errors.notFound("delivery", id));
    return delivery;
  };
  return new Elysia({ prefix: "/deliveries", detail: { tags: ["Deliveries"] } })
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
      detail: { summary: "Outbound deliveries, newest first, with counts by state" },
    })
    .post("/retry", ({ body, scope }) => (scope.installation(), { retried: deliveries.retryFailed(body.since ? Date.parse(body.since) : 0) }), {
      body: t.Object({ state: t.Literal("failed"), since: t.Optional(t.String({ format: "date-time" })) }),
      detail: { summary: "Queue every failed delivery again (those failed since `since`, if given)" },
    })
    .get("/:id", ({ params, scope }) => {
      const delivery = scoped(scope, params.id);
      return { ...deliveryToJson(delivery), attempt_log: deliveries.attempts(delivery).map(attemptToJson) };
    }, { detail: { summary: "One delivery with every attempt" } })
    .post("/:id/retry", ({ params, scope }) => deliveryToJson(deliveries.retry(scoped(scope, params.id).public_id)), { detail: { summary: "Queue a failed delivery again" } });
}
