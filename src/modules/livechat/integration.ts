// Settings → Integrations → Webhook: where paused contacts' messages are relayed.
import type { Database } from "bun:sqlite";
import { errors } from "../../http/errors";
import { generateSecret, secretBytes } from "../../lib/standard-webhooks";
import { previousExpiry, rotate, validSecrets, type RotatingSecret } from "../../lib/secret-rotation";
import type { Clock } from "../../lib/clock";
import { keepOrReplace, MASK, originOf, secretsMayStay } from "../../lib/write-only";
import type { Credentials } from "../deliveries/service";
import { SQL } from "./repo";

export interface IntegrationWebhook extends RotatingSecret {
  url: string | null;
  headers: Record<string, string>;
  secret: string | null;
  enabled: boolean;
}

export interface IntegrationInput {
  url?: string | null;
  headers?: Record<string, string> | { name: string; value: string }[];
  secret?: string | null;
  enabled?: boolean;
}

const KEY = "integration_webhook";

const invalid = errors.invalidIntegration;

export function createIntegration({ db, clock }: { db: Database; clock: Clock }) {
  const select = db.query<{ value: string }, [string]>(SQL.SELECT);
  const upsert = db.query(SQL.UPSERT);

  // Read for every relayed message; only put() changes it.
  let cached: IntegrationWebhook | null = null;

  function get(): IntegrationWebhook {
    if (cached) return cached;
    const raw = select.get(KEY)?.value;
    const current: IntegrationWebhook = { url: null, headers: {}, secret: null, enabled: false, ...(raw ? JSON.parse(raw) : {}) };
    cached = current;
    return current;
  }

  return {
    /** Another instance changed what this keeps in memory (several instances on PostgreSQL). */
    forgetCached(): void {
      cached = null;
    },
    get,
    /** The integration's secrets for a relay queued to `targetUrl`, while it is still its origin. */
    credentialsFor(targetUrl: string | null): Credentials {
      const current = get();
      if (!current.url || originOf(current.url) !== originOf(targetUrl)) {
        return { ok: false, reason: "the integration webhook no longer points where this was queued to go; its secrets are not sent there" };
      }
      // During a rotation's overlap the relay is signed with both secrets.
      const [secret = null, previousSecret = null] = validSecrets(current, clock.now());
      return { ok: true, headers: current.headers, secret, previousSecret };
    },
    /** A new secret (shown once); the current one keeps signing beside it for `overlapHours`. */
    rotateSecret(overlapHours: number): { integration: IntegrationWebhook; secret: string } {
      const current = get();
      if (!current.url) throw invalid("Set a url before giving the integration a secret.");
      const secret = generateSecret();
      const next = { ...current, ...rotate(current, secret, clock.now(), overlapHours) };
      upsert.run(KEY, JSON.stringify(next));
      cached = null;
      return { integration: next, secret };
    },
    /**
     * Header values and the secret are write-only: a masked or missing value keeps the saved
     * one, unless the URL moves to another origin; then saved ones are dropped.
     */
    put(input: IntegrationInput): IntegrationWebhook {
      const current = get();
      const url = input.url === undefined ? current.url : input.url?.trim() || null;
      if (url !== null) {
        if (!/^https?:\/\/[^\s/]/i.test(url)) throw invalid("url must be an http:// or https:// URL.");
        try {
          new URL(url);
        } catch {
          throw invalid("url is not a valid URL.");
        }
      }
      const mayStay = secretsMayStay(current.url, url);
      const headers: Record<string, string> = {};
      const pairs = input.headers === undefined ? Object.entries(current.headers).map(([name]) => [name, MASK] as const)
        : Array.isArray(input.headers) ? input.headers.map((h) => [h.name, h.value] as const) : Object.entries(input.headers);
      for (const [name, value] of pairs) {
        if (typeof name !== "string" || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw invalid(`'${name}' is not a valid header name.`);
        if (typeof value !== "string") throw invalid(`The value of header '${name}' must be a string.`);
        if (/[\r\n\0]/.test(value)) throw invalid(`The value of header '${name}' may not contain line breaks.`);
        const kept = keepOrReplace(value, current.headers[name], mayStay);
        if (kept !== undefined) headers[name] = kept;
      }
      const secret = input.secret === null || input.secret === "" ? null : (keepOrReplace(input.secret, current.secret ?? undefined, mayStay) ?? null);
      if (secret !== null && !secretBytes(secret)) throw invalid("secret must be 'whsec_' followed by base64 of 16 to 128 bytes, or null.");
      const enabled = input.enabled ?? current.enabled;
      if (enabled && !url) throw invalid("Set a url before enabling the integration.");
      // A secret set outright ends any overlap; one kept as it was keeps it.
      const rotation = secret === current.secret ? { previous_secret: current.previous_secret ?? null, previous_until: current.previous_until ?? null } : { previous_secret: null, previous_until: null };
      const next = { url, headers, secret, enabled, ...(mayStay ? rotation : { previous_secret: null, previous_until: null }) };
      upsert.run(KEY, JSON.stringify(next));
      cached = null;
      return next;
    },
  };
}

export type Integration = ReturnType<typeof createIntegration>;

export function integrationToJson(integration: IntegrationWebhook, now: number) {
  return {
    url: integration.url,
    headers: Object.entries(integration.headers).map(([name]) => ({ name, value: MASK })),
    secret: integration.secret ? MASK : null,
    previous_secret_expires_at: previousExpiry(integration, now),
    enabled: integration.enabled,
  };
}
