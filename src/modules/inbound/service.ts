// Inbound webhooks: per-bot URLs with their identification paths, mappings, actions, rate
// limit, signing secret and idempotency path.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { secretToken } from "../../lib/ids";
import { parsePath } from "../../lib/json-path";
import { generateSecret, secretBytes } from "../../lib/standard-webhooks";
import { rotate } from "../../lib/secret-rotation";
import { errors } from "../../http/errors";
import type { Bot, Bots } from "../bots/service";
import { SYSTEM_FIELDS, type Fields } from "../fields/service";
import type { Settings } from "../settings/service";
import { validateActions, type Action } from "./actions";
import type { IdentifyPaths, Mapping, UpdateWebhookBody } from "./model";
import type { Publish } from "../live/events";
import { SQL } from "./repo";
import { createBuckets } from "./buckets";
import { ConditionError, validateConditions, type Conditions } from "../../lib/conditions";
import { validateReply, type Reply } from "./reply";

export interface WebhookRow {
  id: number;
  bot_id: number;
  name: string;
  token: string;
  active: number;
  example: string | null;
  identify: string;
  mappings: string;
  actions: string;
  rate_capacity: number;
  rate_refill_seconds: number;
  bucket_tokens: number;
  bucket_updated_at: number;
  signing_secret: string | null;
  idempotency_path: string | null;
  listen_until: number | null;
  listen_captured_at: number | null;
  conditions: string | null;
  reply: string | null;
  /** During a rotation's overlap: the secret before the current one, and until when it verifies. */
  previous_signing_secret: string | null;
  previous_secret_until: number | null;
  created_at: number;
  updated_at: number;
}

/** A webhook with its JSON columns parsed. */
export interface Webhook extends Omit<WebhookRow, "identify" | "mappings" | "actions" | "example" | "conditions" | "reply"> {
  example: unknown;
  /** When set, a request is processed only if its payload meets them; otherwise it is filtered. */
  conditions: Conditions | null;
  /** The answer to a processed request, instead of the default {ok, user_ns, created}. */
  reply: Reply | null;
  identify: IdentifyPaths;
  mappings: Mapping[];
  actions: Action[];
}

export const LISTEN_WINDOW_MS = 10 * 60_000;
const DEFAULT_RATE = { capacity: 500, refillSeconds: 86_400 };


/** The live topic of a webhook's example (captured while listening). */
export const exampleTopic = (webhookId: number) => `example-${webhookId}`;

export function parseWebhook(row: WebhookRow): Webhook {
  return {
    ...row,
    example: row.example === null ? null : JSON.parse(row.example),
    identify: JSON.parse(row.identify),
    mappings: JSON.parse(row.mappings),
    actions: JSON.parse(row.actions),
    conditions: row.conditions === null ? null : JSON.parse(row.conditions),
    reply: row.reply === null ? null : JSON.parse(row.reply),
  };
}

function checkPath(path: string, where: string): string {
  const parsed = parsePath(path);
  if (!parsed.ok) throw errors.invalidPath(where, path, parsed.reason);
  return path.trim();
}

export function createWebhooks({ db, clock, bots, fields, settings, publish = () => {} }: { db: Database; clock: Clock; bots: Bots; fields: Fields; settings: Settings; publish?: Publish }) {
  const insert = db.query<WebhookRow, [number, string, string, number, number, number, number, number, number]>(SQL.INSERT_WEBHOOK);
  const selectById = db.query<WebhookRow, [number]>(SQL.SELECT_BY_ID);
  const selectTokens = db.query<{ id: number; token: string }, []>(SQL.SELECT_TOKENS);
  const selectByBot = db.query<WebhookRow, [number]>(SQL.SELECT_BY_BOT);
  const countByBot = db.query<{ n: number }, [number]>(SQL.COUNT_BY_BOT);
  const update = db.query(SQL.UPDATE_WEBHOOK);
  const remove = db.query(SQL.DELETE_WEBHOOK);
  const startListen = db.query(SQL.START_LISTEN);
  const stopListen = db.query(SQL.STOP_LISTEN);
  const captureExample = db.query(SQL.CAPTURE_EXAMPLE);
  const rotateSecret = db.query(SQL.ROTATE_SECRET);

  // Parsed settings by id, read on every request: every write below forgets its entry. The
  // bucket is never taken from here; it is read fresh inside the request's transaction.
  const cache = new Map<number, Webhook>();
  // Every webhook's token, so an unknown token (a scan, a deleted webhook) is answered without
  // touching the database. Rebuilt after a webhook is created or deleted; tokens never change.
  let idsByToken: Map<string, number> | null = null;
  const forget = (id: number) => cache.delete(id);

  function get(id: number): Webhook {
    const cached = cache.get(id);
    if (cached) return cached;
    const row = Number.isSafeInteger(id) ? selectById.get(id) : null;
    if (!row) throw errors.notFound("inbound webhook", String(id));
    const webhook = parseWebhook(row);
    cache.set(id, webhook);
    return webhook;
  }

  const buckets = createBuckets({ db });

  function botOf(webhook: Webhook): Bot {
    return bots.getById(webhook.bot_id)!;
  }

  return {
    get,
    /** The webhook, or null when there is none with this id. */
    find(id: number): Webhook | null {
      try {
        return get(id);
      } catch {
        return null;
      }
    },
    botOf,
    /** After rows changed behind this service's back (a bot deleted with its webhooks). */
    forgetAll(): void {
      cache.clear();
      idsByToken = null;
    },
    byToken(token: string): Webhook | null {
      idsByToken ??= new Map(selectTokens.all().map((row) => [row.token, row.id]));
      const id = idsByToken.get(token);
      return id === undefined ? null : get(id);
    },
    listForBot: (botId: number): Webhook[] => selectByBot.all(botId).map(parseWebhook),

    create(bot: Bot, name: string): Webhook {
      const limit = settings.get().max_inbound_webhooks_per_bot;
      return db.transaction(() => {
        if (countByBot.get(bot.id)!.n >= limit) {
          throw errors.webhookLimitReached(limit);
        }
        const now = clock.now();
        // 192 bits, URL-safe: the token is the only secret of an unsigned webhook.
        const row = insert.get(bot.id, name.trim(), secretToken(24), DEFAULT_RATE.capacity, DEFAULT_RATE.refillSeconds, DEFAULT_RATE.capacity, now, now, now)!;
        idsByToken = null;
        return parseWebhook(row);
      }).immediate();
    },

    update(id: number, patch: UpdateWebhookBody): Webhook {
      const webhook = get(id);
      const byName = fields.byName(webhook.bot_id);
      const next = { ...webhook };
      if (patch.name !== undefined) next.name = patch.name.trim();
      if (patch.active !== undefined) next.active = patch.active ? 1 : 0;
      if (patch.example !== undefined) next.example = patch.example;
      if (patch.identify !== undefined) {
        const identify: IdentifyPaths = {};
        for (const key of ["user_ns", "phone", "email"] as const) {
          const path = patch.identify[key];
          if (path) identify[key] = checkPath(path, `identify.${key}`);
        }
        next.identify = identify;
      }
      if (patch.mappings !== undefined) {
        next.mappings = patch.mappings.map((mapping, i) => {
          const path = checkPath(mapping.path, `mappings[${i}].path`);
          const field = mapping.field.trim();
          if (!byName.has(field) && !(SYSTEM_FIELDS as readonly string[]).includes(field)) throw errors.unknownField(field);
          return { path, field };
        });
      }
      if (patch.actions !== undefined) next.actions = validateActions(patch.actions, byName);
      if (patch.conditions !== undefined) {
        try {
          next.conditions = validateConditions(patch.conditions, "conditions");
        } catch (error) {
          if (error instanceof ConditionError) throw errors.invalidCondition(error.where, error.message);
          throw error;
        }
      }
      if (patch.reply !== undefined) {
        const checked = validateReply(patch.reply);
        if (!checked.ok) throw errors.invalidReply(checked.where, checked.message);
        next.reply = checked.reply;
      }
      if (patch.rate_limit !== undefined) {
        next.rate_capacity = patch.rate_limit.capacity;
        next.rate_refill_seconds = patch.rate_limit.refill_seconds;
      }
      if (patch.signing_secret !== undefined) {
        if (patch.signing_secret !== null && !secretBytes(patch.signing_secret)) {
          throw errors.invalidSigningSecret();
        }
        // Set outright: no overlap (rotateSecret keeps the old one valid for a while).
        next.signing_secret = patch.signing_secret;
        next.previous_signing_secret = null;
        next.previous_secret_until = null;
      }
      if (patch.idempotency_path !== undefined) {
        next.idempotency_path = patch.idempotency_path ? checkPath(patch.idempotency_path, "idempotency_path") : null;
      }
      // A new limit starts from the current fill level, never above the new capacity.
      const bucket = buckets.of(webhook);
      next.bucket_tokens = patch.rate_limit ? Math.min(bucket.tokens, patch.rate_limit.capacity) : bucket.tokens;
      next.bucket_updated_at = bucket.updatedAt;
      forget(id);
      buckets.saved(id, { tokens: next.bucket_tokens, updatedAt: next.bucket_updated_at }); // by the row's write below
      update.run({
        id,
        name: next.name,
        active: next.active,
        example: next.example === null || next.example === undefined ? null : JSON.stringify(next.example),
        identify: JSON.stringify(next.identify),
        mappings: JSON.stringify(next.mappings),
        actions: JSON.stringify(next.actions),
        rate_capacity: next.rate_capacity,
        rate_refill_seconds: next.rate_refill_seconds,
        bucket_tokens: next.bucket_tokens,
        bucket_updated_at: next.bucket_updated_at,
        signing_secret: next.signing_secret,
        idempotency_path: next.idempotency_path,
        conditions: next.conditions === null ? null : JSON.stringify(next.conditions),
        reply: next.reply === null ? null : JSON.stringify(next.reply),
        previous_signing_secret: next.previous_signing_secret,
        previous_secret_until: next.previous_secret_until,
        updated_at: clock.now(),
      } as never);
      return get(id);
    },

    /**
     * A new signing secret; the current one keeps verifying for `overlapHours` (senders switch at
     * their own pace). Answers the new secret: it is shown this once.
     */
    rotateSecret(id: number, overlapHours: number): { webhook: Webhook; secret: string } {
      const webhook = get(id);
      const secret = generateSecret();
      const now = clock.now();
      const rotated = rotate({ secret: webhook.signing_secret }, secret, now, overlapHours);
      forget(id);
      rotateSecret.run(rotated.secret, rotated.previous_secret, rotated.previous_until, now, id);
      return { webhook: get(id), secret };
    },

    remove(id: number): void {
      get(id);
      forget(id);
      remove.run(id);
      buckets.forget(id);
      idsByToken = null;
    },

    startListening(id: number): Webhook {
      get(id);
      forget(id);
      startListen.run(clock.now() + LISTEN_WINDOW_MS, id);
      return get(id);
    },
    stopListening(id: number): Webhook {
      get(id);
      forget(id);
      stopListen.run(id);
      publish(exampleTopic(id));
      return get(id);
    },
    isListening: (webhook: Webhook, now: number) => webhook.listen_until !== null && webhook.listen_until > now,
    /** Inside the receiver's transaction. */
    captureExample(webhook: Webhook, body: unknown): void {
      const now = clock.now();
      forget(webhook.id);
      captureExample.run(JSON.stringify(body), now, now, webhook.id);
      publish(exampleTopic(webhook.id));
    },

    /** Takes one token from the webhook's bucket; `restore` puts the bucket back as it was. */
    takeToken: (webhook: Webhook, now: number) => buckets.take(webhook, now),
    /** Writes the buckets that changed; called inside the group commit's transaction. */
    persistBuckets: () => buckets.persist(),
    remaining: (webhook: Webhook, now: number) => buckets.remaining(webhook, now),
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
