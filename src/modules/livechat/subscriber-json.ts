// What the UChat-style API (/api/…) answers, in the shapes UChat's own API description gives
// (BotUser, Tag, UserField, ChatMsg, SubFlow), beside the fields this server has always sent,
// with their schemas for the OpenAPI document and the page-number paging UChat clients use.
import { t, type TSchema } from "elysia";
import { PAUSED_FOREVER, type Contact } from "../contacts/service";
import { tagNs, tagToJson, type Tag } from "../contacts/tags";
import type { CustomField } from "../fields/service";
import type { Bot } from "../bots/service";
import { messageToJson, type Message } from "../messages/service";

const iso = (ms: number) => new Date(ms).toISOString();
/** UChat's date-time: `YYYY-MM-DD HH:mm:ss`, UTC. */
export const uchatTime = (ms: number) => iso(ms).slice(0, 19).replace("T", " ");

export const ok = <T>(data: T) => ({ status: "ok" as const, data });

/**
 * The contact's id in its channel, as UChat gives it: the phone number's digits (as WhatsApp
 * and SMS ids are), else the email. get-info-by-user-id finds the contact by it.
 */
export const userIdOf = (contact: Contact) => (contact.phone ? contact.phone.slice(1) : contact.email);

export interface SubscriberView {
  fields: CustomField[];
  /** The bot's tags by name (tag_ns for each of the contact's tags). */
  tags: Map<string, Tag>;
  values: Record<string, unknown>;
}

export function subscriberJson(contact: Contact, bot: Bot, view: SubscriberView) {
  const tagNames = JSON.parse(contact.tags) as string[];
  return {
    user_ns: contact.user_ns,
    user_id: userIdOf(contact),
    flow_ns: bot.flow_ns,
    name: [contact.first_name, contact.last_name].filter(Boolean).join(" "),
    first_name: contact.first_name,
    last_name: contact.last_name,
    gender: contact.gender,
    phone: contact.phone,
    email: contact.email,
    subscribed: uchatTime(contact.created_at),
    tags: tagNames.map((name) => {
      const tag = view.tags.get(name);
      return { name, tag_ns: tag ? tagNs(tag) : "" };
    }),
    user_fields: view.fields.map((field) => ({ var_ns: `v${field.id}`, name: field.name, type: field.type, var_type: field.type, value: view.values[field.name] ?? null })),
    fields: view.values,
    paused_until: contact.paused_until === null ? null : contact.paused_until >= PAUSED_FOREVER ? "forever" : iso(contact.paused_until),
    assigned_agent_id: contact.assigned_agent_id,
    assigned_agent_name: contact.assigned_agent_name,
    created_at: iso(contact.created_at),
    updated_at: iso(contact.updated_at),
  };
}

/** The v1 message with what UChat's ChatMsg adds: the numeric id, who sent it, and when in seconds. */
export function chatMessageJson(message: Message, contact: Contact, bot: Bot) {
  return {
    id: message.id,
    ...messageToJson(message),
    // Who sent it: the contact (in), else the bot (out; agent_id names a human agent).
    sender_id: message.direction === "in" ? contact.user_ns : bot.flow_ns,
    ts: Math.floor(message.created_at / 1000),
  };
}

export { tagToJson };

// ---- Schemas (the OpenAPI document's; the routes answer through the functions above) ----

const nullableString = t.Nullable(t.String());
export const TagSchema = t.Object({ name: t.String(), tag_ns: t.String({ description: "`t` + the tag's id" }) }, { title: "Tag" });
export const UserFieldSchema = t.Object({
  var_ns: t.String({ description: "`v` + the field's id" }),
  name: t.String(),
  type: t.String(),
  var_type: t.String({ description: "The same as type, as UChat names it" }),
  value: t.Any({ description: "The stored value in the field's type; null when not set" }),
}, { title: "UserField" });
export const FieldDefinitionSchema = t.Object({ var_ns: t.String(), name: t.String(), var_type: t.String() }, { title: "FieldDefinition" });
export const SubscriberSchema = t.Object({
  user_ns: t.String(),
  user_id: t.Nullable(t.String({ description: "The phone's digits, else the email" })),
  flow_ns: t.String(),
  name: t.String({ description: "first_name and last_name joined" }),
  first_name: nullableString,
  last_name: nullableString,
  gender: t.Nullable(t.UnionEnum(["male", "female"])),
  phone: nullableString,
  email: nullableString,
  subscribed: t.String({ description: "When the contact was created, YYYY-MM-DD HH:mm:ss UTC" }),
  tags: t.Array(TagSchema),
  user_fields: t.Array(UserFieldSchema),
  fields: t.Record(t.String(), t.Any(), { description: "Set custom field values by name" }),
  paused_until: t.Nullable(t.String({ description: "ISO 8601, or \"forever\"" })),
  assigned_agent_id: t.Nullable(t.Integer()),
  assigned_agent_name: t.Nullable(t.String()),
  created_at: t.String(),
  updated_at: t.String(),
}, { title: "Subscriber" });
export const ChatMessageSchema = t.Object({
  id: t.Integer(),
  _id: t.String(),
  mid: nullableString,
  type: t.UnionEnum(["in", "out"]),
  msg_type: t.String(),
  content: t.String(),
  payload: t.Record(t.String(), t.Any()),
  sender_id: t.String({ description: "The contact's user_ns (in) or the bot's flow_ns (out)" }),
  agent_id: t.Integer(),
  agent_name: t.Nullable(t.String({ description: "The admin user who sent it from the Inbox; null for the bot or an API client" })),
  ts: t.Integer({ description: "Seconds since the epoch" }),
  delivery_state: t.String(),
  error_code: nullableString,
  created_at: t.String(),
}, { title: "ChatMessage" });
export const SubFlowSchema = t.Object({ name: t.String(), sub_flow_ns: t.String() }, { title: "SubFlow" });
export const PageMetaSchema = t.Object({
  current_page: t.Integer(),
  per_page: t.Integer(),
  total: t.Integer(),
  last_page: t.Integer(),
});

export const okSchema = (data: TSchema) => t.Object({ status: t.Literal("ok"), data });
export const okListSchema = (item: TSchema, meta: TSchema = PageMetaSchema) => t.Object({ status: t.Literal("ok"), data: t.Array(item), meta });

// ---- Page-number paging ----

/** `page` of a UChat-style list: a whole number from 1 to 1000. */
export const pageNumber = () => t.Optional(t.Numeric({ minimum: 1, maximum: 1000, multipleOf: 1, error: "query parameter 'page' must be a whole number from 1 to 1000" }));

export interface PageQuery {
  page?: number;
  limit?: number;
  name?: string;
}

export const pageMeta = (page: number, perPage: number, total: number) => ({ current_page: page, per_page: perPage, total, last_page: Math.max(1, Math.ceil(total / perPage)) });

/** One page of a short list held in memory (a bot's tags, fields, sub-flows); all without page or limit. */
export function pageSlice<T>(items: T[], query: PageQuery, nameOf: (item: T) => string) {
  const needle = query.name?.trim().toLowerCase();
  const matching = needle ? items.filter((item) => nameOf(item).toLowerCase().includes(needle)) : items;
  const perPage = query.limit ?? (query.page === undefined ? Math.max(1, matching.length) : 100);
  const page = query.page ?? 1;
  return { data: matching.slice((page - 1) * perPage, page * perPage), meta: pageMeta(page, perPage, matching.length) };
}
