// Finding the contact a request is about: user_ns, then phone or email, then creating one
// when the bot's channel may start conversations and the phone is valid (DESIGN.md step 7).
import { normaliseEmail, normalisePhone } from "../../lib/contact-identity";
import { readAt } from "../../lib/json-path";
import { CHANNELS } from "../bots/channels";
import type { Bot } from "../bots/service";
import type { Contact, Contacts } from "../contacts/service";
import type { IdentifyPaths } from "./model";

export type Identification =
  /** `created`: the contact is new and not stored yet (see storeContact). */
  | { ok: true; contact: Contact; created: boolean; notes: string[] }
  | { ok: false; reason: string; notes: string[] };

const present = (value: unknown) => value !== undefined && value !== null && value !== "";

export function identifyContact(bot: Bot, paths: IdentifyPaths, body: unknown, contacts: Contacts): Identification {
  const notes: string[] = [];

  if (paths.user_ns) {
    const userNs = readAt(body, paths.user_ns);
    if (typeof userNs === "string" && userNs) {
      const contact = contacts.findByUserNs(bot.id, userNs);
      if (contact) return { ok: true, contact, created: false, notes };
      notes.push(`user_ns '${userNs}' is not a contact of this bot`);
    }
  }

  const rawPhone = paths.phone ? readAt(body, paths.phone) : undefined;
  const rawEmail = paths.email ? readAt(body, paths.email) : undefined;
  const phone = present(rawPhone) ? normalisePhone(rawPhone, bot.default_country) : null;
  const email = present(rawEmail) ? normaliseEmail(rawEmail) : null;
  if (phone && !phone.ok) notes.push(`phone: ${phone.reason}`);
  if (email && !email.ok) notes.push(`email: ${email.reason}`);

  const byPhone = phone?.ok ? contacts.findByPhone(bot.id, phone.value) : null;
  const byEmail = email?.ok ? contacts.findByEmail(bot.id, email.value) : null;
  if (byPhone && byEmail && byPhone.id !== byEmail.id) {
    notes.push(`phone matches ${byPhone.user_ns} and email matches ${byEmail.user_ns}; the phone wins`);
  }
  const found = byPhone ?? byEmail;
  if (found) return { ok: true, contact: found, created: false, notes };

  if (!CHANNELS[bot.channel].canInitiate) {
    return { ok: false, reason: `no existing contact matched, and a ${bot.channel} bot may not start a conversation with someone new`, notes };
  }
  if (!phone) return { ok: false, reason: paths.phone ? `no existing contact matched and there is no phone at '${paths.phone}' to create one` : "no existing contact matched and no phone path is set to create one", notes };
  if (!phone.ok) return { ok: false, reason: `no existing contact matched and the phone is not valid (${phone.reason})`, notes };

  // Not inserted yet: the caller stores it once, with everything the request sets on it.
  const contact = contacts.draft(bot, { phone: phone.value, email: email?.ok ? email.value : null });
  return { ok: true, contact, created: true, notes };
}
