import { t } from "elysia";
import { oneOf } from "../../http/schema";
import { PROVIDER_NAMES } from "../channels/providers";
import { CHANNEL_NAMES, LIVE_CHAT_MODES } from "./channels";

const channel = oneOf(CHANNEL_NAMES, { description: "The channel the bot talks on." });
const country = t.Nullable(t.String({ description: "ISO 3166 alpha-2 code used to read phone numbers written without +, e.g. US." }));

export const createBotBody = t.Object({
  name: t.String({ minLength: 1, maxLength: 100 }),
  channel,
  default_country: t.Optional(country),
});
export type CreateBotBody = typeof createBotBody.static;

export const updateBotBody = t.Object({
  name: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
  channel: t.Optional(channel),
  default_country: t.Optional(country),
  live_chat: t.Optional(oneOf(LIVE_CHAT_MODES)),
  provider: t.Optional(oneOf(PROVIDER_NAMES, { description: "How out messages leave: test (nowhere), http (your gateway), twilio." })),
  provider_settings: t.Optional(t.Record(t.String(), t.Any(), { description: "http: {url, headers?, secret?}; twilio: {account_sid, auth_token, from | messaging_service_sid, base_url?}. Secrets are write-only." })),
});
export type UpdateBotBody = typeof updateBotBody.static;

export const botJson = t.Object({
  flow_ns: t.String(),
  name: t.String(),
  channel: t.String(),
  can_initiate: t.Boolean(),
  default_country: t.Nullable(t.String()),
  live_chat: t.String(),
  provider: t.String(),
  provider_settings: t.Record(t.String(), t.Any()),
  inbound_url: t.Nullable(t.String()),
  created_at: t.String({ format: "date-time" }),
  updated_at: t.String({ format: "date-time" }),
});
