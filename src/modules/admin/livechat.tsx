/** @jsxImportSource @kitajs/html */
// Admin routes for live chat: the integration webhook, the inbox of paused contacts, a
// contact's pause/resume/agent, and a bot's live-chat mode.
import { DEFAULT_OVERLAP_HOURS } from "../../lib/secret-rotation";
import { Elysia } from "elysia";
import type { Clock } from "../../lib/clock";
import { errors } from "../../http/errors";
import type { Bot, Bots } from "../bots/service";
import type { Contacts } from "../contacts/service";
import type { Deliveries } from "../deliveries/service";
import type { Integration } from "../livechat/integration";
import type { Relay } from "../livechat/relay";
import type { Accounts } from "./accounts";
import type { DeliveryViews } from "./deliveries";
import { formOf, html, parseHeaderLines, section, sessionGuard } from "./http";
import { ContactStateSection, InboxList, InboxPage, IntegrationPage, IntegrationSection, LiveChatModeSection, type InboxView } from "../../../views/pages/livechat";
import { liveChatWarning } from "../../../views/format";

export interface LiveChatPagesDeps {
  accounts: Accounts;
  clock: Clock;
  bots: Bots;
  contacts: Contacts;
  deliveries: Deliveries;
  deliveryViews: DeliveryViews;
  integration: Integration;
  relay: Relay;
  publicUrl: () => string;
}

export function liveChatPages({ accounts, clock, bots, contacts, deliveries, deliveryViews, integration, relay, publicUrl }: LiveChatPagesDeps) {
  const relays = () => deliveryViews.list({ kind: "relay" });
  const state = (userNs: string, error?: string) => {
    const { contact, bot } = contacts.get(userNs);
    return ContactStateSection({ contact, now: clock.now(), warning: liveChatWarning(bot, integration.get()), error });
  };
  const inbox = (): InboxView => {
    const target = integration.get();
    let warning: string | null = null;
    const paused = contacts.paused(200).map((c) => {
      const bot = bots.getById(c.bot_id)!;
      const off = liveChatWarning(bot, target);
      warning ??= off;
      const relayedTo = bot.live_chat !== "webhook" ? "nowhere: this bot's live chat is off" : off ? "nowhere: the integration is off" : "your live-chat platform";
      return { ...c, flow_ns: bot.flow_ns, bot_name: bot.name, relayed_to: relayedTo };
    });
    return { contacts: paused, now: clock.now(), warning };
  };
  const modeSection = (bot: Bot, error?: string) => LiveChatModeSection({ bot, warning: liveChatWarning(bot, integration.get()), error });

  return new Elysia({ name: "admin-livechat-pages", prefix: "/admin" })
    .use(sessionGuard({ accounts, publicUrl }))
    .get("/inbox", ({ session }) => html(InboxPage({ csrf: session!.csrf_token, nav: session!.nav, view: inbox() })))
    .get("/inbox/list", () => html(InboxList(inbox())))
    .get("/integration", ({ session }) => html(IntegrationPage({ csrf: session!.csrf_token, nav: session!.nav, integration: integration.get(), relays: relays(), now: clock.now() })))
    .post("/integration", ({ body }) => {
      const form = formOf(body);
      return section(() => {
        const headers = parseHeaderLines(String(form.headers ?? ""), "invalid_integration");
        const saved = integration.put({ url: form.url ?? null, headers, secret: form.secret?.trim() || undefined, enabled: form.enabled === "1" });
        return IntegrationSection({ integration: saved, saved: true, now: clock.now() });
      }, (error) => IntegrationSection({ integration: integration.get(), error, now: clock.now() }));
    })
    .post("/integration/rotate-secret", () =>
      section(() => {
        const { integration: rotated, secret } = integration.rotateSecret(DEFAULT_OVERLAP_HOURS);
        return IntegrationSection({ integration: rotated, newSecret: secret, now: clock.now() });
      }, (error) => IntegrationSection({ integration: integration.get(), error, now: clock.now() })),
    )
    .post("/integration/test", () => {
      if (!integration.get().url) throw errors.integrationNotConfigured();
      const delivery = deliveries.get(relay.sendTestEvent());
      return html(IntegrationSection({ integration: integration.get(), testDelivery: { delivery, attempts: [] }, now: clock.now() }));
    })
    .get("/integration/test/:id", ({ params }) => {
      const delivery = deliveries.get(params.id);
      return html(IntegrationSection({ integration: integration.get(), testDelivery: { delivery, attempts: deliveries.attempts(delivery) }, now: clock.now() }));
    })
    .get("/contacts/:user_ns/state", ({ params }) => html(state(params.user_ns)))
    .post("/contacts/:user_ns/pause", ({ params, body }) => {
      const minutes = Number(formOf(body).minutes || 0);
      return section(() => {
        if (!Number.isInteger(minutes) || minutes < 0) throw errors.validation("Minutes is a whole number.");
        contacts.pause(params.user_ns, minutes > 0 ? minutes : null);
        return state(params.user_ns);
      }, (error) => state(params.user_ns, error));
    })
    .post("/contacts/:user_ns/resume", ({ params }) => {
      contacts.resume(params.user_ns);
      return html(state(params.user_ns));
    })
    .post("/contacts/:user_ns/assign", ({ params, body, session }) => {
      const form = formOf(body);
      const raw = form.agent_id?.trim();
      return section(() => {
        // "Assign to me": the signed-in user, by id and name; otherwise an agent id of the platform's.
        if (form.me === "1") {
          const me = accounts.user(session!.admin_id)!;
          contacts.assignAgent(params.user_ns, me.id, me.username);
          return state(params.user_ns);
        }
        const agentId = raw ? Number(raw) : null;
        if (agentId !== null && (!Number.isInteger(agentId) || agentId < 1)) throw errors.validation("An agent id is a whole number from 1.");
        contacts.assignAgent(params.user_ns, agentId);
        return state(params.user_ns);
      }, (error) => state(params.user_ns, error));
    })
    .post("/bots/:flow_ns/live-chat", ({ params, body }) => {
      const mode = formOf(body).live_chat;
      return section(() => {
        if (mode !== "none" && mode !== "webhook") throw errors.validation("Live chat is none or webhook.");
        return modeSection(bots.update(params.flow_ns, { live_chat: mode }));
      }, (error) => modeSection(bots.get(params.flow_ns), error));
    });
}
