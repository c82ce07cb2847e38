// Boot and shutdown of the HTTP server: open the data dir, build the app, listen, log each
// request as one JSON line, and stop gracefully.
import type { Database } from "bun:sqlite";
import { publicUrlFor, type Config } from "./config";
import { openDataDir } from "./db/index";
import { takeLock } from "./db/backup";
import { systemClock, type Clock } from "./lib/clock";
import { createApp, createServices, type Services } from "./app";
import { createMetrics } from "./modules/system/metrics";
import { createRetention } from "./modules/inbound/retention";
import { createWorker, type Worker, type WorkerDeps } from "./modules/deliveries/worker";
import { VERSION } from "./version";

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  services: Services;
  worker: Worker;
  stop(): Promise<void>;
}

export type Logger = (line: Record<string, unknown>) => void;

// One write(2) per request line costs more than the request itself under load: lines are
// buffered and written together at most every 50 ms (and at exit).
const stdout = Bun.stdout.writer({ highWaterMark: 64 * 1024 });
let flushTimer: ReturnType<typeof setTimeout> | null = null;
export function flushLogs() {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  stdout.flush();
}
export const jsonLogger: Logger = (line) => {
  stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
  flushTimer ??= setTimeout(flushLogs, 50);
};

// Larger bodies are cut off by Bun itself; below this the receiver answers 413 in its own words.
const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;

// The admin page allows no inline script and no framing; the API docs page needs inline script.
const ADMIN_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

function withSecurityHeaders(response: Response, path: string): Response {
  const headers = response.headers;
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "same-origin");
  if (!path.startsWith("/docs") && !headers.has("content-security-policy")) {
    headers.set("content-security-policy", ADMIN_CSP);
    headers.set("x-frame-options", "DENY");
  }
  return response;
}

export interface ServerOptions {
  log?: Logger;
  /** Where the human-readable start-up lines (admin URL, setup link) go. */
  announce?: (line: string) => void;
  clock?: Clock;
  /** Stand-ins for the worker's network access (tests). */
  workerOptions?: Pick<WorkerDeps, "fetch" | "lookup" | "random">;
}

export async function startServer(config: Config, { log = jsonLogger, announce = console.log, clock = systemClock, workerOptions = {} }: ServerOptions = {}): Promise<RunningServer> {
  const db = openDataDir(config.dataDir);
  let releaseLock: () => void;
  try {
    releaseLock = takeLock(config.dataDir);
  } catch (error) {
    db.close();
    throw error;
  }
  const services = createServices({ db, clock });
  // Hashing SWITCHBOARD_ADMIN_PASSWORD (argon2id) takes longer than the rest of the start:
  // it runs once the server listens, and logins wait for it.
  let adminReady: Promise<void> = Promise.resolve();
  const metrics = createMetrics();
  const routes = new WeakMap<Request, string>();
  const clientIps = new WeakMap<Request, string>();
  let url = "";
  const app = createApp(
    { config, db, clock, metrics, onRoute: (request, route) => routes.set(request, route), publicUrl: () => url, clientIp: (request) => clientIps.get(request) ?? null, adminReady: () => adminReady },
    services,
  );
  const retention = createRetention({ db, clock, settings: services.settings });
  const worker = createWorker({ db, clock, settings: services.settings, deliveries: services.deliveries, groupCommit: services.groupCommit, log, ...workerOptions });

  const server = Bun.serve({
    hostname: config.host,
    port: config.port,
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    async fetch(request, server) {
      const started = performance.now();
      const ip = server.requestIP(request)?.address;
      if (ip) clientIps.set(request, ip);
      const path = new URL(request.url).pathname;
      const response = withSecurityHeaders(await app.handle(request), path);
      const ms = Math.round((performance.now() - started) * 100) / 100;
      const route = routes.get(request) ?? "unmatched";
      metrics.recordRequest(request.method, route, response.status, ms);
      // The path only: query strings can carry secrets (the setup link's token).
      log({ level: "info", msg: "request", method: request.method, path, status: response.status, ms });
      return response;
    },
  });

  const port = server.port!;
  url = publicUrlFor(config, port);
  retention.start();
  worker.start();
  log({ level: "info", msg: "listening", version: VERSION, address: `${config.host}:${port}`, data: config.dataDir });
  const lines = [`Switchboard ${VERSION} is running. Admin page: ${url}/admin`];
  adminReady = applyAdminPassword(config, services);
  if (!config.adminPassword && !services.accounts.hasAdmin()) {
    lines.push(`First run: set the admin password at ${url}/admin/setup?token=${services.accounts.issueSetupToken()}`);
  }
  // One write, so whoever reads the output sees the admin URL and the setup link together.
  announce(lines.join("\n"));

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    db,
    services,
    worker,
    stop() {
      // Stop accepting, let in-flight requests finish, then close the database cleanly.
      stopping ??= (async () => {
        await server.stop();
        await adminReady.catch(() => {});
        await worker.stop();
        retention.stop();
        db.close();
        releaseLock();
        log({ level: "info", msg: "stopped" });
        flushLogs();
      })();
      return stopping;
    },
  };
}

/** SWITCHBOARD_ADMIN_PASSWORD wins over the setup link; unchanged, it keeps sessions alive. */
async function applyAdminPassword(config: Config, services: Services) {
  if (!config.adminPassword) return;
  if ((await services.accounts.checkPassword(config.adminPassword)) !== null) return;
  await services.accounts.setPassword(config.adminPassword);
}
