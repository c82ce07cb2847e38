// Boot and shutdown of the HTTP server: open the data dir, build the app, listen, log each
// request as one JSON line, and stop gracefully.
import type { Database } from "bun:sqlite";
import { publicUrlFor, type Config } from "./config";
import { DATABASE_FILE, isPostgres, openStore } from "./db/index";
import { startCheckpoints } from "./db/checkpoints";
import { onOneInstance } from "./db/chores";
import { startChangeFeed } from "./db/change-feed";
import { createWalFlush } from "./db/wal-flush";
import { takeLock } from "./db/backup";
import { systemClock, type Clock } from "./lib/clock";
import { createApp, createServices, errorResponse, type Services } from "./app";
import { freeBytesOf } from "./modules/system/index";
import { createMetrics } from "./modules/system/metrics";
import { createRetention } from "./modules/inbound/retention";
import { createWorker, type Worker, type WorkerDeps } from "./modules/deliveries/worker";
import { VERSION } from "./version";
import { withSecurityHeaders } from "./http/security-headers";
import { clientAddressResolver, parseTrustedProxies } from "./http/client-address";
import { join } from "node:path";

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  services: Services;
  worker: Worker;
  /** Every route the app answers, as the router holds them (scope and input tests walk it). */
  routes(): { method: string; path: string }[];
  stop(): Promise<void>;
}

export type Logger = (line: Record<string, unknown>) => void;

/** A path as the request log shows it: the secret token of a webhook or channel URL cut to its first four characters. */
export function loggedPath(path: string): string {
  return path.replace(/^\/(hooks|channels)\/([^/]*)/, (_, kind: string, token: string) => `/${kind}/${loggedToken(token)}`);
}
/** A webhook's or channel's secret token as logs show it: enough to tell them apart. */
const loggedToken = (token: string) => `${token.slice(0, 4)}…`;

// Writing each request line costs more than the request itself under load: lines are joined
// into one string (encoded once, by the write) and written together at most every 50 ms, sooner
// when it grows past PENDING_LIMIT characters, and at exit.
const stdout = Bun.stdout.writer();
const PENDING_LIMIT = 256 * 1024;
let pending = "";
let flushTimer: ReturnType<typeof setTimeout> | null = null;
export function flushLogs() {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  if (pending === "") return;
  stdout.write(pending);
  stdout.flush();
  pending = "";
}
function append(text: string) {
  pending += text;
  if (pending.length > PENDING_LIMIT) flushLogs();
  else flushTimer ??= setTimeout(flushLogs, 50);
}
// Formatting the time is a noticeable part of a line: once per millisecond is enough.
let lastMs = 0;
let lastTime = "";
export const jsonLogger: Logger = (line) => {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastTime = new Date(ms).toISOString();
  }
  const fields = JSON.stringify(line);
  append(`{"time":"${lastTime}"${fields.length > 2 ? "," : ""}${fields.slice(1)}\n`);
};

// Larger bodies are cut off by Bun itself; below this the receiver answers 413 in its own words.
const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;

export interface ServerOptions {
  log?: Logger;
  /** Where the human-readable start-up lines (admin URL, setup link) go. */
  announce?: (line: string) => void;
  clock?: Clock;
  /** Stand-ins for the worker's network access (tests). */
  workerOptions?: Pick<WorkerDeps, "fetch" | "lookup" | "random">;
  /** A stand-in for the disk's free space (tests of /healthz on a full disk, without root). */
  freeBytes?: (dir: string) => number | null;
}

const ALERT_CHECK_MS = 30_000;
const CACHE_REREAD_MS = 30_000;

export async function startServer(config: Config, { log = jsonLogger, announce = console.log, clock = systemClock, workerOptions = {}, freeBytes }: ServerOptions = {}): Promise<RunningServer> {
  const db = openStore(config);
  // SQLite's file is one process's; PostgreSQL is shared by every instance pointed at it, and
  // its commits are on disk when they return (synchronous_commit), so no flush of our own.
  const postgres = isPostgres(db);
  let releaseLock: () => void = () => {};
  try {
    if (!postgres) releaseLock = takeLock(config.dataDir);
  } catch (error) {
    db.close();
    throw error;
  }
  let url = "";
  const walFlush = config.durability === "full" && !postgres ? createWalFlush(join(config.dataDir, DATABASE_FILE)) : null;
  const services = createServices({ db, clock, publicUrl: () => url, flush: walFlush?.flush, importsDir: join(config.dataDir, "imports") });
  // Hashing SWITCHBOARD_ADMIN_PASSWORD (argon2id) takes longer than the rest of the start:
  // it runs once the server listens, and logins wait for it.
  let adminReady: Promise<void> = Promise.resolve();
  // Several instances on PostgreSQL hear each other's changes (live topics, changed definitions).
  const changes = await startChangeFeed({
    db,
    url: config.databaseUrl,
    onRemote: (topics) => {
      // A captured example changed its webhook's row (no longer listening) on the other instance.
      if (topics.some((topic) => topic === "caches" || topic === "*" || topic.startsWith("example-"))) services.forgetCached();
      for (const topic of topics) if (topic !== "caches" && topic !== "*") services.live.publish(topic);
    },
    onError: (error) => log({ level: "error", msg: "change feed failed", error: (error as Error).message }),
  });
  services.remote.announce = changes.announce;
  // A notice missed while the listening connection was cut (PostgreSQL restarting) lasts at most this long.
  const rereads = postgres ? setInterval(() => services.forgetCached(), CACHE_REREAD_MS) : null;
  rereads?.unref?.();
  const metrics = createMetrics();
  const routes = new WeakMap<Request, string>();
  const clientIps = new WeakMap<Request, string>();
  const clientAddress = clientAddressResolver(parseTrustedProxies(config.trustedProxies));
  const { app, receiveHook, health } = createApp(
    {
      config,
      db,
      clock,
      metrics,
      onRoute: (request, route) => routes.set(request, route),
      publicUrl: () => url,
      clientIp: (request) => clientIps.get(request) ?? null,
      adminReady: () => adminReady,
      // Event streams stay open as long as their page: Bun's idle timeout must not end them.
      keepOpen: (request) => server.timeout(request, 0),
      log,
      freeBytes,
    },
    services,
  );
  const retention = createRetention({ db, clock, settings: services.settings, deliveries: services.deliveries, hourly: services.hourly, sharedLimits: services.sharedLimits, audit: services.audit });
  const worker = createWorker({ db, clock, settings: services.settings, deliveries: services.deliveries, groupCommit: services.groupCommit, hourly: services.hourly, metrics, log, onAttempted: services.onAttempted, limitFor: services.targetLimits.forOrigin, circuits: services.circuits, ...workerOptions });

  /** Every request's common frame: metrics by route and one log line. */
  function record(request: Request, path: string, route: string, response: Response, started: number): Response {
    const ms = Math.round((performance.now() - started) * 100) / 100;
    metrics.recordRequest(request.method, route, response.status, ms);
    // The path only: query strings can carry secrets (the setup link's token).
    log({ level: "info", msg: "request", method: request.method, path, status: response.status, ms });
    return response;
  }

  /** The receiver answers unknown tokens without waiting on anything: no promise then. */
  function receive(request: Request, ip: string | null): Response | Promise<Response> {
    const started = performance.now();
    const { token } = (request as Request & { params: { token: string } }).params;
    // A webhook's token is its secret: the log shows only enough of it to tell them apart.
    const path = `/hooks/${loggedToken(token)}`;
    // Its own answers carry the security headers; an error (a full disk) gets them here.
    const failed = (error: unknown) => withSecurityHeaders(errorResponse("UNKNOWN", error, request, "/hooks", log));
    let answer: Response | Promise<Response>;
    try {
      answer = receiveHook(request, token, ip);
    } catch (error) {
      answer = failed(error);
    }
    if (answer instanceof Response) return record(request, path, "/hooks/:token", answer, started);
    return answer.catch(failed).then((response) => record(request, path, "/hooks/:token", response, started));
  }

  const server = Bun.serve({
    hostname: config.host,
    port: config.port,
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    // The receiver is the route outside systems hammer: Bun's router hands it over directly.
    // Other methods on the same path fall through to fetch (OPTIONS preflight, 405).
    routes: {
      "/hooks/:token": { POST: (request, server) => receive(request, clientAddress(server.requestIP(request)?.address ?? null, request.headers)) },
      // Polled by load balancers and service managers, and the first thing asked of a fresh start.
      "/healthz": {
        GET: (request) => {
          const started = performance.now();
          const { status, body } = health();
          return record(request, "/healthz", "/healthz", withSecurityHeaders(Response.json(body, { status })), started);
        },
      },
    },
    async fetch(request, server) {
      const started = performance.now();
      const ip = clientAddress(server.requestIP(request)?.address ?? null, request.headers);
      if (ip) clientIps.set(request, ip);
      const path = new URL(request.url).pathname;
      const response = withSecurityHeaders(await app.handle(request));
      // A change made here (a webhook, a setting): other instances drop what they keep in memory.
      if (request.method !== "GET" && request.method !== "HEAD" && response.status < 400) changes.announce("caches");
      return record(request, loggedPath(path), routes.get(request) ?? "unmatched", response, started);
    },
  });

  const port = server.port!;
  url = publicUrlFor(config, port);
  retention.start();
  // The alerts that are states rather than events: checked every half minute (see alerts.ts).
  // Requests refused before this start are history, not news.
  let refusedAfter = services.logs.lastId();
  const alertChecks = setInterval(() => {
    try {
      try {
        services.settings.probe(clock.now());
      } catch {
        services.alerts.storageFailed(clock.now());
        return;
      }
      // Several instances on PostgreSQL: one checks at a time (an alert fires once).
      void onOneInstance(db, "alert checks", () => {
        const refusedRequests = services.logs.refusedSince(refusedAfter);
        refusedAfter = refusedRequests.at(-1)?.id ?? refusedAfter;
        db.transaction(() => {
          services.alerts.storageRecovered(clock.now());
          services.alerts.check({ now: clock.now(), oldestPendingAt: services.deliveries.oldestPendingAt(), freeBytes: (freeBytes ?? freeBytesOf)(config.dataDir), refusedRequests });
        })();
      }).catch((error) => log({ level: "error", msg: "alert check failed", error: (error as Error).message }));
    } catch (error) {
      log({ level: "error", msg: "alert check failed", error: (error as Error).message });
    }
  }, ALERT_CHECK_MS);
  alertChecks.unref?.();
  if (!postgres) services.searchIndexer.start((error) => log({ level: "error", msg: "search index update failed", error: (error as Error).message }));
  services.replays.startRunner((error) => log({ level: "error", msg: "bulk replay failed", error: (error as Error).message }));
  services.csvImports.startRunner((error) => log({ level: "error", msg: "contact import failed", error: (error as Error).message }));
  worker.start();
  // Started once listening (a thread takes a while to boot): until it runs, the connection
  // checkpoints by itself.
  const checkpoints = postgres ? null : startCheckpoints(db, join(config.dataDir, DATABASE_FILE), (message) => log({ level: "error", msg: message }));
  // Said once the thread runs (or could not start): operators and the binary's test read it.
  void checkpoints?.then((started) => log({ level: "info", msg: "checkpoints", by: started.threaded ? "thread" : "connection" }));
  log({ level: "info", msg: "listening", version: VERSION, address: `${config.host}:${port}`, data: config.dataDir, database: postgres ? "postgres" : "sqlite" });
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
    routes: () => app.routes.map((route) => ({ method: route.method, path: route.path })),
    stop() {
      // Stop accepting, let in-flight requests finish, then close the database cleanly.
      stopping ??= (async () => {
        log({ level: "info", msg: "stopping" });
        // Open admin pages hold event streams: end them, or the stop would wait for every tab.
        services.live.closeAll();
        await server.stop();
        await adminReady.catch(() => {});
        await worker.stop();
        await services.replays.stopRunner();
        await services.csvImports.stopRunner();
        retention.stop();
        clearInterval(alertChecks);
        services.searchIndexer.stop();
        await (await checkpoints)?.stop();
        if (rereads) clearInterval(rereads);
        await changes.stop();
        walFlush?.close();
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
