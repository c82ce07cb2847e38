// Bots: one chatbot on one channel, addressed publicly by its flow_ns.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { isCountryCode } from "../../lib/contact-identity";
import { newFlowNs, secretToken } from "../../lib/ids";
import { inboundPath, maskProviderSettings, validateProviderSettings, type ProviderName } from "../channels/providers";
import { generateSecret } from "../../lib/standard-webhooks";
import { rotate } from "../../lib/secret-rotation";
import { errors } from "../../http/errors";
import { CHANNELS, type Channel, type LiveChatMode } from "./channels";
import type { CreateBotBody, UpdateBotBody } from "./model";
import { SQL } from "./repo";

export interface Bot {
  id: number;
  flow_ns: string;
  name: string;
  channel: Channel;
  default_country: string | null;
  live_chat: LiveChatMode;
  provider: ProviderName;
  provider_settings: string;
  channel_token: string;
  created_at: number;
  updated_at: number;
}


export interface BotFootprint {
  webhooks: number;
  contacts: number;
  messages: number;
  deliveries: number;
}

function checkCountry(code: string | null | undefined): string | null {
  if (code === undefined || code === null || code === "") return null;
  const upper = code.toUpperCase();
  // Capitals or small letters, as the API schema lists them; not a mix.
  if (!isCountryCode(upper) || (code !== upper && code !== code.toLowerCase())) throw errors.invalidCountry(code);
  return upper;
}

export function createBots({ db, clock }: { db: Database; clock: Clock }) {
  const insert = db.query<Bot, [string, string, string, string | null, string, number, number]>(SQL.INSERT_BOT);
  const selectByChannelToken = db.query<Bot, [string]>(SQL.SELECT_BOT_BY_CHANNEL_TOKEN);
  const selectAll = db.query<Bot, []>(SQL.SELECT_BOTS);
  const selectByFlowNs = db.query<Bot, [string]>(SQL.SELECT_BOT_BY_FLOW_NS);
  const selectById = db.query<Bot, [number]>(SQL.SELECT_BOT_BY_ID);
  const update = db.query<Bot, [string, string, string | null, string, string, string, number, number]>(SQL.UPDATE_BOT);
  const remove = db.query(SQL.DELETE_BOT);
  const countFootprint = db.query<BotFootprint, any>(SQL.COUNT_FOOTPRINT);
  // Caches of other modules that hold this bot's rows (its fields, its webhooks' tokens).
  const removedListeners: ((bot: Bot) => void)[] = [];
  // Every inbound request reads its webhook's bot by id (a round trip on PostgreSQL): keep them,
  // and forget on every change of a bot.
  const byId = new Map<number, Bot>();

  function get(flowNs: string): Bot {
    const bot = selectByFlowNs.get(flowNs);
    if (!bot) throw errors.notFound("bot", flowNs);
    return bot;
  }

  return {
    /** Another instance changed what this keeps in memory (several instances on PostgreSQL). */
    forgetCached(): void {
      byId.clear();
    },
    create(input: CreateBotBody): Bot {
      const country = checkCountry(input.default_country);
      const now = clock.now();
      return insert.get(newFlowNs(), input.name.trim(), input.channel, country, secretToken(24), now, now)!;
    },
    list: (): Bot[] => selectAll.all(),
    get,
    getById(id: number): Bot | null {
      const cached = byId.get(id);
      if (cached) return cached;
      const bot = selectById.get(id);
      if (bot) byId.set(id, bot);
      return bot;
    },
    byChannelToken: (token: string): Bot | null => selectByChannelToken.get(token),
    update(flowNs: string, patch: UpdateBotBody): Bot {
      const bot = get(flowNs);
      const country = patch.default_country === undefined ? bot.default_country : checkCountry(patch.default_country);
      const provider = (patch.provider ?? bot.provider) as ProviderName;
      // Switching provider starts from empty settings; the same provider keeps unsent secrets.
      const previous = provider === bot.provider ? (JSON.parse(bot.provider_settings) as Record<string, unknown>) : {};
      const settings = validateProviderSettings(provider, patch.provider_settings, previous);
      byId.delete(bot.id);
      return update.get(
        patch.name?.trim() ?? bot.name,
        patch.channel ?? bot.channel,
        country,
        patch.live_chat ?? bot.live_chat,
        provider,
        JSON.stringify(settings),
        clock.now(),
        bot.id,
      )!;
    },
    /**
     * A new signing secret for an http channel (shown once); the current one keeps signing and
     * verifying beside it for `overlapHours`.
     */
    rotateChannelSecret(flowNs: string, overlapHours: number): { bot: Bot; secret: string } {
      const bot = get(flowNs);
      if (bot.provider !== "http") throw errors.noChannelSecret(bot.provider);
      const settings = JSON.parse(bot.provider_settings) as Record<string, unknown>;
      const secret = generateSecret();
      const now = clock.now();
      const rotated = rotate({ secret: (settings.secret as string | null) ?? null }, secret, now, overlapHours);
      byId.delete(bot.id);
      const updated = update.get(bot.name, bot.channel, bot.default_country, bot.live_chat, bot.provider, JSON.stringify({ ...settings, ...rotated }), now, bot.id)!;
      return { bot: updated, secret };
    },
    /** What deleting this bot deletes with it. */
    footprint: (bot: Bot): BotFootprint => countFootprint.get({ bot: bot.id })!,
    /** Caches of this bot's rows elsewhere register here to be dropped when it is deleted. */
    onRemoved(listener: (bot: Bot) => void): void {
      removedListeners.push(listener);
    },
    remove(flowNs: string): void {
      const bot = get(flowNs);
      byId.delete(bot.id);
      remove.run(bot.id);
      for (const listener of removedListeners) listener(bot);
    },
  };
}

export type Bots = ReturnType<typeof createBots>;

export function botToJson(bot: Bot, publicUrl: string, now: number) {
  const inbound = inboundPath(bot.provider, bot.channel_token);
  return {
    flow_ns: bot.flow_ns,
    name: bot.name,
    channel: bot.channel,
    can_initiate: CHANNELS[bot.channel]?.canInitiate ?? false,
    default_country: bot.default_country,
    live_chat: bot.live_chat,
    provider: bot.provider,
    provider_settings: maskProviderSettings(JSON.parse(bot.provider_settings), now),
    inbound_url: inbound ? `${publicUrl}${inbound}` : null,
    created_at: new Date(bot.created_at).toISOString(),
    updated_at: new Date(bot.updated_at).toISOString(),
  };
}
