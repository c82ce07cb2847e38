// Circuit breaking per target origin. When a target fails too often (at least MIN_ATTEMPTS tries
// in the last WINDOW_MS, FAILURE_RATE of them failed; both editable as alert thresholds), its circuit opens: its deliveries wait
// without spending tries, and one probe goes out at growing intervals; the first probe that
// succeeds closes it. A target whose circuit stays open for DISABLE_AFTER_MS is disabled: no more
// probes until someone enables it again. A failure here means the target was unavailable: no
// answer, 408, 429 or 5xx (a 4xx is the target answering, not being down).
//
// The recent outcomes are counted in memory; a circuit's state is kept in the database
// (migration 22), written in the transaction of the attempt that changed it, so an open circuit
// stays open across a restart.
import type { Database } from "bun:sqlite";
import { SQL } from "./repo";

export const WINDOW_MS = 5 * 60_000;
export const MIN_ATTEMPTS = 10;
export const FAILURE_RATE = 0.7;
export const FIRST_PROBE_MS = 30_000;
export const MAX_PROBE_MS = 3600_000;
export const DISABLE_AFTER_MS = 5 * 24 * 3600_000;
const BUCKET_MS = 5000;

interface Bucket {
  start: number;
  attempts: number;
  failures: number;
}

export type CircuitState = "closed" | "open" | "disabled";

interface CircuitRow {
  origin: string;
  state: CircuitState;
  opened_at: number | null;
  failing_since: number | null;
  next_probe_at: number | null;
  probe_ms: number | null;
  last_error: string | null;
  updated_at: number;
}

export interface TargetHealth {
  origin: string;
  state: CircuitState;
  attempts: number;
  failures: number;
  failing_since: string | null;
  next_probe_at: string | null;
  last_error: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Whether an attempt's outcome says the target was unavailable. */
export const targetDown = (status: number | null) => status === null || status === 408 || status === 429 || status >= 500;

export function createCircuits({ db, onStateChange = () => {}, limits = () => ({ minAttempts: MIN_ATTEMPTS, failureRate: FAILURE_RATE }) }: {
  db: Database;
  onStateChange?: (origin: string, state: CircuitState) => void;
  /** When a target counts as failing (the alert thresholds); the defaults otherwise. */
  limits?: () => { minAttempts: number; failureRate: number };
}) {
  const selectAll = db.query<CircuitRow, []>(SQL.SELECT_CIRCUITS);
  const upsert = db.query(SQL.UPSERT_CIRCUIT);
  // Tries and failures per origin in BUCKET_MS slices of the window: counting them costs the
  // window's few slices, not one entry per try (thousands a second on a busy target).
  const recent = new Map<string, Bucket[]>();
  const lastError = new Map<string, string>();
  const probing = new Set<string>();
  // Circuits that are not closed, as saved; read at every claim.
  let open: Map<string, CircuitRow> | null = null;
  const circuits = () => (open ??= new Map(selectAll.all().filter((row) => row.state !== "closed").map((row) => [row.origin, row])));

  function save(row: CircuitRow): void {
    const before = circuits().get(row.origin)?.state ?? "closed";
    upsert.run(row.origin, row.state, row.opened_at, row.failing_since, row.next_probe_at, row.probe_ms, row.last_error, row.updated_at);
    if (before !== row.state) onStateChange(row.origin, row.state);
    if (row.state === "closed") circuits().delete(row.origin);
    else circuits().set(row.origin, row);
  }

  /** An open circuit failing for DISABLE_AFTER_MS is disabled, whether or not a probe was due. */
  function current(origin: string, now: number): CircuitRow | undefined {
    const circuit = circuits().get(origin);
    if (circuit?.state === "open" && now - circuit.failing_since! >= DISABLE_AFTER_MS) {
      const disabled = { ...circuit, state: "disabled" as const, next_probe_at: null, updated_at: now };
      save(disabled);
      return disabled;
    }
    return circuit;
  }

  /** The origin's slices still in the window (older ones dropped), and their totals. */
  function window(origin: string, now: number): { buckets: Bucket[]; attempts: number; failures: number } {
    const buckets = recent.get(origin) ?? [];
    while (buckets.length > 0 && buckets[0]!.start <= now - WINDOW_MS) buckets.shift();
    recent.set(origin, buckets);
    let attempts = 0;
    let failures = 0;
    for (const bucket of buckets) {
      attempts += bucket.attempts;
      failures += bucket.failures;
    }
    return { buckets, attempts, failures };
  }

  return {
    /** Another instance changed what this keeps in memory (several instances on PostgreSQL). */
    forgetCached(): void {
      open = null;
    },
    /**
     * Whether a delivery to `origin` may be sent now. With the circuit open, only one probe at a
     * time once it is due; otherwise the time to wait.
     */
    admit(origin: string, now: number): { ok: true } | { ok: false; until: number } {
      const circuit = current(origin, now);
      if (!circuit) return { ok: true };
      if (circuit.state === "disabled") return { ok: false, until: now + MAX_PROBE_MS };
      if (now < circuit.next_probe_at! || probing.has(origin)) return { ok: false, until: Math.max(circuit.next_probe_at!, now + 1000) };
      probing.add(origin);
      return { ok: true };
    },

    /** An attempt to `origin` finished: counts it, and opens, closes or extends its circuit. Inside the attempt's transaction. */
    record(origin: string, status: number | null, error: string | null, now: number): void {
      const failed = targetDown(status);
      if (failed) lastError.set(origin, error ?? `HTTP ${status}`);
      const { buckets } = window(origin, now);
      const start = now - (now % BUCKET_MS);
      const last = buckets.at(-1);
      if (last && last.start === start) {
        last.attempts++;
        if (failed) last.failures++;
      } else buckets.push({ start, attempts: 1, failures: failed ? 1 : 0 });
      const circuit = circuits().get(origin);
      if (circuit && probing.has(origin)) {
        probing.delete(origin);
        if (!failed) {
          recent.set(origin, [{ start, attempts: 1, failures: 0 }]);
          save({ ...circuit, state: "closed", opened_at: null, failing_since: null, next_probe_at: null, probe_ms: null, updated_at: now });
          return;
        }
        const probeMs = Math.min(circuit.probe_ms! * 2, MAX_PROBE_MS);
        save({ ...circuit, next_probe_at: now + probeMs, probe_ms: probeMs, last_error: lastError.get(origin) ?? null, updated_at: now });
        current(origin, now);
        return;
      }
      if (circuit) return;
      const { attempts, failures } = window(origin, now);
      const { minAttempts, failureRate } = limits();
      if (attempts >= minAttempts && failures / attempts >= failureRate) {
        save({ origin, state: "open", opened_at: now, failing_since: now, next_probe_at: now + FIRST_PROBE_MS, probe_ms: FIRST_PROBE_MS, last_error: lastError.get(origin) ?? null, updated_at: now });
      }
    },

    /** A probe handed out by admit() that was never sent (shutdown): the next may go. */
    released(origin: string): void {
      probing.delete(origin);
    },

    /** Closes a circuit by hand (a disabled target enabled again). */
    enable(origin: string, now: number): boolean {
      const circuit = circuits().get(origin);
      if (!circuit) return false;
      recent.set(origin, []);
      probing.delete(origin);
      save({ ...circuit, state: "closed", opened_at: null, failing_since: null, next_probe_at: null, probe_ms: null, updated_at: now });
      return true;
    },

    /** Every target tried in the window or with a circuit not closed: state, tries and failures, last error. */
    health(now: number): TargetHealth[] {
      const origins = new Set([...recent.keys(), ...circuits().keys()]);
      return [...origins].sort().flatMap((origin) => {
        const { attempts, failures } = window(origin, now);
        const circuit = current(origin, now);
        if (!circuit && attempts === 0) return [];
        return [{
          origin,
          state: circuit?.state ?? "closed",
          attempts,
          failures,
          failing_since: iso(circuit?.failing_since ?? null),
          next_probe_at: circuit?.state === "open" ? iso(circuit.next_probe_at) : null,
          last_error: lastError.get(origin) ?? circuit?.last_error ?? null,
        }];
      });
    },
  };
}

export type Circuits = ReturnType<typeof createCircuits>;
