// The live-chat relay: while a contact's bot is paused (and the bot's live chat is `webhook`
// and the integration is enabled), every message the contact sends is queued to the company's
// platform, in order per contact, with the payload documented on the API docs page.
import type { Clock } from "../../lib/clock";
import type { Bot } from "../bots/service";
import type { Contact, Contacts } from "../contacts/service";
import type { Deliveries } from "../deliveries/service";
import type { Message, Messages } from "../messages/service";
import type { Settings } from "../settings/service";
import type { Integration } from "./integration";

const pad = (n: number) => String(n).padStart(2, "0");
/** `YYYY-MM-DD HH:mm:ss` in UTC. */
export function relayDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function displayName(contact: Contact): string {
  return [contact.first_name, contact.last_name].filter(Boolean).join(" ") || contact.phone || contact.email || contact.user_ns;
}

export function relayPayload(bot: Bot, contact: Contact, message: Message, teamId: number) {
  const agentId = contact.assigned_agent_id ?? 0;
  const payload = JSON.parse(message.payload) as Record<string, unknown>;
  return {
    // agent_name (ours, beside the seed's fields): the assigned agent's name when an admin user.
    meta: { user_ns: contact.user_ns, agent_id: agentId, agent_name: contact.assigned_agent_name, flow_ns: bot.flow_ns, team_id: teamId },
    message: {
      _id: message.public_id,
      mid: message.mid ?? message.public_id,
      type: "in",
      msg_type: message.msg_type,
      sender_id: contact.user_ns,
      agent_id: message.agent_id ?? 0,
      assigned_agent_id: agentId,
      payload: { text: typeof payload.text === "string" ? payload.text : message.content, ...payload },
      content: message.content,
      username: displayName(contact),
      date: relayDate(message.created_at),
      timestamp: message.created_at,
      ts: Math.floor(message.created_at / 1000),
      is_delivered: 1,
      seen: "",
    },
  };
}

export const relayOrderingKey = (contactId: number) => `relay:${contactId}`;

export interface RelayDeps {
  clock: Clock;
  contacts: Contacts;
  messages: Messages;
  deliveries: Deliveries;
  integration: Integration;
  settings: Settings;
}

export function createRelay({ clock, contacts, messages, deliveries, integration, settings }: RelayDeps) {
  return {
    /**
     * Called for every in message, inside the transaction that stored it. The message records
     * what happened: queued to the relay, or held back because the integration is off.
     */
    onInMessage(bot: Bot, contact: Contact, message: Message): boolean {
      const fresh = contacts.reload(contact.id);
      if (bot.live_chat !== "webhook" || fresh.paused_until === null || fresh.paused_until <= clock.now()) return false;
      const target = integration.get();
      if (!target.enabled || !target.url) {
        messages.setRelay(message.id, "integration_off");
        return false;
      }
      messages.setRelay(message.id, "queued");
      deliveries.enqueue({
        kind: "relay",
        orderingKey: relayOrderingKey(contact.id),
        botId: bot.id,
        messageId: message.id,
        targetUrl: target.url,
        headers: { "content-type": "application/json" },
        secretRef: "integration",
        body: JSON.stringify(relayPayload(bot, fresh, message, settings.get().team_id)),
      });
      return true;
    },

    /** Queues a sample payload (Send test event). */
    sendTestEvent(): string {
      const target = integration.get();
      if (!target.url) throw new Error("no url");
      const now = clock.now();
      const sample = {
        meta: { user_ns: "u_test", agent_id: 0, agent_name: null, flow_ns: "f_test", team_id: settings.get().team_id },
        message: {
          _id: "m_test", mid: "m_test", type: "in", msg_type: "text", sender_id: "u_test", agent_id: 0, assigned_agent_id: 0,
          payload: { text: "This is a test event from Switchboard." }, content: "This is a test event from Switchboard.", username: "Test Contact",
          date: relayDate(now), timestamp: now, ts: Math.floor(now / 1000), is_delivered: 1, seen: "",
        },
      };
      return deliveries.enqueue({ kind: "relay", targetUrl: target.url, headers: { "content-type": "application/json" }, secretRef: "integration", body: JSON.stringify(sample) }).public_id;
    },
  };
}

export type Relay = ReturnType<typeof createRelay>;
