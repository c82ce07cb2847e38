import { t } from "elysia";
import { oneOf } from "../../http/schema";
import { PROVIDER_NAMES } from "../channels/providers";
import { CHANNEL_NAMES, LIVE_CHAT_MODES } from "./channels";
import { getCountries } from "libphonenumber-js/max";

const channel = oneOf(CHANNEL_NAMES, { description: "The channel the bot talks on." });
// The codes libphonenumber reads numbers for, in capitals or small letters ("" or null: none).
const COUNTRY_CODES = getCountries().flatMap((code) => [code, code.toLowerCase()]);
const country = t.Union([t.UnionEnum(["", ...COUNTRY_CODES] as [string, ...string[]], { default: undefined }), t.Null()], {
  error: "must be a supported ISO 3166 alpha-2 code such as US, GB or DE (capitals or small letters)",
  errorCode: "invalid_country",
  description: "ISO 3166 alpha-2 code used to read phone numbers written without +, e.g. US (\"\" or null: none).",
});

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
