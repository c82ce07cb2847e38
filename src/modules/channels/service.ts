// Sending as a bot and receiving from contacts, whatever the bot's provider: out messages are
// stored and handed to the provider's delivery (or marked delivered for `test`); in messages
// find or create their contact and are stored.
import type { Clock } from "../../lib/clock";
import { normaliseEmail, normalisePhone } from "../../lib/contact-identity";
import { errors } from "../../http/errors";
import type { Bot } from "../bots/service";
import type { Contact, Contacts } from "../contacts/service";
import type { Deliveries } from "../deliveries/service";
import type { Message, Messages } from "../messages/service";
import { outMessageDelivery } from "./providers";

export const MESSAGE_TYPES = ["text", "image", "file", "audio", "video", "location"] as const;

export interface OutInput {
  msgType: string;
  content: string;
  payload?: Record<string, unknown>;
  agentId?: number | null;
  /** The admin user who sent it from the Inbox (shown in the conversation). */
  agentName?: string | null;
}

export interface InInput {
  from: string;
  text?: string;
  msgType?: string;
  payload?: Record<string, unknown>;
  mid?: string | null;
}

export interface ChannelsDeps {
  clock: Clock;
  /** Where outside services reach this server (a provider's status callbacks). */
  publicUrl?: () => string;
  contacts: Contacts;
  messages: Messages;
  deliveries: Deliveries;
  /** Hears every stored in message, inside its transaction (the live-chat relay). */
  onInMessage?: (bot: Bot, contact: Contact, message: Message) => void;
}

export function createChannels({ contacts, messages, deliveries, onInMessage, publicUrl = () => "" }: ChannelsDeps) {
  return {
    /** Whether the message is one of this bot's contacts'. */
    belongsTo(bot: Bot, message: Message): boolean {
      return contacts.reload(message.contact_id)?.bot_id === bot.id;
    },
    /** Stores an out message and queues its delivery; run inside the caller's transaction. */
    sendOut(bot: Bot, contact: Contact, input: OutInput): Message {
      const message = messages.store(contact.id, { direction: "out", ...input, agentId: input.agentId ?? null, state: "pending" });
      if (bot.provider === "twilio" && !contact.phone) {
        messages.setState(message.id, "failed");
        return { ...message, delivery_state: "failed" };
      }
      const delivery = outMessageDelivery(bot, contact, message, publicUrl());
      if (delivery) {
        deliveries.enqueue(delivery);
        return message;
      }
      // The test provider: nothing leaves the machine, the message counts as delivered.
      messages.setState(message.id, "delivered");
      return { ...message, delivery_state: "delivered" };
    },

    /**
     * A message from a contact. `from` is a user_ns, a phone or an email; a contact who writes
     * first is created (they started the conversation, so any channel may answer).
     */
    receiveIn(bot: Bot, input: InInput): { contact: Contact; message: Message; created: boolean } {
      const from = input.from.trim();
      let contact = contacts.findByUserNs(bot.id, from);
      let created = false;
      if (!contact) {
        const phone = normalisePhone(from, bot.default_country);
        const email = phone.ok ? null : normaliseEmail(from);
        if (!phone.ok && !email?.ok) throw errors.unknownSender(from);
        contact = phone.ok ? contacts.findByPhone(bot.id, phone.value) : email?.ok ? contacts.findByEmail(bot.id, email.value) : null;
        if (!contact) {
          contact = contacts.insert(bot, { phone: phone.ok ? phone.value : null, email: email?.ok ? email.value : null });
          created = true;
        }
      }
      const msgType = input.msgType ?? "text";
      const content = input.text ?? describeContent(msgType, input.payload ?? {});
      const message = messages.store(contact.id, { direction: "in", msgType, content, payload: { ...(input.text !== undefined ? { text: input.text } : {}), ...input.payload }, mid: input.mid ?? null, state: "received" });
      onInMessage?.(bot, contact, message);
      return { contact, message, created };
    },
  };
}

export type Channels = ReturnType<typeof createChannels>;

/** A readable line for messages that are not text (shown in the admin and relays). */
export function describeContent(msgType: string, payload: Record<string, unknown>): string {
  switch (msgType) {
    case "location":
      return `[location] ${payload.latitude ?? "?"},${payload.longitude ?? "?"}`;
    case "text":
      return String(payload.text ?? "");
    default:
      return `[${msgType}] ${typeof payload.url === "string" ? payload.url : ""}`.trim();
  }
}
