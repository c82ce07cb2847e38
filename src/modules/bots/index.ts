// HTTP routes for bots: /api/v1/bots.
import { Elysia, t } from "elysia";
import { botJson, createBotBody, updateBotBody } from "./model";
import { botToJson, type Bot, type Bots } from "./service";
import type { Fields } from "../fields/service";
import type { Webhooks } from "../inbound/service";

export function botsApi({ bots, fields, webhooks, publicUrl }: { bots: Bots; fields: Fields; webhooks: Webhooks; publicUrl: () => string }) {
  const toJson = (bot: Bot) => botToJson(bot, publicUrl());
  return new Elysia({ prefix: "/bots", detail: { tags: ["Bots"] } })
    .post("", ({ body, set }) => {
      set.status = 201;
      return toJson(bots.create(body));
    }, { body: createBotBody, response: { 201: botJson }, detail: { summary: "Create a bot" } })
    .get("", () => ({ data: bots.list().map(toJson) }), {
      response: t.Object({ data: t.Array(botJson) }),
      detail: { summary: "List bots" },
    })
    .get("/:flow_ns", ({ params }) => toJson(bots.get(params.flow_ns)), { detail: { summary: "Get a bot" } })
    .patch("/:flow_ns", ({ params, body }) => toJson(bots.update(params.flow_ns, body)), {
      body: updateBotBody,
      detail: { summary: "Change a bot's name, channel, default country or live-chat mode" },
    })
    .delete("/:flow_ns", ({ params, set }) => {
      const bot = bots.get(params.flow_ns);
      bots.remove(params.flow_ns);
      fields.forget(bot.id);
      webhooks.forgetAll(); // its webhooks went with it (ON DELETE CASCADE)
      set.status = 204;
    }, { detail: { summary: "Delete a bot with its fields and contacts" } });
}
