/** @jsxImportSource @kitajs/html */
// Admin routes for a bot's channel provider and a contact's conversation.
import { DEFAULT_OVERLAP_HOURS } from "../../lib/secret-rotation";
import type { Clock } from "../../lib/clock";
import { Elysia } from "elysia";
import type { Database } from "bun:sqlite";
import { errors } from "../../http/errors";
import type { Bot, Bots } from "../bots/service";
import { inboundPath, PROVIDER_NAMES } from "../channels/providers";
import type { Channels } from "../channels/service";
import type { Contacts } from "../contacts/service";
import type { Messages } from "../messages/service";
import type { Deliveries } from "../deliveries/service";
import type { Accounts } from "./accounts";
import { formOf, html, parseHeaderLines, section, sessionGuard, type Form } from "./http";
import { ChannelSection, ConversationSection, MessageList } from "../../../views/partials/channel";

export interface MessagingPagesDeps {
  db: Database;
  clock: Clock;
  accounts: Accounts;
  bots: Bots;
  contacts: Contacts;
  messages: Messages;
  deliveries: Deliveries;
  channels: Channels;
  publicUrl: () => string;
}

export const inboundUrlOf = (bot: Bot, publicUrl: string) => {
  const path = inboundPath(bot.provider, bot.channel_token);
  return path ? `${publicUrl}${path}` : null;
};

/** The provider settings a form describes; empty secret inputs keep what is saved. */
function providerSettingsFrom(form: Form): { provider: string; settings: Record<string, unknown> } {
  const provider = String(form.provider ?? "");
  if (!(PROVIDER_NAMES as readonly string[]).includes(provider)) throw errors.validation(`Choose a provider: ${PROVIDER_NAMES.join(", ")}.`);
  const optional = (key: string) => form[key]?.trim() || undefined;
  if (provider === "http") {
    const headers = Object.fromEntries(parseHeaderLines(String(form.headers ?? ""), "invalid_provider_settings").map((h) => [h.name, h.value]));
    return { provider, settings: { url: form.url?.trim(), headers, secret: optional("secret") } };
  }
  if (provider === "twilio") {
    return {
      provider,
      settings: {
        account_sid: form.account_sid?.trim(),
        auth_token: optional("auth_token"),
        from: optional("from"),
        messaging_service_sid: optional("messaging_service_sid"),
        base_url: optional("base_url"),
      },
    };
  }
  return { provider, settings: {} };
}

export function messagingPages({ db, clock, accounts, bots, contacts, messages, deliveries, channels, publicUrl }: MessagingPagesDeps) {
  const conversationOf = (userNs: string) => {
    const { contact, bot } = contacts.get(userNs);
    const recent = messages.recent(contact.id, 100);
    return { bot, contact, messages: recent, relays: deliveries.forMessages("relay", recent.map((m) => m.id)) };
  };
  const conversation = (userNs: string, error?: string) => ConversationSection({ ...conversationOf(userNs), error });

  return new Elysia({ name: "admin-messaging-pages", prefix: "/admin" })
    .use(sessionGuard({ accounts, publicUrl }))
    .post("/bots/:flow_ns/channel", ({ params, body }) => {
      const form = formOf(body);
      const render = (bot: Bot, error?: string, saved?: boolean) => ChannelSection({ bot, inboundUrl: inboundUrlOf(bot, publicUrl()), typed: error ? form : undefined, error, saved, now: clock.now() });
      return section(() => {
        const { provider, settings } = providerSettingsFrom(form);
        return render(bots.update(params.flow_ns, { provider: provider as never, provider_settings: settings }), undefined, true);
      }, (error) => render(bots.get(params.flow_ns), error));
    })
    .post("/bots/:flow_ns/channel/rotate-secret", ({ params }) => {
      const render = (bot: Bot, extra: { error?: string; newSecret?: string }) => ChannelSection({ bot, inboundUrl: inboundUrlOf(bot, publicUrl()), now: clock.now(), ...extra });
      return section(() => {
        const { bot, secret } = bots.rotateChannelSecret(params.flow_ns, DEFAULT_OVERLAP_HOURS);
        return render(bot, { newSecret: secret });
      }, (error) => render(bots.get(params.flow_ns), { error }));
    })
    .get("/contacts/:user_ns/messages", ({ params }) => html(MessageList(conversationOf(params.user_ns))))
    .post("/contacts/:user_ns/send", ({ params, body, session }) => {
      const text = String(formOf(body).text ?? "").trim();
      return section(() => {
        if (!text) throw errors.validation("Type a message first.");
        const { contact, bot } = contacts.get(params.user_ns);
        // The reply is the signed-in user's: it carries their id and name, and a conversation
        // nobody has yet is theirs from now on (the relay then names them as its agent).
        const agent = accounts.user(session!.admin_id)!;
        db.transaction(() => {
          if (contact.assigned_agent_id === null) contacts.assignAgent(contact.user_ns, agent.id, agent.username);
          channels.sendOut(bot, contact, { msgType: "text", content: text, payload: { text }, agentId: agent.id, agentName: agent.username });
        }).immediate();
        return conversation(params.user_ns);
      }, (error) => conversation(params.user_ns, error));
    })
    .post("/contacts/:user_ns/receive", ({ params, body }) => {
      const text = String(formOf(body).text ?? "").trim();
      return section(() => {
        if (!text) throw errors.validation("Type a message first.");
        const { contact, bot } = contacts.get(params.user_ns);
        if (bot.provider !== "test") throw errors.validation("Only bots on the test provider can receive typed messages.");
        db.transaction(() => channels.receiveIn(bot, { from: contact.user_ns, text })).immediate();
        return conversation(params.user_ns);
      }, (error) => conversation(params.user_ns, error));
    });
}
