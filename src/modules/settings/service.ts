// Installation-wide settings, kept in team_settings as text.
import type { Database } from "bun:sqlite";
import { SQL } from "./repo";

export interface TeamSettings {
  team_id: number;
  max_inbound_webhooks_per_bot: number;
  log_retention_days: number;
  audit_retention_days: number;
  delivery_timeout_seconds: number;
  max_deliveries_in_flight: number;
  allow_private_targets: boolean;
  require_owner_two_factor: boolean;
}


const DEFAULTS = { max_inbound_webhooks_per_bot: 5, log_retention_days: 30, audit_retention_days: 365, delivery_timeout_seconds: 15, max_deliveries_in_flight: 32 };

export function createSettings({ db }: { db: Database }) {
  const selectAll = db.query<{ key: string; value: string }, []>(SQL.SELECT_SETTINGS);
  const upsert = db.query(SQL.UPSERT_SETTING);
  const probe = db.query(SQL.PROBE);
  const selectValue = db.query<{ value: string }, [string]>(SQL.SELECT_VALUE);
  const deleteValue = db.query(SQL.DELETE_VALUE);

  // Read on every request and delivery; only update() below changes them (this process owns
  // the data dir while it runs).
  let cached: TeamSettings | null = null;

  function get(): TeamSettings {
    return (cached ??= read());
  }

  function read(): TeamSettings {
    const raw = Object.fromEntries(selectAll.all().map((row) => [row.key, row.value]));
    const number = (key: keyof typeof DEFAULTS) => (raw[key] !== undefined && Number.isFinite(Number(raw[key])) ? Number(raw[key]) : DEFAULTS[key]);
    return {
      team_id: Number(raw.team_id),
      max_inbound_webhooks_per_bot: number("max_inbound_webhooks_per_bot"),
      log_retention_days: number("log_retention_days"),
      audit_retention_days: number("audit_retention_days"),
      delivery_timeout_seconds: number("delivery_timeout_seconds"),
      max_deliveries_in_flight: number("max_deliveries_in_flight"),
      // This runs on company networks: private and loopback targets are allowed unless turned off.
      allow_private_targets: raw.allow_private_targets !== "false",
      // Off unless an owner or admin turns it on (installations from before it existed too).
      require_owner_two_factor: raw.require_owner_two_factor === "true",
    };
  }

  return {
    /** Another instance changed what this keeps in memory (several instances on PostgreSQL). */
    forgetCached(): void {
      cached = null;
    },
    get,
    /** An internal value kept by another module (not a setting: never in get()). */
    value: (key: string): string | null => selectValue.get(key)?.value ?? null,
    setValue: (key: string, value: string | null): void => void (value === null ? deleteValue.run(key) : upsert.run(key, value)),
    /** A tiny write: it fails when the database cannot take writes (health). */
    probe(now: number): void {
      probe.run(String(now));
    },
    update(patch: Partial<Omit<TeamSettings, "team_id">>): TeamSettings {
      db.transaction(() => {
        for (const [key, value] of Object.entries(patch)) if (value !== undefined) upsert.run(key, String(value));
      })();
      cached = null;
      return get();
    },
  };
}

export type Settings = ReturnType<typeof createSettings>;
