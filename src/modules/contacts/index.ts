// HTTP routes for contacts: /api/v1/bots/{flow_ns}/contacts and /api/v1/contacts/{user_ns}.
import { Elysia, t } from "elysia";
import type { Bots } from "../bots/service";
import { scopedBot } from "../bots/index";
import { errors } from "../../http/errors";
import { documented, numericId, oneOf } from "../../http/schema";
import type { BearerAuth } from "../tokens/index";
import type { TokenScope } from "../tokens/scope";
import { contactJson, createContactBody, importJson as importJsonSchema, listContactsQuery, updateContactBody } from "./model";
import { contactToJson, type Contacts } from "./service";
import type { CsvExport } from "./csv-export";
import { CONTACT_TARGETS, EXISTING, MATCH_BY, MAX_IMPORT_BYTES, type CsvImports } from "./csv-import";
import { readBodyCapped, tooLarge } from "../../http/body";

/** The CSV answer: a download named after the bot. */
export const csvResponse = (stream: ReadableStream<Uint8Array>, flowNs: string) =>
  new Response(stream, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="contacts-${flowNs}.csv"` } });

/** The contact with its bot, when the token reaches that bot (another bot's reads as not found). */
export function scopedContact(contacts: Contacts, scope: TokenScope, userNs: string): ReturnType<Contacts["get"]> {
  const found = contacts.get(userNs);
  scope.owns(found.bot.id, () => errors.notFound("contact", userNs));
  return found;
}

const importParams = t.Object({ id: numericId("id") });

export function contactsApi({ auth, bots, contacts, csvExport, csvImports }: { auth: BearerAuth; bots: Bots; contacts: Contacts; csvExport: CsvExport; csvImports: CsvImports }) {
  /** The import, when the token reaches its bot (another bot's reads as not found). */
  const scopedImport = (scope: TokenScope, id: number) => {
    const found = csvImports.get(id);
    scope.owns(found.bot.id, () => errors.notFound("contact import", String(id)));
    return found;
  };
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
    .get("/bots/:flow_ns/contacts/export", ({ params, query, scope }) => {
      const bot = scopedBot(bots, scope, params.flow_ns);
      return csvResponse(csvExport.stream(bot, query.q || undefined), bot.flow_ns);
    }, {
      query: t.Object({ q: t.Optional(t.String({ maxLength: 200, description: "Only the contacts this search finds (as the contact list's q)" })) }),
      detail: {
        summary: "A bot's contacts as CSV, streamed: user_ns, names, phone, email, gender, tags (joined with '; '), times, then every custom field",
        responses: { 200: { description: "CSV with a header row", content: { "text/csv": { schema: { type: "string" } } } } },
      },
    })
    .post("/bots/:flow_ns/contact-imports", async ({ params, query, request, set, scope }) => {
      const bot = scopedBot(bots, scope, params.flow_ns);
      const read = await readBodyCapped(request, MAX_IMPORT_BYTES);
      if (!read.ok) throw errors.body(tooLarge(MAX_IMPORT_BYTES));
      const job = await csvImports.upload(bot, query.file_name ?? "contacts.csv", read.bytes);
      set.status = 201;
      return job;
    }, {
      parse: "none",
      query: t.Object({ file_name: t.Optional(t.String({ maxLength: 200 })) }),
      detail: {
        summary: "Upload a CSV of contacts (at most 100 MiB, a header row first): answers its columns, row count, first rows and a suggested mapping",
        requestBody: { required: true, content: { "text/csv": { schema: { type: "string" } } } },
        responses: documented({ 201: importJsonSchema }),
      } as never,
    })
    .get("/bots/:flow_ns/contact-imports", ({ params, scope }) => ({ data: csvImports.list(scopedBot(bots, scope, params.flow_ns)) }), {
      detail: { summary: "A bot's contact imports, newest first (the last 20)", responses: documented({ 200: t.Object({ data: t.Array(importJsonSchema) }) }) },
    })
    .get("/contact-imports/:id", ({ params, scope }) => scopedImport(scope, params.id).job, {
      params: importParams,
      detail: { summary: "A contact import: its mapping, progress and report", responses: documented({ 200: importJsonSchema }) },
    })
    .patch("/contact-imports/:id", ({ params, body, scope }) => csvImports.configure(scopedImport(scope, params.id).job.id, body), {
      params: importParams,
      body: t.Object({
        mapping: t.Optional(t.Record(t.String(), t.Nullable(t.String()), { description: `Column name → ${CONTACT_TARGETS.join(", ")}, a custom field's name, or null to leave the column out` })),
        match_by: t.Optional(oneOf(MATCH_BY, { description: "How a row finds its contact: auto is user_ns, then phone, then email" })),
        existing: t.Optional(oneOf(EXISTING, { description: "What to do with a row whose contact exists" })),
      }),
      detail: { summary: "Set an import's mapping and matching (a dry run's report is then stale)", responses: documented({ 200: importJsonSchema }, { 409: "The import is running (`import_running`) or done (`import_finished`)." }) },
    })
    .post("/contact-imports/:id/dry-run", ({ params, set, scope }) => {
      const job = csvImports.start(scopedImport(scope, params.id).job.id, { dryRun: true, skipInvalid: false });
      set.status = 202;
      return job;
    }, {
      params: importParams,
      detail: { summary: "Check the file without writing: what would be created, updated, skipped and refused, line by line (in the background)", responses: documented({ 202: importJsonSchema }, { 409: "The import is running (`import_running`) or done (`import_finished`)." }) },
    })
    .post("/contact-imports/:id/run", ({ params, body, set, scope }) => {
      const job = csvImports.start(scopedImport(scope, params.id).job.id, { dryRun: false, skipInvalid: body?.skip_invalid === true });
      set.status = 202;
      return job;
    }, {
      params: importParams,
      body: t.Optional(t.Object({ skip_invalid: t.Optional(t.Boolean({ description: "Import the valid rows and report the refused ones; without it, an import with a refused row writes nothing (state refused)" })) })),
      detail: { summary: "Import the file (in the background; progress in the import)", responses: documented({ 202: importJsonSchema }, { 409: "The import is running (`import_running`) or done (`import_finished`)." }) },
    })
    .delete("/contact-imports/:id", ({ params, set, scope }) => {
      csvImports.remove(scopedImport(scope, params.id).job.id);
      set.status = 204;
    }, { params: importParams, detail: { summary: "Delete an import and its uploaded file (contacts it wrote stay)", responses: documented({ 204: null }) } })
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
