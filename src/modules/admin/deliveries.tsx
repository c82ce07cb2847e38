/** @jsxImportSource @kitajs/html */
// Admin routes for the outbound queue: the Deliveries page, its live list, one delivery with
// the request it sends and its attempts, and retries. Each row names its cause.
import { Elysia } from "elysia";
import type { Deliveries, Delivery, DeliveryKind } from "../deliveries/service";
import type { Messages } from "../messages/service";
import type { Webhooks } from "../inbound/service";
import type { SubFlows } from "../livechat/subflows";
import type { Accounts } from "./accounts";
import { formOf, html, section, sessionGuard } from "./http";
import { errors } from "../../http/errors";
import type { TargetLimits } from "../deliveries/target-limits";
import type { Circuits } from "../deliveries/circuits";
import type { Clock } from "../../lib/clock";
import { contactName } from "../../../views/format";
import { DELIVERY_STATES, DeliveriesPage, TargetsSection, ThrottlesSection, DeliveriesSection, DeliveryDetail, DeliveryList, type Cause, type DeliveriesView, type DeliveryDetailView } from "../../../views/pages/operations";

export interface DeliveryViewsDeps {
  deliveries: Deliveries;
  messages: Messages;
  webhooks: Webhooks;
  subFlows: SubFlows;
}

export interface DeliveryFilter {
  state?: string;
  target?: string;
  kind?: string;
  cursor?: string;
}

const KINDS: readonly string[] = ["channel_message", "http_request", "relay", "alert"];

/** The Deliveries list and detail as the admin shows them (also the integration page's relays). */
export function createDeliveryViews({ deliveries, messages, webhooks, subFlows }: DeliveryViewsDeps) {
  /** Who or what each delivery is for: a contact's message, a webhook's action, a test event. */
  function causes(rows: Delivery[]): Map<number, Cause> {
    const owners = messages.contactsOf(rows.flatMap((d) => (d.message_id === null ? [] : [d.message_id])));
    return new Map(
      rows.map((d): [number, Cause] => {
        const owner = d.message_id === null ? undefined : owners.get(d.message_id);
        if (owner) {
          const name = contactName(owner);
          return [d.id, { label: d.kind === "relay" ? `relay of ${name}'s message` : `message to ${name}`, href: `/admin/contacts/${owner.user_ns}` }];
        }
        const [source, id] = (d.secret_ref ?? "").split(":");
        if (source === "webhook") {
          const webhook = webhooks.find(Number(id));
          return [d.id, { label: webhook ? `action of webhook "${webhook.name}"` : "action of a deleted webhook", href: webhook ? `/admin/webhooks/${webhook.id}` : null }];
        }
        if (source === "subflow") return [d.id, { label: `action of sub-flow "${subFlows.byId(Number(id))?.name ?? "deleted"}"`, href: null }];
        if (d.kind === "relay") return [d.id, { label: "integration test event", href: "/admin/integration" }];
        if (d.kind === "alert") return [d.id, { label: "alert", href: "/admin/settings#alerts" }];
        return [d.id, { label: d.kind.replace("_", " "), href: null }];
      }),
    );
  }

  return {
    list(filter: DeliveryFilter = {}): DeliveriesView {
      const state = (DELIVERY_STATES as readonly string[]).includes(filter.state ?? "") ? filter.state! : "";
      const kind = KINDS.includes(filter.kind ?? "") ? (filter.kind as DeliveryKind) : undefined;
      const target = filter.target ?? "";
      const page = deliveries.list({ state: state || undefined, target: target || undefined, kind, limit: 50, cursor: filter.cursor || undefined });
      return { deliveries: page.data, counts: deliveries.counts(), causes: causes(page.data), state, target, kind, cursor: filter.cursor, nextCursor: page.next_cursor };
    },
    detail(delivery: Delivery): DeliveryDetailView {
      return { delivery, attempts: deliveries.attempts(delivery), cause: causes([delivery]).get(delivery.id)!, request: deliveries.requestShown(delivery) };
    },
  };
}

export type DeliveryViews = ReturnType<typeof createDeliveryViews>;

const filterOf = (query: Record<string, string | undefined>): DeliveryFilter => ({ state: query.state, target: query.target, kind: query.kind, cursor: query.cursor });

export function deliveryPages({ accounts, clock, publicUrl, deliveries, views, targetLimits, circuits }: { accounts: Accounts; clock: Clock; publicUrl: () => string; deliveries: Deliveries; views: DeliveryViews; targetLimits: TargetLimits; circuits: Circuits }) {
  const page = ({ csrf_token, nav }: { csrf_token: string; nav: string[] }, view: DeliveriesView) => DeliveriesPage({ csrf: csrf_token, nav, view, limits: targetLimits.list(), targets: circuits.health(clock.now()) });
  return new Elysia({ name: "admin-delivery-pages", prefix: "/admin" })
    .use(sessionGuard({ accounts, publicUrl }))
    .get("/deliveries", ({ session, query, isHtmx }) => {
      const view = views.list(filterOf(query));
      return html(isHtmx ? DeliveriesSection(view) : page(session!, view));
    })
    .get("/deliveries/list", ({ query }) => html(DeliveryList(views.list(filterOf(query)))))
    .get("/deliveries/:id", ({ params, session, isHtmx }) => {
      const detail = views.detail(deliveries.get(params.id));
      // Opened from a link elsewhere (a contact's requests): the whole page, with it shown.
      return html(isHtmx ? DeliveryDetail({ detail }) : page(session!, { ...views.list({}), detail }));
    })
    .post("/deliveries/:id/retry", ({ params }) => {
      const delivery = deliveries.retry(params.id);
      return html(DeliveriesSection({ ...views.list(), detail: views.detail(delivery), notice: "Queued again." }));
    })
    .post("/targets/enable", ({ body }) => {
      circuits.enable(String(formOf(body).origin ?? ""), clock.now());
      return html(TargetsSection({ targets: circuits.health(clock.now()) }));
    })
    .post("/throttles", ({ body }) => {
      const form = formOf(body);
      return section(() => {
        const count = Number(form.count);
        const concurrency = form.concurrency ? Number(form.concurrency) : null;
        if (!Number.isInteger(count) || count < 1 || (concurrency !== null && (!Number.isInteger(concurrency) || concurrency < 1))) {
          throw errors.validation("At most and At once are whole numbers of at least 1.", "invalid_target_limit");
        }
        targetLimits.put({ origin: String(form.origin ?? ""), count, per: form.per === "minute" ? "minute" : "second", concurrency });
        return ThrottlesSection({ limits: targetLimits.list() });
      }, (error) => ThrottlesSection({ limits: targetLimits.list(), error }));
    })
    .post("/throttles/delete", ({ body }) =>
      section(() => {
        targetLimits.remove(String(formOf(body).origin ?? ""));
        return ThrottlesSection({ limits: targetLimits.list() });
      }, (error) => ThrottlesSection({ limits: targetLimits.list(), error })),
    )
    .get("/deliveries/retry-check", ({ query }) => {
      const filter = filterOf(query);
      const confirm = deliveries.retryPreview({ target: filter.target || undefined, kind: filter.kind || undefined });
      if (confirm.count === 0) return html(DeliveriesSection({ ...views.list(filter), notice: "No failed delivery matches." }));
      return html(DeliveriesSection({ ...views.list(filter), retryConfirm: confirm }));
    })
    // Confirmed with the count it was shown; the deliveries are due one after another, paced.
    .post("/deliveries/retry-failed", ({ body }) => {
      const form = formOf(body);
      const filter = { target: form.target || undefined, kind: form.kind || undefined };
      return section(() => {
        const { retried, last_due_at } = deliveries.retryMatching(filter, Number(form.until_id), Number(form.expected_count));
        return DeliveriesSection({ ...views.list(), notice: `${retried} failed ${retried === 1 ? "delivery" : "deliveries"} queued again, paced: the last is due at ${last_due_at.replace("T", " ").slice(0, 19)} UTC.` });
      }, (error) => DeliveriesSection({ ...views.list(), notice: error }));
    });
}
