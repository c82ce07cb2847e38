import { t } from "elysia";
import { pageLimit } from "../../http/schema";

const name = t.Nullable(t.String({ maxLength: 200 }));
const gender = t.Nullable(t.UnionEnum(["male", "female"], { default: undefined, error: "gender must be male or female" }));

export const createContactBody = t.Object({
  phone: t.Optional(t.String({ maxLength: 50 })),
  email: t.Optional(t.String({ maxLength: 254 })),
  first_name: t.Optional(name),
  last_name: t.Optional(name),
  gender: t.Optional(gender),
});
export type CreateContactBody = typeof createContactBody.static;

export const updateContactBody = t.Object({
  phone: t.Optional(t.Nullable(t.String({ maxLength: 50 }))),
  email: t.Optional(t.Nullable(t.String({ maxLength: 254 }))),
  first_name: t.Optional(name),
  last_name: t.Optional(name),
  gender: t.Optional(gender),
  tags: t.Optional(t.Array(t.String({ minLength: 1, maxLength: 100 }), { maxItems: 200, description: "Replaces the contact's tags." })),
  fields: t.Optional(t.Record(t.String(), t.Any(), { description: "Custom field values by field name; null clears one." })),
});
export type UpdateContactBody = typeof updateContactBody.static;

export const listContactsQuery = t.Object({
  phone: t.Optional(t.String()),
  email: t.Optional(t.String()),
  q: t.Optional(t.String({ maxLength: 200, description: "Matches part of a name, phone, email or the whole user_ns." })),
  limit: pageLimit({ default: 50 }),
  cursor: t.Optional(t.String({ description: "next_cursor from the previous page." })),
});
export type ListContactsQuery = typeof listContactsQuery.static;

export const contactJson = t.Object({
  user_ns: t.String(),
  flow_ns: t.String(),
  phone: t.Nullable(t.String()),
  email: t.Nullable(t.String()),
  first_name: t.Nullable(t.String()),
  last_name: t.Nullable(t.String()),
  gender: t.Nullable(t.UnionEnum(["male", "female"])),
  tags: t.Array(t.String()),
  fields: t.Record(t.String(), t.Any()),
  paused_until: t.Nullable(t.String()),
  assigned_agent_id: t.Nullable(t.Number()),
  assigned_agent_name: t.Nullable(t.String({ description: "The assigned agent's name when an admin user (assigned in the admin, or by answering in its Inbox)" })),
  created_at: t.String(),
  updated_at: t.String(),
});

export const importJson = t.Object({
  id: t.Integer(),
  flow_ns: t.String(),
  file_name: t.String(),
  state: t.UnionEnum(["uploaded", "checking", "checked", "importing", "done", "refused", "failed"], { description: "refused: the import found refused rows and wrote nothing (run it with skip_invalid to import the rest)" }),
  columns: t.Array(t.String()),
  sample: t.Array(t.Array(t.String()), { description: "The first rows, as read" }),
  rows: t.Integer(),
  mapping: t.Record(t.String(), t.Nullable(t.String())),
  match_by: t.String(),
  existing: t.String(),
  progress: t.Object({ processed: t.Integer(), total: t.Integer() }),
  report: t.Nullable(t.Object({
    dry_run: t.Boolean(),
    phase: t.String(),
    created: t.Integer(),
    updated: t.Integer(),
    skipped: t.Integer(),
    refused: t.Integer(),
    problems: t.Array(t.Object({ line: t.Integer({ description: "Line of the file; the header is line 1" }), reason: t.String() }), { description: "The first 100" }),
  })),
  created_at: t.String(),
  updated_at: t.String(),
}, { title: "ContactImport" });
