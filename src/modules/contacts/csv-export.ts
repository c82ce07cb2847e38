// A bot's contacts as CSV (all, or those a search finds), streamed: each read of the stream
// fetches the next page of contacts and their field values, so a million contacts go out in the
// memory of one page. Columns: the contact's own, then every custom field by name. Tags are
// joined with "; " (the import splits them the same way).
import type { Database } from "bun:sqlite";
import type { Bot } from "../bots/service";
import type { Fields } from "../fields/service";
import type { Contact, Contacts } from "./service";
import { SQL } from "./repo";

const PAGE = 1000;
export const CONTACT_COLUMNS = ["user_ns", "first_name", "last_name", "phone", "email", "gender", "tags", "created_at", "updated_at"] as const;

/** A field value as a cell: text as it is, JSON values as JSON, nothing as empty. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function createCsvExport({ db, contacts, fields }: { db: Database; contacts: Contacts; fields: Fields }) {
  const valuesOfMany = db.query<{ contact_id: number; name: string; value: string }, [string]>(SQL.SELECT_FIELD_VALUES_OF_MANY);

  function rows(page: Contact[], fieldNames: string[]): string[][] {
    const values = new Map<number, Map<string, unknown>>();
    for (const row of valuesOfMany.all(JSON.stringify(page.map((c) => c.id)))) {
      let forContact = values.get(row.contact_id);
      if (!forContact) values.set(row.contact_id, (forContact = new Map()));
      forContact.set(row.name, JSON.parse(row.value));
    }
    return page.map((c) => [
      c.user_ns,
      c.first_name ?? "",
      c.last_name ?? "",
      c.phone ?? "",
      c.email ?? "",
      c.gender ?? "",
      (JSON.parse(c.tags) as string[]).join("; "),
      new Date(c.created_at).toISOString(),
      new Date(c.updated_at).toISOString(),
      ...fieldNames.map((name) => cell(values.get(c.id)?.get(name))),
    ]);
  }

  return {
    /** The CSV, newest contact first; `q` narrows it as the contact search does. */
    stream(bot: Bot, q?: string): ReadableStream<Uint8Array> {
      const fieldNames = fields.list(bot.id).map((field) => field.name);
      const encoder = new TextEncoder();
      let cursor: string | undefined;
      let started = false;
      return new ReadableStream<Uint8Array>({
        // The CSV library is loaded on the first export, not at every start.
        async pull(controller) {
          const { stringify } = await import("csv-stringify/sync");
          if (!started) {
            started = true;
            controller.enqueue(encoder.encode(stringify([[...CONTACT_COLUMNS, ...fieldNames]])));
            return;
          }
          const page = contacts.list(bot, { q, cursor, limit: PAGE });
          if (page.data.length > 0) controller.enqueue(encoder.encode(stringify(rows(page.data, fieldNames))));
          if (page.next_cursor === null) controller.close();
          else cursor = page.next_cursor;
        },
      }, { highWaterMark: 1 });
    },
  };
}

export type CsvExport = ReturnType<typeof createCsvExport>;
