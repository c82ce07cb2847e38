// Operational routes: /healthz and /metrics.
import { Elysia } from "elysia";
import type { Metrics } from "./metrics";
import type { Circuits } from "../deliveries/circuits";
import type { Alerts } from "../deliveries/alerts";
import type { StageTimes } from "../../lib/stage-times";
import type { Clock } from "../../lib/clock";
import { statfsSync } from "node:fs";
import { DELIVERY_STATES, type Deliveries } from "../deliveries/service";
import type { Settings } from "../settings/service";

// A full disk does not always fail a tiny write (the WAL reuses its own space), so health also
// asks the filesystem: below this much free space, requests that need new pages fail.
const MIN_FREE_BYTES = 4 * 1024 * 1024;

export function freeBytesOf(dir: string): number | null {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null; // a filesystem that cannot say: the write probe decides alone
  }
}

export interface HealthDeps {
  clock: Clock;
  dataDir: string;
  database: "sqlite" | "postgres";
  settings: Settings;
  freeBytes?: (dir: string) => number | null;
}

/** /healthz's answer: 200 while the database takes writes, 503 `storage_unavailable` otherwise. */
export function healthCheck({ clock, dataDir, database, settings, freeBytes = freeBytesOf }: HealthDeps) {
  return (): { status: 200 | 503; body: Record<string, unknown> } => {
    try {
      // With PostgreSQL the data directory still takes uploads being imported: a full disk there counts too.
      const free = freeBytes(dataDir);
      if (free !== null && free < MIN_FREE_BYTES) throw new Error(`the data directory's disk is full (${free} bytes free)`);
      settings.probe(clock.now());
      return { status: 200, body: { status: "ok", database } };
    } catch (error) {
      return { status: 503, body: { status: "unavailable", error: { code: "storage_unavailable", message: (error as Error).message } } };
    }
  };
}

export type HealthCheck = ReturnType<typeof healthCheck>;

export function systemRoutes({ clock, metrics, stages, deliveries, circuits, alerts, health }: { clock: Clock; metrics: Metrics; stages: StageTimes; deliveries: Deliveries; circuits: Circuits; alerts: Alerts; health: HealthCheck }) {
  /** The queue as it is now: deliveries by state, how many wait, and how long the oldest has. */
  function queueGauges(): string[] {
    const counts = deliveries.counts();
    const oldest = deliveries.oldestPendingAt();
    const health = circuits.health(clock.now());
    return [
      "# HELP switchboard_deliveries Deliveries stored, by state.",
      "# TYPE switchboard_deliveries gauge",
      ...DELIVERY_STATES.map((state) => `switchboard_deliveries{state="${state}"} ${counts[state]}`),
      "# HELP switchboard_delivery_queue_depth Deliveries waiting or being sent.",
      "# TYPE switchboard_delivery_queue_depth gauge",
      `switchboard_delivery_queue_depth ${counts.pending + counts.sending}`,
      "# HELP switchboard_delivery_oldest_pending_seconds Age of the oldest pending delivery (0 when none).",
      "# TYPE switchboard_delivery_oldest_pending_seconds gauge",
      `switchboard_delivery_oldest_pending_seconds ${oldest === null ? 0 : Math.max(0, (clock.now() - oldest) / 1000).toFixed(3)}`,
      "# HELP switchboard_target_circuits Target origins whose circuit holds their deliveries, by state.",
      "# TYPE switchboard_target_circuits gauge",
      ...(["open", "disabled"] as const).map((state) => `switchboard_target_circuits{state="${state}"} ${health.filter((t) => t.state === state).length}`),
      "# HELP switchboard_alerts_open Alerts raised and not resolved.",
      "# TYPE switchboard_alerts_open gauge",
      `switchboard_alerts_open ${alerts.open().length}`,
    ];
  }

  return new Elysia({ name: "system-routes", detail: { tags: ["Operations"] } })
    // GET is answered by the server's own router (server.ts), as load balancers poll it; this
    // route documents it and answers HEAD.
    .get("/healthz", ({ set }) => {
      const { status, body } = health();
      set.status = status;
      return body;
    }, {
      detail: {
        summary: "200 while the database takes writes (PostgreSQL: is reachable and takes writes); 503 storage_unavailable otherwise",
        responses: {
          200: { description: "The database takes writes.", content: { "application/json": { schema: { type: "object", required: ["status"], properties: { status: { const: "ok" }, database: { enum: ["sqlite", "postgres"], description: "Which engine this instance stores in" } } } } } },
          503: { description: "The database cannot be written (`storage_unavailable`).", content: { "application/json": { schema: { type: "object", required: ["status", "error"], properties: { status: { const: "unavailable" }, error: { $ref: "#/components/schemas/Error/properties/error" } } } } } },
        },
      } as never,
    })
    .get("/metrics", () => new Response(metrics.render([...queueGauges(), ...stages.lines()]), { headers: { "content-type": "text/plain; version=0.0.4" } }), {
      detail: { summary: "Prometheus metrics", responses: { 200: { description: "The Prometheus text exposition format, version 0.0.4.", content: { "text/plain": { schema: { type: "string" } } } } } } as never,
    });
}
