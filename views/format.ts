// Small formatting shared by the views.
import type { Contact } from "../src/modules/contacts/service";
import { withoutCredentials } from "../src/lib/write-only";
import type { Bot } from "../src/modules/bots/service";
import type { Delivery } from "../src/modules/deliveries/service";
import type { IntegrationWebhook } from "../src/modules/livechat/integration";
import type { Message } from "../src/modules/messages/service";

/**
 * Why a bot set to relay live chat relays nothing, or null when it does (or is not set to):
 * shown on the bot, the Inbox and each paused conversation.
 */
export function liveChatWarning(bot: Pick<Bot, "live_chat">, integration: Pick<IntegrationWebhook, "url" | "enabled">): string | null {
  if (bot.live_chat !== "webhook") return null;
  const why = !integration.url ? "is not set up" : !integration.enabled ? "is turned off" : null;
  return why && `Live chat goes to the integration webhook, which ${why}: paused contacts' messages are stored here and not relayed.`;
}

/** What became of a contact's message on its way to the live-chat platform, or null. */
export function relayNote(message: Pick<Message, "direction" | "relay">, delivery: Pick<Delivery, "state" | "last_error" | "last_status"> | undefined): { text: string; state: string } | null {
  if (message.direction !== "in" || message.relay === null) return null;
  if (message.relay === "integration_off") return { text: "not relayed: integration off", state: "off" };
  if (!delivery) return { text: "relay: queued", state: "pending" };
  if (delivery.state === "succeeded") return { text: "relayed", state: "succeeded" };
  if (delivery.state === "failed") return { text: `relay failed: ${delivery.last_error ?? (delivery.last_status ? `HTTP ${delivery.last_status}` : "no answer")}`, state: "failed" };
  const retrying = delivery.last_error ?? (delivery.last_status ? `HTTP ${delivery.last_status}` : null);
  return { text: retrying ? `relay: queued, retrying (${retrying})` : "relay: queued", state: "pending" };
}

/** A delivery's request line; a user name or password in its URL is masked. */
export const requestLine = (d: { method: string; target_url: string | null }) => (d.target_url ? `${d.method} ${withoutCredentials(d.target_url)}` : "—");

/** `YYYY-MM-DD HH:mm:ss` in UTC. */
export const utc = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

/** A custom field's value as a person reads it: text as written, yes/no, JSON only for json. */
export function fieldValueText(value: unknown, type: string): string {
  if (value === null || value === undefined) return "—";
  if (type === "boolean") return value ? "yes" : "no";
  if (type === "json" || typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** What to call a contact: their name, else phone, email or user_ns. */
export const contactName = (c: Pick<Contact, "first_name" | "last_name" | "phone" | "email" | "user_ns">) =>
  [c.first_name, c.last_name].filter(Boolean).join(" ") || c.phone || c.email || c.user_ns;
