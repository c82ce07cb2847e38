// Operational routes: /healthz and /metrics.
import { Elysia } from "elysia";
import type { Database } from "bun:sqlite";
import type { Metrics } from "./metrics";

export function systemRoutes({ db, metrics }: { db: Database; metrics: Metrics }) {
  const ping = db.query("SELECT 1");
  return new Elysia({ detail: { tags: ["Operations"] } })
    .get("/healthz", ({ set }) => {
      try {
        ping.get();
        return { status: "ok" };
      } catch (error) {
        set.status = 503;
        return { status: "unavailable", error: { code: "storage_unavailable", message: (error as Error).message } };
      }
    }, { detail: { summary: "200 while the database answers" } })
    .get("/metrics", () => new Response(metrics.render(), { headers: { "content-type": "text/plain; version=0.0.4" } }), {
      detail: { summary: "Prometheus metrics" },
    });
}
