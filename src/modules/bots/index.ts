// HTTP routes for bots: /api/v1/bots.
import { Elysia, t } from "elysia";
import { botJson, createBotBody, updateBotBody } from "./model";
import { botToJson, type Bot, type Bots } from "./service";
import type { BearerAuth } from "../tokens/index";
import type { TokenScope } from "../tokens/scope";
import { errors } from "../../http/errors";
import { documented } from "../../http/schema";
import type { Clock } from "../../lib/clock";
import { DEFAULT_OVERLAP_HOURS } from "../../lib/secret-rotation";

/** The bot, when the token reaches it (another bot's reads as not found). */
export function scopedBot(bots: Bots, scope: TokenScope, flowNs: string): Bot {
  const bot = bots.get(flowNs);
  scope.owns(bot.id, () => errors.notFound("bot", flowNs));
  return bot;
}

export function botsApi({ auth, clock, bots, publicUrl }: { auth: BearerAuth; clock: Clock; bots: Bots; publicUrl: () => string }) {
  const toJson = (bot: Bot) => botToJson(bot, publicUrl(), clock.now());
  return new Elysia({ name: "bots-api", prefix: "/bots", detail: { tags: ["Bots"] } })
    .use(auth)
    .post("", ({ body, set, scope }) => {
      scope.installation();
      set.status = 201;
      return toJson(bots.create(body));
    }, { body: createBotBody, detail: { summary: "Create a bot", responses: documented({ 201: botJson }) } })
    .get("", ({ scope }) => ({ data: bots.list().filter((bot) => scope.botId === null || bot.id === scope.botId).map(toJson) }), {
      detail: { summary: "List bots", responses: documented({ 200: t.Object({ data: t.Array(botJson) }) }) },
    })
    .post("/:flow_ns/rotate-secret", ({ params, body, scope }) => {
      const { bot, secret } = bots.rotateChannelSecret(scopedBot(bots, scope, params.flow_ns).flow_ns, body?.overlap_hours ?? DEFAULT_OVERLAP_HOURS);
      return { secret, previous_secret_expires_at: (toJson(bot).provider_settings.previous_secret_expires_at as string | undefined) ?? null };
    }, {
      body: t.Optional(t.Object({ overlap_hours: t.Optional(t.Integer({ minimum: 0, maximum: 168, default: 24, description: "How long the current secret keeps signing and verifying beside the new one" })) })),
      detail: {
        summary: "A new signing secret for the bot's http channel (shown once); for overlap_hours (default 24) messages carry both signatures and incoming ones verify with either (409 no_channel_secret for other providers)",
        responses: documented({ 200: t.Object({ secret: t.String(), previous_secret_expires_at: t.Nullable(t.String()) }, { title: "RotatedChannelSecret" }) }, { 409: "The bot's provider signs nothing (`no_channel_secret`)." }),
      },
    })
    .get("/:flow_ns", ({ params, scope }) => toJson(scopedBot(bots, scope, params.flow_ns)), { detail: { summary: "Get a bot", responses: documented({ 200: botJson }) } })
    .patch("/:flow_ns", ({ params, body, scope }) => toJson(bots.update(scopedBot(bots, scope, params.flow_ns).flow_ns, body)), {
      body: updateBotBody,
      detail: { summary: "Change a bot's name, channel, default country or live-chat mode", responses: documented({ 200: botJson }) },
    })
    .delete("/:flow_ns", ({ params, query, set, scope }) => {
      scope.installation();
      const bot = bots.get(params.flow_ns);
      // Everything of the bot goes with it: the caller repeats its flow_ns to say it means it.
      if (query.confirm !== bot.flow_ns) throw errors.confirmationRequired(bot.flow_ns, bots.footprint(bot));
      bots.remove(bot.flow_ns);
      set.status = 204;
    }, {
      query: t.Object({ confirm: t.Optional(t.String({ description: "The bot's flow_ns again: required, as a guard against deleting by mistake." })) }),
      detail: { summary: "Delete a bot with its webhooks, fields, contacts, messages and deliveries (needs ?confirm=FLOW_NS and an installation-wide token; else 422 confirmation_required)", responses: documented({ 204: null }) },
    });
}
