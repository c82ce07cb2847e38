// Inbound webhooks: per-bot URLs with their identification paths, mappings, actions, rate
// limit, signing secret and idempotency path.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { coerceFieldValue } from "../../lib/coerce";
import { normaliseEmail, normalisePhone } from "../../lib/contact-identity";
import { secretToken } from "../../lib/ids";
import { parsePath, readAt } from "../../lib/json-path";
import { renderTemplate } from "../../lib/template";
import { secretBytes } from "../../lib/standard-webhooks";
import { takeToken, type BucketState } from "../../lib/token-bucket";
import { errors } from "../../http/errors";
import type { Bot, Bots } from "../bots/service";
import { SYSTEM_FIELDS, type Fields } from "../fields/service";
import type { Settings } from "../settings/service";
import { validateActions, type Action } from "./actions";
import type { IdentifyPaths, Mapping, UpdateWebhookBody } from "./model";
import type { Publish } from "../live/events";
import { SQL } from "./repo";

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
  created_at: number;
  updated_at: number;
}

/** A webhook with its JSON columns parsed. */
export interface Webhook extends Omit<WebhookRow, "identify" | "mappings" | "actions" | "example"> {
  example: unknown;
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
  const updateBucket = db.query(SQL.UPDATE_BUCKET);
  const startListen = db.query(SQL.START_LISTEN);
  const stopListen = db.query(SQL.STOP_LISTEN);
  const captureExample = db.query(SQL.CAPTURE_EXAMPLE);
  const selectBucket = db.query<{ bucket_tokens: number; bucket_updated_at: number }, [number]>(SQL.SELECT_BUCKET);

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

  // Rate-limit buckets live in memory while the server runs: a rejected request then costs no
  // write. Taken tokens are written back in the same transaction as the requests that took
  // them (persistBuckets runs before each group commit), so a restart never refills a bucket.
  const buckets = new Map<number, BucketState>();
  const takenSinceSaved = new Set<number>();

  function bucketOf(webhook: Webhook): BucketState {
    const known = buckets.get(webhook.id);
    if (known) return known;
    const row = selectBucket.get(webhook.id);
    const state = { tokens: row?.bucket_tokens ?? webhook.bucket_tokens, updatedAt: row?.bucket_updated_at ?? webhook.bucket_updated_at };
    buckets.set(webhook.id, state);
    return state;
  }

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
      if (patch.rate_limit !== undefined) {
        next.rate_capacity = patch.rate_limit.capacity;
        next.rate_refill_seconds = patch.rate_limit.refill_seconds;
      }
      if (patch.signing_secret !== undefined) {
        if (patch.signing_secret !== null && !secretBytes(patch.signing_secret)) {
          throw errors.invalidSigningSecret();
        }
        next.signing_secret = patch.signing_secret;
      }
      if (patch.idempotency_path !== undefined) {
        next.idempotency_path = patch.idempotency_path ? checkPath(patch.idempotency_path, "idempotency_path") : null;
      }
      // A new limit starts from the current fill level, never above the new capacity.
      const bucket = bucketOf(webhook);
      next.bucket_tokens = patch.rate_limit ? Math.min(bucket.tokens, patch.rate_limit.capacity) : bucket.tokens;
      next.bucket_updated_at = bucket.updatedAt;
      forget(id);
      buckets.set(id, { tokens: next.bucket_tokens, updatedAt: next.bucket_updated_at });
      takenSinceSaved.delete(id); // saved just below
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
        updated_at: clock.now(),
      } as never);
      return get(id);
    },

    remove(id: number): void {
      get(id);
      forget(id);
      remove.run(id);
      buckets.delete(id);
      takenSinceSaved.delete(id);
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
    takeToken(webhook: Webhook, now: number) {
      const before = bucketOf(webhook);
      const result = takeToken(before, { capacity: webhook.rate_capacity, refillSeconds: webhook.rate_refill_seconds }, now);
      buckets.set(webhook.id, result.state);
      // A refusal leaves the bucket as it was (only its arithmetic moved on): nothing to save.
      if (result.allowed) takenSinceSaved.add(webhook.id);
      return { ...result, restore: () => void buckets.set(webhook.id, before) };
    },
    /** Writes the buckets that changed; called inside the group commit's transaction. */
    persistBuckets(): void {
      for (const id of takenSinceSaved) {
        const state = buckets.get(id);
        if (state) updateBucket.run(state.tokens, state.updatedAt, id);
      }
      takenSinceSaved.clear();
    },
    remaining(webhook: Webhook, now: number): number {
      const perMs = webhook.rate_capacity / (webhook.rate_refill_seconds * 1000);
      const bucket = bucketOf(webhook);
      return Math.floor(Math.min(webhook.rate_capacity, bucket.tokens + Math.max(0, now - bucket.updatedAt) * perMs));
    },

    /** What each identification path and mapping would read and store from an example. */
    preview(webhook: Webhook, example: unknown) {
      const bot = botOf(webhook);
      const byName = fields.byName(webhook.bot_id);
      const identify = Object.fromEntries(
        (["user_ns", "phone", "email"] as const)
          .filter((key) => webhook.identify[key])
          .map((key) => {
            const path = webhook.identify[key]!;
            const value = readAt(example, path);
            const normalised = value === undefined ? null : key === "phone" ? normalisePhone(value, bot.default_country) : key === "email" ? normaliseEmail(value) : { ok: true as const, value };
            return [key, { path, value: value ?? null, found: value !== undefined, ...(normalised ? (normalised.ok ? { normalised: normalised.value } : { error: normalised.reason }) : {}) }];
          }),
      );
      const mappings = webhook.mappings.map(({ path, field }) => {
        const value = readAt(example, path);
        if (value === undefined) return { path, field, found: false, value: null };
        const type = byName.get(field)?.type ?? "text";
        const coerced =
          field === "phone" ? normalisePhone(value, bot.default_country) : field === "email" ? normaliseEmail(value) : coerceFieldValue(type, value);
        return coerced.ok ? { path, field, found: true, value, stored: coerced.value } : { path, field, found: true, value, error: coerced.reason };
      });
      return { identify, mappings };
    },

    /** A template as the example request would render it: the contact as the mappings would set it. */
    previewTemplate(webhook: Webhook, template: string): string {
      const preview = this.preview(webhook, webhook.example);
      const contact: Record<string, unknown> = { user_ns: "(the contact's user_ns)" };
      const values: Record<string, unknown> = {};
      for (const key of ["phone", "email"] as const) {
        const found = preview.identify[key];
        if (found && "normalised" in found) contact[key] = found.normalised;
      }
      for (const mapping of preview.mappings) {
        if (!("stored" in mapping)) continue;
        if (SYSTEM_FIELDS.includes(mapping.field as never)) contact[mapping.field] = mapping.stored;
        else values[mapping.field] = mapping.stored;
      }
      return renderTemplate(template, { contact, fields: values, payload: webhook.example });
    },
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;

export function webhookToJson(webhook: Webhook, bot: Bot, publicUrl: string, remaining: number, now: number) {
  return {
    id: webhook.id,
    flow_ns: bot.flow_ns,
    name: webhook.name,
    url: `${publicUrl}/hooks/${webhook.token}`,
    method: "POST",
    active: webhook.active === 1,
    example: webhook.example,
    identify: webhook.identify,
    mappings: webhook.mappings,
    actions: webhook.actions,
    rate_limit: { capacity: webhook.rate_capacity, refill_seconds: webhook.rate_refill_seconds, remaining },
    // Write-only after saving: enough shown to recognise it.
    signing_secret: webhook.signing_secret ? `${webhook.signing_secret.slice(0, 10)}…` : null,
    idempotency_path: webhook.idempotency_path,
    listening: webhook.listen_until !== null && webhook.listen_until > now,
    example_captured_at: webhook.listen_captured_at === null ? null : new Date(webhook.listen_captured_at).toISOString(),
    created_at: new Date(webhook.created_at).toISOString(),
    updated_at: new Date(webhook.updated_at).toISOString(),
  };
}
