// Operational routes: /healthz and /metrics.
import { Elysia } from "elysia";
import type { Database } from "bun:sqlite";
import type { Metrics } from "./metrics";

// Health means the database takes writes: a full disk or a read-only file shows here first.
const PROBE = "INSERT INTO team_settings (key, value) VALUES ('health_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";

export function systemRoutes({ db, metrics }: { db: Database; metrics: Metrics }) {
  const ping = db.query(PROBE);
  return new Elysia({ detail: { tags: ["Operations"] } })
    .get("/healthz", ({ set }) => {
      try {
        ping.run(String(Date.now()));
        return { status: "ok" };
      } catch (error) {
        set.status = 503;
        return { status: "unavailable", error: { code: "storage_unavailable", message: (error as Error).message } };
      }
    }, { detail: { summary: "200 while the database takes writes; 503 storage_unavailable otherwise" } })
    .get("/metrics", () => new Response(metrics.render(), { headers: { "content-type": "text/plain; version=0.0.4" } }), {
      detail: { summary: "Prometheus metrics" },
    });
}
