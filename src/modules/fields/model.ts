import { t } from "elysia";
import { oneOf } from "../../http/schema";
import { FIELD_TYPES } from "../../lib/coerce";

export const createFieldBody = t.Object({
  name: t.String({
    pattern: "^[A-Za-z][A-Za-z0-9_]{0,63}$",
    description: "Letters, digits and _, starting with a letter; used in templates as {{name}}.",
    error: "must be letters, digits and _, starting with a letter (at most 64)",
  }),
  type: oneOf(FIELD_TYPES),
});
export type CreateFieldBody = typeof createFieldBody.static;

export const fieldJson = t.Object({ id: t.Number(), name: t.String(), type: t.String() });
