// HTTP routes for custom fields: /api/v1/bots/{flow_ns}/fields.
import { Elysia, t } from "elysia";
import { documented, numericId } from "../../http/schema";
import type { Bots } from "../bots/service";
import { scopedBot } from "../bots/index";
import type { BearerAuth } from "../tokens/index";
import { createFieldBody, fieldJson } from "./model";
import { fieldToJson, type Fields } from "./service";

export function fieldsApi({ auth, bots, fields }: { auth: BearerAuth; bots: Bots; fields: Fields }) {
  return new Elysia({ name: "fields-api", prefix: "/bots/:flow_ns/fields", detail: { tags: ["Custom fields"] } })
    .use(auth)
    .post("", ({ params, body, set, scope }) => {
      const field = fields.create(scopedBot(bots, scope, params.flow_ns).id, body);
      set.status = 201;
      return fieldToJson(field);
    }, { body: createFieldBody, detail: { summary: "Add a custom field", responses: documented({ 201: fieldJson }, { 409: "The bot has a field with that name, or it is a system field (`field_exists`)." }) } })
    .get("", ({ params, scope }) => ({ data: fields.list(scopedBot(bots, scope, params.flow_ns).id).map(fieldToJson) }), {
      detail: { summary: "List a bot's custom fields", responses: documented({ 200: t.Object({ data: t.Array(fieldJson) }) }) },
    })
    .delete("/:id", ({ params, set, scope }) => {
      fields.remove(scopedBot(bots, scope, params.flow_ns).id, params.id);
      set.status = 204;
    }, { params: t.Object({ flow_ns: t.String(), id: numericId("id") }), detail: { summary: "Delete a custom field and its values", responses: documented({ 204: null }) } });
}
