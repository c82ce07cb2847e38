// HTTP routes for contacts: /api/v1/bots/{flow_ns}/contacts and /api/v1/contacts/{user_ns}.
import { Elysia, t } from "elysia";
import type { Bots } from "../bots/service";
import { scopedBot } from "../bots/index";
import { errors } from "../../http/errors";
import { documented } from "../../http/schema";
import type { BearerAuth } from "../tokens/index";
import type { TokenScope } from "../tokens/scope";
import { contactJson, createContactBody, listContactsQuery, updateContactBody } from "./model";
import { contactToJson, type Contacts } from "./service";

/** The contact with its bot, when the token reaches that bot (another bot's reads as not found). */
export function scopedContact(contacts: Contacts, scope: TokenScope, userNs: string): ReturnType<Contacts["get"]> {
  const found = contacts.get(userNs);
  scope.owns(found.bot.id, () => errors.notFound("contact", userNs));
  return found;
}

export function contactsApi({ auth, bots, contacts }: { auth: BearerAuth; bots: Bots; contacts: Contacts }) {
  return new Elysia({ name: "contacts-api", detail: { tags: ["Contacts"] } })
    .use(auth)
    .post("/bots/:flow_ns/contacts", ({ params, body, set, scope }) => {
      const bot = scopedBot(bots, scope, params.flow_ns);
      const contact = contacts.create(bot, body);
      set.status = 201;
      return contactToJson(contact, bot, {});
    }, { body: createContactBody, detail: { summary: "Create a contact", responses: documented({ 201: contactJson }, { 409: "The bot has a contact with that phone or email (`contact_exists`)." }) } })
    .get("/bots/:flow_ns/contacts", ({ params, query, scope }) => {
      const bot = scopedBot(bots, scope, params.flow_ns);
      const page = contacts.list(bot, query);
      return { data: page.data.map((c) => contactToJson(c, bot, contacts.fieldValues(c.id))), next_cursor: page.next_cursor };
    }, {
      query: listContactsQuery,
      detail: { summary: "Find or list a bot's contacts, newest first", responses: documented({ 200: t.Object({ data: t.Array(contactJson), next_cursor: t.Nullable(t.String()) }) }) },
    })
    .get("/contacts/:user_ns", ({ params, scope }) => {
      const { contact, bot } = scopedContact(contacts, scope, params.user_ns);
      return contactToJson(contact, bot, contacts.fieldValues(contact.id));
    }, { detail: { summary: "Get a contact", responses: documented({ 200: contactJson }) } })
    .patch("/contacts/:user_ns", ({ params, body, scope }) => {
      scopedContact(contacts, scope, params.user_ns);
      const { contact, bot } = contacts.update(params.user_ns, body);
      return contactToJson(contact, bot, contacts.fieldValues(contact.id));
    }, { body: updateContactBody, detail: { summary: "Set a contact's names, phone, email, tags or field values", responses: documented({ 200: contactJson }, { 409: "Another contact of the bot has that phone or email (`contact_exists`)." }) } });
}
