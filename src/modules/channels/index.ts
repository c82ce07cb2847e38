// HTTP routes for messages: sending as the bot (/api/v1/contacts/{user_ns}/messages) and the
// channels' inbound URLs (/channels/{channel_token}/messages and /twilio).
import { Elysia, t } from "elysia";
import type { Database } from "bun:sqlite";
import type { GroupCommit } from "../../db/group-commit";
import type { Clock } from "../../lib/clock";
import { verifyAny } from "../../lib/standard-webhooks";
import { validSecrets } from "../../lib/secret-rotation";
import { verifyTwilioSignature } from "../../lib/twilio-signature";
import { decodeUtf8, MAX_WEBHOOK_BODY_BYTES, notUtf8, parseObjectBody, readBodyCapped, tooLarge } from "../../http/body";
import { errors } from "../../http/errors";
import type { ScanGuard } from "../inbound/scan-guard";
import type { Metrics } from "../system/metrics";
import { documented, oneOf, pageLimit } from "../../http/schema";
import { messageJson } from "../messages/model";
import type { Bot, Bots } from "../bots/service";
import type { Contacts } from "../contacts/service";
import { scopedContact } from "../contacts/index";
import type { BearerAuth } from "../tokens/index";
import { messageToJson, type Messages } from "../messages/service";
import { TWILIO_FINAL_STATUSES, type HttpSettings, type TwilioSettings } from "./providers";
import { MESSAGE_TYPES, type Channels } from "./service";

export const sendMessageBody = t.Object({
  text: t.Optional(t.String({ minLength: 1, maxLength: 4096 })),
  type: t.Optional(oneOf(MESSAGE_TYPES)),
  payload: t.Optional(t.Record(t.String(), t.Any(), { description: "url for image/file/audio/video; latitude and longitude for location" })),
});

export function messagesApi({ auth, db, contacts, messages, channels }: { auth: BearerAuth; db: Database; contacts: Contacts; messages: Messages; channels: Channels }) {
  return new Elysia({ name: "messages-api", detail: { tags: ["Messages"] } })
    .use(auth)
    .post("/contacts/:user_ns/messages", ({ params, body, set, scope }) => {
      const { contact, bot } = scopedContact(contacts, scope, params.user_ns);
      const msgType = body.type ?? "text";
      if (msgType === "text" && !body.text) throw errors.validation("A text message needs 'text'.");
      if (msgType !== "text" && !body.payload) throw errors.validation(`A ${msgType} message needs 'payload'.`);
      const payload = { ...(body.text ? { text: body.text } : {}), ...body.payload };
      const url = (body.payload as { url?: unknown } | undefined)?.url;
      const content = body.text ?? (typeof url === "string" ? url : JSON.stringify(body.payload));
      const message = db.transaction(() => channels.sendOut(bot, contact, { msgType, content, payload })).immediate();
      set.status = 201;
      return messageToJson(message);
    }, { body: sendMessageBody, detail: { summary: "Send a message to the contact as the bot (stored, then delivered through the bot's channel)", responses: documented({ 201: messageJson }) } })
    .get("/contacts/:user_ns/messages", ({ params, query, scope }) => {
      const { contact } = scopedContact(contacts, scope, params.user_ns);
      return { data: messages.recent(contact.id, query.limit ?? 50).map(messageToJson) };
    }, {
      query: t.Object({ limit: pageLimit() }),
      detail: { summary: "A contact's conversation, newest first, with each message's delivery state", responses: documented({ 200: t.Object({ data: t.Array(messageJson) }) }) },
    });
}

const inMessageBody = t.Object({
  from: t.String({ minLength: 1, maxLength: 254 }),
  text: t.Optional(t.String({ maxLength: 4096 })),
  msg_type: t.Optional(oneOf(MESSAGE_TYPES)),
  payload: t.Optional(t.Record(t.String(), t.Any())),
  mid: t.Optional(t.String({ maxLength: 200 })),
});

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export interface ChannelRoutesDeps {
  clock: Clock;
  groupCommit: GroupCommit;
  messages: Messages;
  bots: Bots;
  channels: Channels;
  publicUrl: () => string;
  /** Counts guesses at channel URLs per address, with the webhook URLs' (one allowance for both). */
  scanGuard: ScanGuard;
  clientIp: (request: Request) => string | null;
  metrics?: Metrics;
}

export function channelRoutes({ clock, groupCommit, messages, bots, channels, publicUrl, scanGuard, clientIp, metrics }: ChannelRoutesDeps) {
  /** A Twilio form, read and checked against X-Twilio-Signature (Twilio signs the public URL it was given). */
  async function signedTwilioForm(bot: Bot, request: Request): Promise<[string, string][]> {
    const read = await readBodyCapped(request, MAX_WEBHOOK_BODY_BYTES);
    if (!read.ok) throw errors.body(tooLarge(MAX_WEBHOOK_BODY_BYTES));
    const form = [...new URLSearchParams(decodeUtf8(read.bytes).text)];
    const settings = JSON.parse(bot.provider_settings) as TwilioSettings;
    const url = `${publicUrl()}${new URL(request.url).pathname}${new URL(request.url).search}`;
    if (!verifyTwilioSignature(settings.auth_token, url, form, request.headers.get("x-twilio-signature"))) {
      throw errors.invalidTwilioSignature();
    }
    return form;
  }

  const botFor = (request: Request, token: string, provider: Bot["provider"]): Bot => {
    const bot = token.length <= 100 ? bots.byChannelToken(token) : null;
    if (bot && bot.provider === provider) return bot;
    const wait = scanGuard.recordMiss(clientIp(request) ?? "unknown");
    if (wait > 0) {
      metrics?.increment("switchboard_limiter_rejections_total", "unknown_token_per_ip");
      throw errors.tooManyGuesses(wait);
    }
    throw errors.channelNotFound();
  };

  return new Elysia({ name: "channel-routes", detail: { tags: ["Channels"] } })
    .post("/channels/:channel_token/messages", async ({ params, request }) => {
      const bot = botFor(request, params.channel_token, "http");
      const read = await readBodyCapped(request, MAX_WEBHOOK_BODY_BYTES);
      if (!read.ok) throw errors.body(tooLarge(MAX_WEBHOOK_BODY_BYTES));
      const text = decodeUtf8(read.bytes);
      if (!text.ok) throw errors.body(notUtf8);
      const settings = JSON.parse(bot.provider_settings) as HttpSettings;
      if (settings.secret) {
        const headers = request.headers;
        // During a rotation's overlap the previous secret verifies too.
        const secrets = validSecrets({ secret: settings.secret, previous_secret: settings.previous_secret, previous_until: settings.previous_until }, clock.now());
        const check = verifyAny(secrets, { id: headers.get("webhook-id"), timestamp: headers.get("webhook-timestamp"), signature: headers.get("webhook-signature") }, text.text, clock.now());
        if (!check.ok) throw errors.invalidSignature(check.reason);
      }
      const parsed = parseObjectBody(text.text, request.headers.get("content-type"));
      if (!parsed.ok) throw errors.body(parsed);
      const body = parsed.value;
      if (!inMessageBodyCheck(body)) throw errors.validation("Send {from, text} or {from, msg_type, payload}: 'from' is a phone, email or user_ns.");
      const received = await groupCommit.run(() =>
        channels.receiveIn(bot, { from: body.from, text: body.text, msgType: body.msg_type, payload: body.payload, mid: body.mid ?? null }),
      );
      return { ok: true, user_ns: received.contact.user_ns, created: received.created, message_id: received.message.public_id };
    }, { parse: "none", detail: {
      summary: "A contact's message, sent by your gateway (http provider)",
      requestBody: { required: true, content: { "application/json": { schema: inMessageBody } } },
      responses: {
        ...documented({ 200: t.Object({ ok: t.Literal(true), user_ns: t.String(), created: t.Boolean(), message_id: t.String() }) }),
        400: { description: "The body is not a JSON object or a form, or not UTF-8 (`invalid_body`)." },
        401: { description: "The bot has a secret and the Standard Webhooks signature is missing or wrong (`invalid_signature`)." },
        415: { description: "The body is neither JSON nor a form (`unsupported_media_type`)." },
        422: { description: "No `from`, or no text or payload (`validation_failed`)." },
      },
    } as never })
    .post("/channels/:channel_token/twilio", async ({ params, request }) => {
      const bot = botFor(request, params.channel_token, "twilio");
      const form = await signedTwilioForm(bot, request);
      const fields = Object.fromEntries(form);
      if (!fields.From) throw errors.validation("The form has no From.");
      const media = Number(fields.NumMedia ?? 0) > 0 && fields.MediaUrl0 ? { url: fields.MediaUrl0, content_type: fields.MediaContentType0 ?? null } : null;
      await groupCommit.run(() =>
        channels.receiveIn(bot, {
          from: fields.From!,
          text: fields.Body ?? "",
          msgType: media ? (media.content_type?.startsWith("image/") ? "image" : "file") : "text",
          payload: media ?? {},
          mid: fields.MessageSid ?? null,
        }),
      );
      return new Response(EMPTY_TWIML, { headers: { "content-type": "text/xml; charset=utf-8" } });
    }, {
      parse: "none",
      detail: {
        summary: "Incoming SMS from Twilio (form-encoded, X-Twilio-Signature checked)",
        requestBody: { required: true, content: { "application/x-www-form-urlencoded": { schema: { type: "object", properties: { From: { type: "string" }, Body: { type: "string" }, MessageSid: { type: "string" } }, required: ["From"] } } } },
        responses: {
          200: { description: "An empty TwiML answer.", content: { "text/xml": { schema: { type: "string" } } } },
          403: { description: "X-Twilio-Signature does not match (`invalid_signature`)." },
          422: { description: "The form has no From (`validation_failed`)." },
        },
      } as never,
    })
    .post("/channels/:channel_token/twilio/status", async ({ params, request, query, set }) => {
      const bot = botFor(request, params.channel_token, "twilio");
      const form = await signedTwilioForm(bot, request);
      const fields = Object.fromEntries(form);
      const status = String(fields.MessageStatus ?? fields.SmsStatus ?? "");
      if (!status) throw errors.validation("The form has no MessageStatus.");
      const message = typeof query.message === "string" ? messages.byPublicId(query.message) : null;
      // Only this bot's out messages: another bot's id reads as unknown.
      if (!message || message.direction !== "out" || !channels.belongsTo(bot, message)) throw errors.notFound("message", String(query.message ?? ""));
      metrics?.increment("switchboard_twilio_message_status_total", status);
      const state = TWILIO_FINAL_STATUSES[status];
      const errorCode = fields.ErrorCode?.trim() || null;
      if (state) await groupCommit.run(() => messages.setProviderStatus(message.id, state, errorCode));
      set.status = 204;
    }, {
      parse: "none",
      detail: {
        summary: "Twilio's status callback for an out message (delivered, undelivered with its error code, failed), X-Twilio-Signature checked",
        requestBody: { required: true, content: { "application/x-www-form-urlencoded": { schema: { type: "object", properties: { MessageStatus: { type: "string" }, ErrorCode: { type: "string" } }, required: ["MessageStatus"] } } } },
        responses: {
          ...documented({ 204: null }),
          403: { description: "X-Twilio-Signature does not match (`invalid_signature`)." },
          422: { description: "The form has no MessageStatus (`validation_failed`)." },
        },
      } as never,
    });
}

function inMessageBodyCheck(body: Record<string, unknown>): body is { from: string; text?: string; msg_type?: string; payload?: Record<string, unknown>; mid?: string } {
  if (typeof body.from !== "string" || !body.from.trim()) return false;
  if (body.text !== undefined && typeof body.text !== "string") return false;
  if (body.msg_type !== undefined && !(MESSAGE_TYPES as readonly string[]).includes(body.msg_type as string)) return false;
  if (body.payload !== undefined && (typeof body.payload !== "object" || body.payload === null || Array.isArray(body.payload))) return false;
  if (body.text === undefined && body.payload === undefined) return false;
  return body.mid === undefined || typeof body.mid === "string";
}
