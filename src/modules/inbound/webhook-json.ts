// An inbound webhook as the API shows it: its URL, its settings, its rate limit's remaining
// tokens; the signing secret only by its first characters (write-only).
import type { Bot } from "../bots/service";
import type { Webhook } from "./service";
import { previousExpiry } from "../../lib/secret-rotation";

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
    previous_signing_secret_expires_at: previousExpiry({ secret: webhook.signing_secret, previous_secret: webhook.previous_signing_secret, previous_until: webhook.previous_secret_until }, now),
    idempotency_path: webhook.idempotency_path,
    conditions: webhook.conditions,
    reply: webhook.reply,
    listening: webhook.listen_until !== null && webhook.listen_until > now,
    example_captured_at: webhook.listen_captured_at === null ? null : new Date(webhook.listen_captured_at).toISOString(),
    created_at: new Date(webhook.created_at).toISOString(),
    updated_at: new Date(webhook.updated_at).toISOString(),
  };
}
