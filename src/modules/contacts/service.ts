// Contacts (bot users): created, found by user_ns or by phone/email within their bot, changed,
// deleted; they carry tags and custom field values. Finding many is search.ts's job, the
// live-chat state live-state.ts's; this service offers all three as one.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { coerceFieldValue } from "../../lib/coerce";
import { normaliseEmail, normalisePhone } from "../../lib/contact-identity";
import { newUserNs } from "../../lib/ids";
import { PAUSED_FOREVER } from "../../lib/pause";
import { errors } from "../../http/errors";
import type { Publish } from "../live/events";
import type { Bot, Bots } from "../bots/service";
import type { Fields } from "../fields/service";
import type { CreateContactBody, UpdateContactBody } from "./model";
import { SQL, updateColumnsSql } from "./repo";
import { createContactSearch } from "./search";
import { createLiveChatState } from "./live-state";

export interface Contact {
  id: number;
  bot_id: number;
  user_ns: string;
  phone: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  gender: Gender | null;
  tags: string;
  paused_until: number | null;
  assigned_agent_id: number | null;
  /** The assigned agent's name when an admin user (assigned in the admin, or by answering there). */
  assigned_agent_name: string | null;
  created_at: number;
  updated_at: number;
}

export const GENDERS = ["male", "female"] as const;
export type Gender = (typeof GENDERS)[number];

/** What a list of contacts can be narrowed by, besides ListContactsQuery. */
export interface ContactFilters {
  /** Page number (offset paging, as UChat-style clients page); without it, `cursor` pages. */
  page?: number;
  /** Only contacts carrying this tag name. */
  tag?: string;
  /** Only contacts whose custom field has this stored (JSON) value. */
  field?: { id: number; value: string };
}

export { PAUSED_FOREVER } from "../../lib/pause";

/** The live topic of a contact's live-chat state (paused, agent). */
export const contactStateTopic = (contactId: number) => `contact-state-${contactId}`;

export function createContacts({ db, clock, bots, fields, publish = () => {} }: { db: Database; clock: Clock; bots: Bots; fields: Fields; publish?: Publish }) {
  const stateChanged = (contactId: number) => {
    publish(contactStateTopic(contactId));
    publish("inbox");
  };
  const insert = db.query<Contact, [number, string, string | null, string | null, string | null, string | null, string | null, number, number]>(SQL.INSERT_CONTACT);
  const selectByUserNs = db.query<Contact, [string]>(SQL.SELECT_BY_USER_NS);
  const selectManyByUserNs = db.query<Contact, [string]>(SQL.SELECT_MANY_BY_USER_NS);
  const selectByPhone = db.query<Contact, [number, string]>(SQL.SELECT_BY_PHONE);
  const selectByEmail = db.query<Contact, [number, string]>(SQL.SELECT_BY_EMAIL);
  const update = db.query<Contact, [string | null, string | null, string | null, string | null, string | null, string, number, number]>(SQL.UPDATE_CONTACT);
  const selectFieldValues = db.query<{ name: string; value: string }, [number]>(SQL.SELECT_FIELD_VALUES);
  const upsertFieldValue = db.query(SQL.UPSERT_FIELD_VALUE);
  const deleteFieldValue = db.query(SQL.DELETE_FIELD_VALUE);
  const insertRow = db.query<Contact, [number, string, string | null, string | null, string | null, string | null, string, number | null, number, number]>(SQL.INSERT_ROW);
  const selectById = db.query<Contact, [number]>(SQL.SELECT_BY_ID);
  const deleteContact = db.query(SQL.DELETE_CONTACT);

  const search = createContactSearch({ db, phoneOf, emailOf });
  const liveState = createLiveChatState({ db, clock, get, stateChanged });

  function phoneOf(bot: Bot, raw: string): string {
    const phone = normalisePhone(raw, bot.default_country);
    if (!phone.ok) throw errors.invalidPhone(phone.reason);
    return phone.value;
  }

  function emailOf(raw: string): string {
    const email = normaliseEmail(raw);
    if (!email.ok) throw errors.invalidEmail(email.reason);
    return email.value;
  }

  function assertFree(bot: Bot, phone: string | null, email: string | null, self?: number) {
    const byPhone = phone ? selectByPhone.get(bot.id, phone) : null;
    if (byPhone && byPhone.id !== self) throw errors.contactExists("phone");
    const byEmail = email ? selectByEmail.get(bot.id, email) : null;
    if (byEmail && byEmail.id !== self) throw errors.contactExists("email");
  }

  function get(userNs: string): { contact: Contact; bot: Bot } {
    const contact = selectByUserNs.get(userNs);
    const bot = contact && bots.getById(contact.bot_id);
    if (!contact || !bot) throw errors.notFound("contact", userNs);
    return { contact, bot };
  }

  function fieldValues(contactId: number): Record<string, unknown> {
    return Object.fromEntries(selectFieldValues.all(contactId).map((row) => [row.name, JSON.parse(row.value)]));
  }

  return {
    get,
    fieldValues,

    // Building blocks for callers that run their own transaction (the inbound receiver).
    // They trust their input: phone and email already normalised, values already coerced.
    findByUserNs: (botId: number, userNs: string): Contact | null => {
      const contact = selectByUserNs.get(userNs);
      return contact && contact.bot_id === botId ? contact : null;
    },
    findByPhone: (botId: number, phone: string): Contact | null => selectByPhone.get(botId, phone),
    findByEmail: (botId: number, email: string): Contact | null => selectByEmail.get(botId, email),
    reload: (id: number): Contact => selectById.get(id)!,
    /** The contact with this id, or null (deleted since it was noted somewhere). */
    byId: (id: number): Contact | null => selectById.get(id) ?? null,
    /** Several contacts at once, by user_ns (a page of log rows names them). */
    byUserNs(userNsList: string[]): Map<string, Contact> {
      if (userNsList.length === 0) return new Map();
      return new Map(selectManyByUserNs.all(JSON.stringify([...new Set(userNsList)])).map((c) => [c.user_ns, c]));
    },
    insert(bot: Bot, values: { phone: string | null; email: string | null; first_name?: string | null; last_name?: string | null }): Contact {
      const now = clock.now();
      return insert.get(bot.id, newUserNs(), values.phone, values.email, values.first_name ?? null, values.last_name ?? null, null, now, now)!;
    },
    /** A contact not stored yet (id 0), for a caller that inserts it later with insertRow. */
    draft(bot: Bot, values: { phone: string | null; email: string | null }): Contact {
      const now = clock.now();
      return { id: 0, bot_id: bot.id, user_ns: newUserNs(), phone: values.phone, email: values.email, first_name: null, last_name: null, gender: null, tags: "[]", paused_until: null, assigned_agent_id: null, assigned_agent_name: null, created_at: now, updated_at: now };
    },
    insertRow: (c: Contact): Contact => insertRow.get(c.bot_id, c.user_ns, c.phone, c.email, c.first_name, c.last_name, c.tags, c.paused_until, c.created_at, c.updated_at)!,
    /** Writes the named columns of the contact (names come from code, never from input). */
    updateColumns(c: Contact, columns: ("phone" | "email" | "first_name" | "last_name" | "tags" | "paused_until")[]): Contact {
      if (columns.includes("paused_until")) stateChanged(c.id);
      const sql = updateColumnsSql(columns);
      // db.query keeps compiled statements by their text: each combination is prepared once.
      return db.query<Contact, (string | number | null)[]>(sql).get(...columns.map((column) => c[column]), clock.now(), c.id)!;
    },
    setFieldValue(contactId: number, fieldId: number, value: unknown): void {
      if (value === null) deleteFieldValue.run(contactId, fieldId);
      else upsertFieldValue.run(contactId, fieldId, JSON.stringify(value), clock.now());
    },
    ...liveState,
    remove(userNs: string): void {
      deleteContact.run(get(userNs).contact.id);
    },
    create(bot: Bot, input: CreateContactBody): Contact {
      const phone = input.phone?.trim() ? phoneOf(bot, input.phone) : null;
      const email = input.email?.trim() ? emailOf(input.email) : null;
      if (!phone && !email) throw errors.contactIdentifierRequired();
      const now = clock.now();
      return db.transaction(() => {
        assertFree(bot, phone, email);
        return insert.get(bot.id, newUserNs(), phone, email, input.first_name?.trim() || null, input.last_name?.trim() || null, input.gender ?? null, now, now)!;
      }).immediate();
    },

    list: search.list,

    update(userNs: string, patch: UpdateContactBody): { contact: Contact; bot: Bot } {
      const { contact, bot } = get(userNs);
      const phone = patch.phone === undefined ? contact.phone : patch.phone?.trim() ? phoneOf(bot, patch.phone) : null;
      const email = patch.email === undefined ? contact.email : patch.email?.trim() ? emailOf(patch.email) : null;
      if (!phone && !email) throw errors.contactIdentifierRequired();
      // Coerce every value before writing any, so a bad one leaves the contact untouched.
      const byName = patch.fields ? fields.byName(bot.id) : new Map();
      const values = Object.entries(patch.fields ?? {}).map(([name, raw]) => {
        const field = byName.get(name);
        if (!field) throw errors.unknownField(name);
        const coerced = coerceFieldValue(field.type, raw);
        if (!coerced.ok) throw errors.invalidFieldValue(name, coerced.reason);
        return { field, value: coerced.value };
      });
      const tags = patch.tags ? JSON.stringify([...new Set(patch.tags.map((tag) => tag.trim()).filter(Boolean))]) : contact.tags;
      const pick = (value: string | null | undefined, current: string | null) =>
        value === undefined ? current : value?.trim() || null;
      const now = clock.now();
      const updated = db.transaction(() => {
        assertFree(bot, phone, email, contact.id);
        for (const { field, value } of values) {
          if (value === null) deleteFieldValue.run(contact.id, field.id);
          else upsertFieldValue.run(contact.id, field.id, JSON.stringify(value), now);
        }
        const gender = patch.gender === undefined ? contact.gender : patch.gender;
        return update.get(phone, email, pick(patch.first_name, contact.first_name), pick(patch.last_name, contact.last_name), gender, tags, now, contact.id)!;
      }).immediate();
      return { contact: updated, bot };
    },
  };
}

export type Contacts = ReturnType<typeof createContacts>;

export function contactToJson(contact: Contact, bot: Bot, fields: Record<string, unknown>) {
  return {
    user_ns: contact.user_ns,
    flow_ns: bot.flow_ns,
    phone: contact.phone,
    email: contact.email,
    first_name: contact.first_name,
    last_name: contact.last_name,
    gender: contact.gender,
    tags: JSON.parse(contact.tags) as string[],
    fields,
    paused_until:
      contact.paused_until === null ? null : contact.paused_until >= PAUSED_FOREVER ? "forever" : new Date(contact.paused_until).toISOString(),
    assigned_agent_id: contact.assigned_agent_id,
    assigned_agent_name: contact.assigned_agent_name,
    created_at: new Date(contact.created_at).toISOString(),
    updated_at: new Date(contact.updated_at).toISOString(),
  };
}
