// HTTP routes for custom fields: /api/v1/bots/{flow_ns}/fields.
import { Elysia, t } from "elysia";
import type { Bots } from "../bots/service";
import { createFieldBody, fieldJson } from "./model";
import { fieldToJson, type Fields } from "./service";

export function fieldsApi({ bots, fields }: { bots: Bots; fields: Fields }) {
  return new Elysia({ prefix: "/bots/:flow_ns/fields", detail: { tags: ["Custom fields"] } })
    .post("", ({ params, body, set }) => {
      const field = fields.create(bots.get(params.flow_ns).id, body);
      set.status = 201;
      return fieldToJson(field);
    }, { body: createFieldBody, response: { 201: fieldJson }, detail: { summary: "Add a custom field" } })
    .get("", ({ params }) => ({ data: fields.list(bots.get(params.flow_ns).id).map(fieldToJson) }), {
      response: t.Object({ data: t.Array(fieldJson) }),
      detail: { summary: "List a bot's custom fields" },
    })
    .delete("/:id", ({ params, set }) => {
      fields.remove(bots.get(params.flow_ns).id, params.id);
      set.status = 204;
    }, { params: t.Object({ flow_ns: t.String(), id: t.Numeric() }), detail: { summary: "Delete a custom field and its values" } });
}
