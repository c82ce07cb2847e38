// Alerts: when something needs a person (a delivery failed for good, a target's circuit opened,
// the queue's oldest delivery waits too long, the disk is nearly full), every alert destination
// gets a Slack-compatible message (`text` and structured `fields`; Slack, Mattermost and most
// chat tools take it), signed with Standard Webhooks when the destination has a secret. Each
// condition fires once while it holds and says when it is resolved. The messages are deliveries
// like any other: queued in the transaction that decided them and sent by the relay worker.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { errors } from "../../http/errors";
import { secretBytes } from "../../lib/standard-webhooks";
import type { Credentials, Deliveries } from "./service";
import { SQL } from "./repo";

export interface AlertThresholds {
  /** The oldest pending delivery may wait this long before an alert. */
  pending_minutes: number;
  /** A webhook refusing more requests than this (401, 422, 429) in 15 minutes is an alert. */
  rejections_per_15_minutes: number;
  /** A target failing this share (percent) of at least `target_min_attempts` tries in 5 minutes has its circuit opened, and an alert. */
  target_failure_percent: number;
  target_min_attempts: number;
  /** Free space in the data directory below this is an alert. */
  free_disk_mb: number;
}
export const DEFAULT_THRESHOLDS: AlertThresholds = { pending_minutes: 15, rejections_per_15_minutes: 50, target_failure_percent: 70, target_min_attempts: 10, free_disk_mb: 500 };
const REJECTION_WINDOW_MS = 15 * 60_000;

interface AlertRow {
  id: number;
  key: string;
  title: string;
  details: string;
  opened_at: number;
  resolved_at: number | null;
}
interface DestinationRow {
  id: number;
  url: string;
  secret: string | null;
  created_at: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
export const alertJson = (row: AlertRow) => ({ id: row.id, key: row.key, title: row.title, details: JSON.parse(row.details) as Record<string, string>, opened_at: iso(row.opened_at)!, resolved_at: iso(row.resolved_at) });
export const destinationJson = (row: DestinationRow) => ({ id: row.id, url: row.url, secret: row.secret ? "********" : null, created_at: iso(row.created_at)! });

export function createAlerts({ db, clock, deliveries }: { db: Database; clock: Clock; deliveries: Deliveries }) {
  const selectOpen = db.query<AlertRow, [string]>(SQL.SELECT_OPEN_ALERT);
  const selectAlerts = db.query<AlertRow, [number]>(SQL.SELECT_ALERTS);
  const selectOpenAlerts = db.query<AlertRow, []>(SQL.SELECT_OPEN_ALERTS);
  const insertAlert = db.query<AlertRow, [string, string, string, number]>(SQL.INSERT_ALERT);
  const resolveAlert = db.query(SQL.RESOLVE_ALERT);
  const selectDestinations = db.query<DestinationRow, []>(SQL.SELECT_ALERT_DESTINATIONS);
  const selectDestination = db.query<DestinationRow, [number]>(SQL.SELECT_ALERT_DESTINATION);
  const insertDestination = db.query<DestinationRow, [string, string | null, number]>(SQL.INSERT_ALERT_DESTINATION);
  const deleteDestination = db.query(SQL.DELETE_ALERT_DESTINATION);
  const selectThresholds = db.query<{ config: string }, []>(SQL.SELECT_ALERT_THRESHOLDS);
  const upsertThresholds = db.query(SQL.UPSERT_ALERT_THRESHOLDS);

  /** One message to every destination, queued now (inside the caller's transaction). */
  function notify(text: string, fields: Record<string, string>): void {
    const body = JSON.stringify({ text, fields: Object.entries(fields).map(([title, value]) => ({ title, value, short: value.length < 40 })) });
    // In order per destination: a "Resolved" never arrives before its alert.
    for (const destination of selectDestinations.all()) {
      deliveries.enqueue({ kind: "alert", botId: null, targetUrl: destination.url, method: "POST", headers: { "content-type": "application/json" }, body, secretRef: `alert:${destination.id}`, orderingKey: `alert:${destination.id}` });
    }
  }

  // Refused requests per webhook in the last 15 minutes (times), fed by check().
  const refused = new Map<number, number[]>();
  // Since when the database refused writes: an alert cannot be stored or queued meanwhile.
  let storageDownSince: number | null = null;

  // Read for every delivery's attempt (the circuit's limits): kept in memory; only
  // setThresholds writes them.
  let cachedThresholds: AlertThresholds | null = null;
  const thresholds = (): AlertThresholds => (cachedThresholds ??= { ...DEFAULT_THRESHOLDS, ...(JSON.parse(selectThresholds.get()?.config ?? "{}") as Partial<AlertThresholds>) });
  // Read from the table each time (one indexed row): a cache could outlive a rolled-back write.
  const isOpen = (key: string) => selectOpen.get(key) !== null;

  return {
    /** Another instance changed what this keeps in memory (several instances on PostgreSQL). */
    forgetCached(): void {
      cachedThresholds = null;
    },
    /** Opens the alert `key` unless it is open already; tells every destination once. */
    /**
     * The periodic checks: the queue's oldest pending delivery and the free disk, against the
     * thresholds (the events, a delivery failing for good and a circuit opening, fire as they happen).
     */
    check({ now, oldestPendingAt, freeBytes, refusedRequests = [] }: { now: number; oldestPendingAt: number | null; freeBytes: number | null; refusedRequests?: { webhook_id: number; received_at: number }[] }): void {
      const limits = thresholds();
      for (const { webhook_id, received_at } of refusedRequests) refused.set(webhook_id, [...(refused.get(webhook_id) ?? []), received_at]);
      for (const [webhookId, times] of refused) {
        const recent = times.filter((at) => at > now - REJECTION_WINDOW_MS);
        if (recent.length === 0) refused.delete(webhookId);
        else refused.set(webhookId, recent);
        const key = `rejections:${webhookId}`;
        if (recent.length > limits.rejections_per_15_minutes) {
          this.fire(key, `inbound webhook ${webhookId} refuses many requests`, { webhook: String(webhookId), "refused in 15 minutes": String(recent.length), threshold: String(limits.rejections_per_15_minutes) });
        } else this.resolve(key, "refusals are back under the threshold");
      }
      const waited = oldestPendingAt === null ? 0 : now - oldestPendingAt;
      if (waited > limits.pending_minutes * 60_000) this.fire("pending_age", "deliveries are waiting too long", { "oldest pending since": iso(oldestPendingAt)!, threshold: `${limits.pending_minutes} minutes` });
      else this.resolve("pending_age", "the queue caught up");
      if (freeBytes !== null && freeBytes < limits.free_disk_mb * 2 ** 20) this.fire("disk_low", "the data directory's disk is nearly full", { free: `${Math.floor(freeBytes / 2 ** 20)} MB`, threshold: `${limits.free_disk_mb} MB` });
      else if (freeBytes !== null) this.resolve("disk_low", "there is room again");
    },
    /** The database refused a write (checked every half minute): remembered in memory. */
    storageFailed(now: number): void {
      storageDownSince ??= now;
    },
    /**
     * Writes work again (inside a transaction): the alert that could not be sent while they
     * failed goes out now, with when it began and ended, and is resolved at once.
     */
    storageRecovered(now: number): void {
      if (storageDownSince === null) return;
      this.fire("storage", "the database could not be written", { from: iso(storageDownSince)!, until: iso(now)! });
      this.resolve("storage", "writes work again");
      storageDownSince = null;
    },
    fire(key: string, title: string, details: Record<string, string>): void {
      if (isOpen(key)) return;
      insertAlert.run(key, title, JSON.stringify(details), clock.now());
      notify(`Alert: ${title}`, details);
    },
    /** Resolves the alert `key` if it is open, and says so to every destination. */
    resolve(key: string, how: string): void {
      const open = selectOpen.get(key);
      if (!open) return;
      resolveAlert.run(clock.now(), open.id);
      notify(`Resolved: ${open.title}`, { ...(JSON.parse(open.details) as Record<string, string>), resolved: how });
    },
    isOpen,
    open: () => selectOpenAlerts.all().map(alertJson),
    recent: (limit = 50) => selectAlerts.all(limit).map(alertJson),

    destinations: () => selectDestinations.all().map(destinationJson),
    addDestination(input: { url: string; secret?: string | null }) {
      const url = input.url.trim();
      if (!/^https?:\/\/[^\s/]/i.test(url)) throw errors.validation("url: an http:// or https:// URL", "invalid_alert_destination");
      try {
        new URL(url);
      } catch {
        throw errors.validation("url: not a valid URL", "invalid_alert_destination");
      }
      const secret = input.secret?.trim() || null;
      if (secret !== null && !secretBytes(secret)) throw errors.validation("secret: 'whsec_' followed by base64 of 16 to 128 bytes", "invalid_alert_destination");
      return destinationJson(insertDestination.get(url, secret, clock.now())!);
    },
    removeDestination(id: number): void {
      if (!selectDestination.get(id)) throw errors.notFound("alert destination", String(id));
      deleteDestination.run(id);
    },
    /** The secrets an alert delivery is sent with, read from its destination now. */
    credentialsFor(destinationId: string): Credentials {
      const destination = selectDestination.get(Number(destinationId));
      if (!destination) return { ok: false, reason: "its alert destination was removed" };
      return { ok: true, headers: {}, secret: destination.secret };
    },

    thresholds,
    setThresholds(patch: Partial<AlertThresholds>): AlertThresholds {
      const next = { ...thresholds(), ...patch };
      upsertThresholds.run(JSON.stringify(next));
      cachedThresholds = next;
      return next;
    },
  };
}

export type Alerts = ReturnType<typeof createAlerts>;
