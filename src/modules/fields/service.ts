// Custom fields: per-bot named, typed slots on contacts.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { FIELD_TYPES, type FieldType } from "../../lib/coerce";
import { errors } from "../../http/errors";
import type { CreateFieldBody } from "./model";
import { SQL } from "./repo";

export interface CustomField {
  id: number;
  bot_id: number;
  name: string;
  type: FieldType;
  created_at: number;
}

/** Names a mapping can write besides custom fields; a custom field may not shadow them. */
export const SYSTEM_FIELDS = ["first_name", "last_name", "email", "phone"] as const;

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;


export function createFields({ db, clock }: { db: Database; clock: Clock }) {
  const insert = db.query<CustomField, [number, string, string, number]>(SQL.INSERT_FIELD);
  const selectAll = db.query<CustomField, [number]>(SQL.SELECT_FIELDS);
  const selectByName = db.query<CustomField, [number, string]>(SQL.SELECT_FIELD_BY_NAME);
  const remove = db.query(SQL.DELETE_FIELD);
  // Every inbound request reads its bot's fields: keep them, and forget on every change.
  const cache = new Map<number, Map<string, CustomField>>();

  return {
    /** Another instance changed what this keeps in memory (several instances on PostgreSQL). */
    forgetCached(): void {
      cache.clear();
    },
    /** Checked here, whatever the caller (API, admin, a mapping that creates its field). */
    create(botId: number, input: CreateFieldBody): CustomField {
      const name = input.name.trim();
      if (!FIELD_NAME.test(name)) throw errors.validation("A field name is letters, digits and _, starting with a letter (at most 64).");
      if (!(FIELD_TYPES as readonly string[]).includes(input.type)) throw errors.validation(`Choose a field type: ${FIELD_TYPES.join(", ")}.`);
      if ((SYSTEM_FIELDS as readonly string[]).includes(name.toLowerCase()) || selectByName.get(botId, name)) {
        throw errors.fieldExists(name);
      }
      cache.delete(botId);
      return insert.get(botId, name, input.type, clock.now())!;
    },
    list: (botId: number): CustomField[] => selectAll.all(botId),
    byName(botId: number): Map<string, CustomField> {
      let fields = cache.get(botId);
      if (!fields) {
        fields = new Map(selectAll.all(botId).map((f) => [f.name, f]));
        cache.set(botId, fields);
      }
      return fields;
    },
    remove(botId: number, id: number): void {
      cache.delete(botId);
      if (remove.run(botId, id).changes === 0) throw errors.notFound("custom field", String(id));
    },
    /** A deleted bot's id may be given to a new bot: its cached fields must go. */
    forget(botId: number): void {
      cache.delete(botId);
    },
  };
}

export type Fields = ReturnType<typeof createFields>;

export const fieldToJson = (field: CustomField) => ({ id: field.id, name: field.name, type: field.type });
