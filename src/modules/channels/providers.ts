// Channel providers: how a bot's out messages leave the machine, and which settings each one
// needs. Each provider turns an out message into the HTTP request the relay worker will send.
import { errors } from "../../http/errors";
import { secretBytes } from "../../lib/standard-webhooks";
import { previousExpiry, validSecrets } from "../../lib/secret-rotation";
import { escapeXml } from "../../lib/template";
import { keepOrReplace, MASK, originOf, secretsMayStay } from "../../lib/write-only";
import type { Bot } from "../bots/service";
import type { Contact } from "../contacts/service";
import type { Credentials, NewDelivery } from "../deliveries/service";
import type { Message } from "../messages/service";

export const PROVIDER_NAMES = ["test", "http", "twilio"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface HttpSettings {
  url: string;
  headers?: Record<string, string>;
  secret?: string | null;
  /** During a rotation's overlap (see lib/secret-rotation). */
  previous_secret?: string | null;
  previous_until?: number | null;
}

export interface TwilioSettings {
  account_sid: string;
  auth_token: string;
  from?: string | null;
  messaging_service_sid?: string | null;
  base_url?: string | null;
}

export const TWILIO_DEFAULT_BASE_URL = "https://api.twilio.com";

const invalid = errors.invalidProviderSettings;
const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === "object" && !Array.isArray(value);

function httpUrl(value: unknown, name: string): string {
  if (typeof value !== "string" || !/^https?:\/\/[^\s/]/i.test(value.trim())) throw invalid(`${name} must be an http:// or https:// URL.`);
  try {
    return new URL(value.trim()).href;
  } catch {
    throw invalid(`${name} is not a valid URL.`);
  }
}

/**
 * Header values are write-only: a masked value keeps the saved one while the URL stays on the
 * same origin; a header whose saved value may not follow the URL is dropped.
 */
function headerMap(value: unknown, saved: unknown, mayStay: boolean): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value) || Object.values(value).some((v) => typeof v !== "string")) throw invalid("headers must be an object of string values.");
  const out: Record<string, string> = {};
  for (const [name, given] of Object.entries(value as Record<string, string>)) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw invalid(`'${name}' is not a valid header name.`);
    if (/[\r\n\0]/.test(given)) throw invalid(`The value of header '${name}' may not contain line breaks.`);
    const kept = keepOrReplace(given, isRecord(saved) && typeof saved[name] === "string" ? (saved[name] as string) : undefined, mayStay);
    if (kept !== undefined) out[name] = kept;
  }
  return out;
}

/**
 * Checks the settings for a provider. `previous` fills in secrets left out of a change (clients
 * only ever see them masked), unless the change moves the target to another origin: then the
 * saved secrets are dropped and must be given again.
 */
export function validateProviderSettings(provider: ProviderName, raw: unknown, previous: Record<string, unknown>): Record<string, unknown> {
  const input = raw === undefined ? previous : raw;
  if (!isRecord(input)) throw invalid("provider_settings must be an object.");
  switch (provider) {
    case "test":
      return {};
    case "http": {
      const url = httpUrl(input.url, "url");
      const mayStay = secretsMayStay(previous.url as string | undefined, url);
      const secret = keepOrReplace(input.secret, previous.secret, mayStay) ?? null;
      if (secret !== null && (typeof secret !== "string" || !secretBytes(secret))) throw invalid("secret must be 'whsec_' followed by base64 of 16 to 128 bytes, or null.");
      // A rotation's overlap lasts while the secret it rotated to stays (see rotateChannelSecret).
      const overlap = mayStay && secret !== null && secret === previous.secret && previous.previous_secret ? { previous_secret: previous.previous_secret, previous_until: previous.previous_until } : {};
      return { url, headers: headerMap(input.headers, previous.headers, mayStay), secret, ...overlap };
    }
    case "twilio": {
      const sid = input.account_sid;
      if (typeof sid !== "string" || !/^AC[0-9a-zA-Z]{32}$/.test(sid)) throw invalid("account_sid must be your Twilio Account SID (AC followed by 32 characters).");
      const baseUrl = input.base_url ? httpUrl(input.base_url, "base_url").replace(/\/+$/, "") : null;
      // The token goes to the API's origin: a new base_url needs the token given again.
      const mayStay = previous.account_sid !== undefined && secretsMayStay((previous.base_url as string | null) ?? TWILIO_DEFAULT_BASE_URL, baseUrl ?? TWILIO_DEFAULT_BASE_URL);
      const token = keepOrReplace(input.auth_token, previous.auth_token, mayStay);
      if (typeof token !== "string" || token.length < 16) {
        throw invalid(mayStay || previous.auth_token === undefined ? "auth_token is required (your Twilio Auth Token)." : "base_url moved to another origin: give auth_token again.");
      }
      const from = typeof input.from === "string" && input.from.trim() ? input.from.trim() : null;
      const service = typeof input.messaging_service_sid === "string" && input.messaging_service_sid.trim() ? input.messaging_service_sid.trim() : null;
      if (!from && !service) throw invalid("Set from (a Twilio phone number) or messaging_service_sid.");
      return { account_sid: sid, auth_token: token, from, messaging_service_sid: service, base_url: baseUrl };
    }
  }
}

const SECRET_KEYS = ["secret", "auth_token"];

/** Settings as clients see them: secrets write-only; a rotation's previous secret only by when it expires. */
export function maskProviderSettings(settings: Record<string, unknown>, now: number): Record<string, unknown> {
  const headers = isRecord(settings.headers) ? Object.fromEntries(Object.keys(settings.headers).map((name) => [name, MASK])) : undefined;
  const { previous_secret, previous_until, ...shown } = settings;
  const expiry = previous_secret ? previousExpiry({ secret: null, previous_secret: previous_secret as string, previous_until: previous_until as number }, now) : null;
  return Object.fromEntries(
    Object.entries({ ...shown, ...(headers ? { headers } : {}), ...(expiry ? { previous_secret_expires_at: expiry } : {}) }).map(([key, value]) => [key, SECRET_KEYS.includes(key) && value ? MASK : value]),
  );
}

/**
 * The delivery that carries an out message, or null when the provider delivers nothing (test).
 * Its secrets (header values, signing secret, Twilio token) stay in the bot's settings: the
 * worker asks providerCredentials for them when sending.
 */
export function outMessageDelivery(bot: Bot & { provider: ProviderName; provider_settings: string }, contact: Contact, message: Message, publicUrl: string): NewDelivery | null {
  const settings = JSON.parse(bot.provider_settings) as Record<string, unknown>;
  const base = { kind: "channel_message" as const, orderingKey: `contact:${contact.id}`, botId: bot.id, messageId: message.id, secretRef: `channel:${bot.id}` };
  const payload = JSON.parse(message.payload) as Record<string, unknown>;
  switch (bot.provider) {
    case "test":
      return null;
    case "http": {
      const http = settings as unknown as HttpSettings;
      return {
        ...base,
        targetUrl: http.url,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          message_id: message.public_id,
          user_ns: contact.user_ns,
          flow_ns: bot.flow_ns,
          to: { phone: contact.phone, email: contact.email },
          type: message.msg_type,
          text: message.content,
          payload,
        }),
      };
    }
    case "twilio": {
      const twilio = settings as unknown as TwilioSettings;
      const api = `${twilio.base_url ?? TWILIO_DEFAULT_BASE_URL}/2010-04-01/Accounts/${twilio.account_sid}`;
      const sender: Record<string, string> = twilio.messaging_service_sid ? { MessagingServiceSid: twilio.messaging_service_sid } : { From: twilio.from! };
      const voice = bot.channel === "voice";
      const form = voice
        ? new URLSearchParams({ To: contact.phone ?? "", From: twilio.from ?? "", Twiml: `<Response><Say>${escapeXml(message.content)}</Say></Response>` })
        : new URLSearchParams({
            To: contact.phone ?? "",
            ...sender,
            Body: message.content,
            ...(typeof payload.url === "string" ? { MediaUrl: payload.url } : {}),
            // Twilio tells how it went (delivered, undelivered with an error code) at this URL.
            StatusCallback: `${publicUrl}${twilioStatusPath(bot.channel_token, message.public_id)}`,
          });
      return {
        ...base,
        targetUrl: `${api}/${voice ? "Calls" : "Messages"}.json`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      };
    }
  }
}

/**
 * The secrets a queued channel message is sent with, read from the bot's settings as they are
 * now, and only while they still belong to the message's target origin.
 */
export function providerCredentials(bot: Bot | null, targetUrl: string | null, now: number): Credentials {
  if (!bot) return { ok: false, reason: "its bot no longer exists" };
  const settings = JSON.parse(bot.provider_settings) as Record<string, unknown>;
  const configured = bot.provider === "http" ? (settings as unknown as HttpSettings).url : bot.provider === "twilio" ? ((settings as unknown as TwilioSettings).base_url ?? TWILIO_DEFAULT_BASE_URL) : null;
  if (!configured || originOf(configured) !== originOf(targetUrl)) {
    return { ok: false, reason: "the bot's channel no longer points where this message was queued to go; its secrets are not sent there" };
  }
  if (bot.provider === "http") {
    const http = settings as unknown as HttpSettings;
    // During a rotation's overlap the message carries both signatures.
    const [secret = null, previousSecret = null] = validSecrets({ secret: http.secret ?? null, previous_secret: http.previous_secret, previous_until: http.previous_until }, now);
    return { ok: true, headers: http.headers ?? {}, secret, previousSecret };
  }
  const twilio = settings as unknown as TwilioSettings;
  return { ok: true, headers: { authorization: `Basic ${Buffer.from(`${twilio.account_sid}:${twilio.auth_token}`).toString("base64")}` }, secret: null };
}

/** Where Twilio reports what became of one out message (its requests are signed). */
export const twilioStatusPath = (channelToken: string, messagePublicId: string) => `/channels/${channelToken}/twilio/status?message=${encodeURIComponent(messagePublicId)}`;

/** Twilio's message statuses that say where a message ended, as this server records them. */
export const TWILIO_FINAL_STATUSES: Record<string, string> = { sent: "sent", delivered: "delivered", undelivered: "undelivered", failed: "failed", read: "delivered" };

/** Providers that take messages in from contacts, and the path of their inbound URL. */
export function inboundPath(provider: ProviderName, channelToken: string): string | null {
  if (provider === "http") return `/channels/${channelToken}/messages`;
  if (provider === "twilio") return `/channels/${channelToken}/twilio`;
  return null;
}
