// createApp(deps): composes the feature routes, the API docs and the one error renderer.
// It never listens; server.ts does.
import { Elysia } from "elysia";
import { openapi } from "@elysiajs/openapi";
import type { Database } from "bun:sqlite";
import type { Config } from "./config";
import type { Clock } from "./lib/clock";
import { AppError, describeValidation, errorBody, errors } from "./http/errors";
import { createBots } from "./modules/bots/service";
import { botsApi } from "./modules/bots/index";
import { createFields } from "./modules/fields/service";
import { fieldsApi } from "./modules/fields/index";
import { createContacts } from "./modules/contacts/service";
import { contactsApi } from "./modules/contacts/index";
import { createTokens } from "./modules/tokens/service";
import { bearerAuth } from "./modules/tokens/index";
import { createAccounts } from "./modules/admin/accounts";
import { createLoginLimiter } from "./modules/admin/login-limiter";
import { adminRoutes } from "./modules/admin/index";
import { webhookPages } from "./modules/admin/webhooks";
import { messagingPages } from "./modules/admin/messaging";
import { liveChatPages } from "./modules/admin/livechat";
import { html } from "./modules/admin/http";
import type { Metrics } from "./modules/system/metrics";
import { healthCheck, systemRoutes } from "./modules/system/index";
import { staticRoutes } from "./static/index";
import { createSettings } from "./modules/settings/service";
import { settingsApi } from "./modules/settings/index";
import { createMessages } from "./modules/messages/service";
import { createDeliveries, type Delivery } from "./modules/deliveries/service";
import { createLiveEvents } from "./modules/live/events";
import { liveRoutes } from "./modules/live/index";
import { createDeliveryViews, deliveryPages } from "./modules/admin/deliveries";
import { createChannels } from "./modules/channels/service";
import { channelRoutes, messagesApi } from "./modules/channels/index";
import { alertsApi, deliveriesApi, targetLimitsApi, targetsApi } from "./modules/deliveries/index";
import { createIntegration } from "./modules/livechat/integration";
import { createRelay } from "./modules/livechat/relay";
import { createSubFlows } from "./modules/livechat/subflows";
import { createLiveChat } from "./modules/livechat/service";
import { liveChatApi } from "./modules/livechat/index";
import { subscriberApi } from "./modules/livechat/subscriber";
import { subscriberFlowApi } from "./modules/livechat/subscriber-flow";
import { createTags } from "./modules/contacts/tags";
import { createWebhooks } from "./modules/inbound/service";
import { createLogs } from "./modules/inbound/logs";
import { createReceiver } from "./modules/inbound/receiver";
import { createPreview } from "./modules/inbound/preview";
import { createTestPayloads } from "./modules/inbound/test-payloads";
import { createReplays } from "./modules/inbound/replays";
import { createResponseHandling } from "./modules/inbound/response-handling";
import { createCsvExport } from "./modules/contacts/csv-export";
import { createCsvImports } from "./modules/contacts/csv-import";
import { createTargetLimits } from "./modules/deliveries/target-limits";
import { createCircuits } from "./modules/deliveries/circuits";
import { createAlerts } from "./modules/deliveries/alerts";
import { withoutCredentials } from "./lib/write-only";
import { importPages } from "./modules/admin/imports";
import { auditPages } from "./modules/admin/audit";
import { actionCredentials } from "./modules/inbound/actions";
import { providerCredentials } from "./modules/channels/providers";
import { createGroupCommit } from "./db/group-commit";
import type { Flush } from "./db/wal-flush";
import { createStageTimes } from "./lib/stage-times";
import { createSearchIndexer } from "./modules/contacts/search-index";
import { createHourlyCounts } from "./modules/system/hourly";
import { createTwoFactor } from "./modules/admin/two-factor";
import { createScanGuard } from "./modules/inbound/scan-guard";
import { createSharedLimits } from "./modules/system/shared-limits";
import { isPostgres } from "./db/index";
import { createAudit } from "./modules/audit/service";
import { createAuditRecorder } from "./modules/audit/recorder";
import { auditReaders } from "./modules/audit/readers";
import { auditApi } from "./modules/audit/index";
import { hookReceiver, hooksRoutes, inboundApi } from "./modules/inbound/index";
import { MessagePage } from "../views/pages/auth";
import { VERSION } from "./version";
import { API_SUMMARY, DOCS_PATHS, docsPages } from "./http/api-docs";
import { finishDocument } from "./http/openapi-document";
import { allowedMethods } from "./http/allowed-methods";
import { checkRequestBody } from "./http/body";

export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  metrics: Metrics;
  /** Called with the route template of each matched request, for logs and metrics. */
  onRoute?: (request: Request, route: string) => void;
  /** The URL outside systems reach this server at (known once it listens). */
  publicUrl: () => string;
  /** The address a request came from. */
  clientIp: (request: Request) => string | null;
  /** Settles once SWITCHBOARD_ADMIN_PASSWORD is applied (logins wait for it). */
  adminReady?: () => Promise<void>;
  /** Lifts the server's idle timeout for a long-lived answer (an event stream). */
  keepOpen?: (request: Request) => void;
  /** Where failures are logged (JSON lines on stdout in the server). */
  log?: Logger;
  /** Free space of the data directory's disk (the filesystem's answer; tests give their own). */
  freeBytes?: (dir: string) => number | null;
}

/** `importsDir`: where uploaded CSV files wait for their import (in the data directory). */
export function createServices({ db, clock, publicUrl, flush, importsDir = null }: { db: Database; clock: Clock; publicUrl?: () => string; flush?: Flush; importsDir?: string | null }) {
  // What open admin pages hear about (server-sent events); see modules/live.
  const live = createLiveEvents();
  // Topics go to this process's live pages and, through `remote` (several instances on
  // PostgreSQL, see db/change-feed.ts), to the other instances'.
  const remote = { announce: (_topic: string) => {} };
  const publish = (topic: string) => {
    live.publish(topic);
    remote.announce(topic);
  };
  const bots = createBots({ db, clock });
  const fields = createFields({ db, clock });
  const contacts = createContacts({ db, clock, bots, fields, publish });
  const tags = createTags({ db });
  const tokens = createTokens({ db, clock });
  const settings = createSettings({ db });
  const accounts = createAccounts({ db, clock, settings });
  const twoFactor = createTwoFactor({ db, clock });
  const messages = createMessages({ db, clock, publish });
  const deliveries = createDeliveries({ db, clock, publish });
  const webhooks = createWebhooks({ db, clock, bots, fields, settings, publish });
  const logs = createLogs({ db, publish });
  const integration = createIntegration({ db, clock });
  const relay = createRelay({ clock, contacts, messages, deliveries, integration, settings });
  const channels = createChannels({ clock, contacts, messages, deliveries, onInMessage: relay.onInMessage, publicUrl });
  const subFlows = createSubFlows({ db, clock, fields });
  const liveChat = createLiveChat({ db, clock, contacts, fields, channels, deliveries, subFlows });
  const stages = createStageTimes();
  const groupCommit = createGroupCommit(db, { flush, stages });
  const hourly = createHourlyCounts({ db, clock });
  const sharedLimits = createSharedLimits({ db });
  const audit = createAudit({ db, clock, flush });
  bots.onRemoved((bot) => fields.forget(bot.id));
  bots.onRemoved(() => webhooks.forgetAll()); // its webhooks went with it (ON DELETE CASCADE)
  groupCommit.beforeCommit(webhooks.persistBuckets);
  groupCommit.beforeCommit(hourly.persist);
  const preview = createPreview({ webhooks, fields, contacts });
  const testPayloads = createTestPayloads({ db, clock });
  const csvExport = createCsvExport({ db, contacts, fields });
  const targetLimits = createTargetLimits({ db, clock });
  const alerts = createAlerts({ db, clock, deliveries });
  // A target's circuit opening is an alert (its failures crossed the threshold); closing resolves it.
  const circuits = createCircuits({
    db,
    limits: () => {
      const thresholds = alerts.thresholds();
      return { minAttempts: thresholds.target_min_attempts, failureRate: thresholds.target_failure_percent / 100 };
    },
    onStateChange: (origin, state) => {
      if (state === "closed") {
        alerts.resolve(`circuit:${origin}`, "the circuit closed; deliveries flow again");
        alerts.resolve(`disabled:${origin}`, "enabled again");
      } else if (state === "open") alerts.fire(`circuit:${origin}`, `${origin} is failing: its deliveries are held`, { target: origin, circuit: state });
      else alerts.fire(`disabled:${origin}`, `${origin} is disabled after failing for 5 days: enable it by hand`, { target: origin, circuit: state });
    },
  });
  deliveries.registerCredentials("alert", (id) => alerts.credentialsFor(id));
  const csvImports = createCsvImports({ db, clock, dir: importsDir, bots, fields, contacts });
  const searchIndexer = createSearchIndexer({ db, groupCommit, stages });
  const receiver = createReceiver({ db, groupCommit, clock, bots, fields, contacts, channels, deliveries, webhooks, logs, hourly, stages });
  const replays = createReplays({ db, clock, webhooks, receiver });
  // Secrets are not queued: each owner gives them to the worker when a delivery is sent.
  deliveries.registerCredentials("integration", (_, delivery) => integration.credentialsFor(delivery.target_url));
  deliveries.registerCredentials("channel", (botId, delivery) => providerCredentials(bots.getById(Number(botId)), delivery.target_url, clock.now()));
  deliveries.registerCredentials("webhook", (ref) => {
    const [webhookId, ...action] = ref.split(":");
    return actionCredentials(webhooks.find(Number(webhookId))?.actions ?? null, action.join(":"));
  });
  deliveries.registerCredentials("subflow", (ref) => {
    const [flowId, ...action] = ref.split(":");
    return actionCredentials(subFlows.byId(Number(flowId))?.actions ?? null, action.join(":"));
  });
  const responseHandling = createResponseHandling({
    bots,
    fields,
    contacts,
    channels,
    deliveries,
    now: () => clock.now(),
    actionsOf: (source, id) => (source === "webhook" ? webhooks.find(id)?.actions : subFlows.byId(id)?.actions) ?? null,
  });
  /**
   * Inside each finished attempt's transaction: a message follows its delivery, an
   * http_request's action handles the answer, and pages hear of it.
   */
  const onAttempted = (delivery: Delivery, state: Delivery["state"], answer: { status: number | null; body: string | null; error: string | null }) => {
    publish("deliveries");
    if (state === "pending") return;
    // A delivery that failed for good is an alert (alerts' own deliveries excepted: they would
    // alert about themselves); if a retry later succeeds, it is resolved.
    if (delivery.kind !== "alert") {
      if (state === "failed") alerts.fire(`delivery:${delivery.public_id}`, `a ${delivery.kind.replace("_", " ")} delivery failed for good`, { delivery: delivery.public_id, target: withoutCredentials(delivery.target_url ?? ""), error: answer.error ?? `HTTP ${answer.status}` });
      // Only a delivery tried before can have failed for good (and been retried since).
      else if (delivery.attempts > 0) alerts.resolve(`delivery:${delivery.public_id}`, "a retry succeeded");
    }
    if (delivery.kind === "http_request") {
      try {
        // In a savepoint: a failure here undoes its own writes, never the attempt's record
        // (which would send the request again).
        const followUp = db.transaction(() => responseHandling.handle(delivery, state, answer.status, answer.body))();
        if (followUp) deliveries.recordFollowUp(delivery.id, followUp);
      } catch (error) {
        deliveries.recordFollowUp(delivery.id, { outcome: null, written: {}, tags: [], actions: 0, notes: [`the response handling failed: ${(error as Error).message}`] });
      }
    }
    publish("dashboard");
    if (delivery.message_id === null) return;
    if (delivery.kind === "channel_message") messages.setState(delivery.message_id, state === "succeeded" ? "sent" : "failed");
    else messages.touched(delivery.message_id);
  };
  /** Another instance changed settings or definitions: what this one keeps in memory is read again. */
  const forgetCached = () => {
    for (const service of [settings, integration, bots, fields, targetLimits, circuits, alerts]) service.forgetCached();
    webhooks.forgetAll();
  };
  return { live, remote, forgetCached, audit, twoFactor, onAttempted, groupCommit, stages, searchIndexer, hourly, sharedLimits, preview, testPayloads, replays, csvExport, csvImports, targetLimits, circuits, alerts, bots, fields, contacts, tags, tokens, accounts, settings, messages, deliveries, channels, webhooks, logs, receiver, integration, relay, subFlows, liveChat };
}

export type Services = ReturnType<typeof createServices>;

/** Routes that read their own bodies: raw and signed (channels, webhooks), or a CSV upload. */
const readsOwnBody = (path: string) => /^\/(channels|hooks)\//.test(path) || /^\/api\/v1\/bots\/[^/]+\/contact-imports$/.test(path) || /^\/admin\/bots\/[^/]+\/import$/.test(path);

const STORAGE_ERRORS = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|CORRUPT|NOTADB)/;

/** Any thrown thing, as the documented error. */
function toAppError(code: string | number, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (code === "VALIDATION") {
    // A schema may name its own error code (errorCode), as default_country's invalid_country.
    const own = (error as { all?: { schema?: { errorCode?: unknown } }[] }).all?.[0]?.schema?.errorCode;
    return errors.validation(describeValidation(error as never), typeof own === "string" ? own : undefined);
  }
  if (code === "PARSE") return errors.invalidJson();
  const sqliteCode = (error as { code?: string })?.code;
  if (typeof sqliteCode === "string" && STORAGE_ERRORS.test(sqliteCode)) return errors.storageUnavailable();
  if (sqliteCode === "SQLITE_CONSTRAINT_UNIQUE") return errors.conflict();
  return errors.internal();
}

/** UChat-style routes (/api/…, not /api/v1) also carry the message at the top level, where UChat clients read it. */
const isSubscriberApi = (path: string) => path.startsWith("/api/") && !path.startsWith("/api/v1/");

function errorJson(path: string, code: string, message: string) {
  return isSubscriberApi(path) ? { status: "error" as const, message, ...errorBody(code, message) } : errorBody(code, message);
}

export type Logger = (line: Record<string, unknown>) => void;

/** The documented error for anything a route threw (an HTML page for admin page loads); failures are logged through `log`. */
export function errorResponse(code: string | number, error: unknown, request: Request, path: string, log: Logger, allowed: (path: string) => string[] = () => []): Response {
  let appError: AppError;
  if (code === "NOT_FOUND") {
    const methods = allowed(path);
    appError = methods.length > 0
      ? errors.methodNotAllowed(path, request.method, methods)
      : errors.routeNotFound(request.method, path);
  } else appError = toAppError(code, error);
  if (appError.status === 500) log({ level: "error", msg: "request failed", path, error: String((error as Error)?.stack ?? error) });
  else if (appError.code === "storage_unavailable") log({ level: "warn", msg: "storage unavailable", path, error: String((error as Error)?.message ?? error) });
  if (path.startsWith("/admin") && request.headers.get("hx-request") !== "true") {
    return html(MessagePage({ title: appError.status === 404 ? "Not found" : "Something went wrong", message: appError.message }), appError.status, appError.headers);
  }
  return Response.json(errorJson(path, appError.code, appError.message), { status: appError.status, headers: appError.headers });
}

export function createApp(deps: AppDeps, services: Services = createServices(deps)) {
  const { config, db, metrics, onRoute, clock, publicUrl, clientIp } = deps;
  const log = deps.log ?? ((line: Record<string, unknown>) => console.error(JSON.stringify(line)));
  const { bots, fields, contacts, tokens, accounts, settings, webhooks, logs, receiver, messages, deliveries, channels, integration, relay, subFlows, liveChat } = services;

  // Each controller puts the token guard on its own routes and checks what the token reaches.
  const auth = bearerAuth({ tokens });
  const api = new Elysia({ name: "api-v1", prefix: "/api/v1" })
    .use(botsApi({ auth, clock, bots, publicUrl }))
    .use(fieldsApi({ auth, bots, fields }))
    .use(contactsApi({ auth, bots, contacts, csvExport: services.csvExport, csvImports: services.csvImports }))
    .use(settingsApi({ auth, settings }))
    .use(inboundApi({ auth, clock, bots, webhooks, logs, receiver, preview: services.preview, testPayloads: services.testPayloads, replays: services.replays, publicUrl }))
    .use(messagesApi({ auth, db, contacts, messages, channels }))
    .use(deliveriesApi({ auth, deliveries, bots }))
    .use(targetLimitsApi({ auth, targetLimits: services.targetLimits }))
    .use(targetsApi({ auth, clock, circuits: services.circuits }))
    .use(alertsApi({ auth, alerts: services.alerts }))
    .use(auditApi({ auth, audit: services.audit }))
    .use(liveChatApi({ auth, clock, bots, contacts, integration, relay, subFlows, webhooks }));

  const subscriberDeps = { tokens, bots, contacts, fields, tags: services.tags, messages, webhooks, subFlows, liveChat, publicUrl };
  // One allowance of guesses per address for webhook and channel URLs together.
  // One instance keeps these limits in memory; several on PostgreSQL share them in the database.
  const sharedLimits = isPostgres(db) ? services.sharedLimits : null;
  const scanGuard = createScanGuard({ clock, shared: sharedLimits });
  const deliveryViews = createDeliveryViews({ deliveries, messages, webhooks, subFlows });
  const receiveHook = hookReceiver({ webhooks, receiver, scanGuard, metrics });
  const health = healthCheck({ clock, dataDir: config.dataDir, database: isPostgres(db) ? "postgres" : "sqlite", settings, freeBytes: deps.freeBytes });

  const auditLog = createAuditRecorder({ audit: services.audit, readers: auditReaders(services), clientIp, log });
  /** The status an answer will go out with: a Response's own, or the one the handler set. */
  const statusOf = (response: unknown, set: { status?: unknown }) => (response instanceof Response ? response.status : typeof set.status === "number" ? set.status : 200);

  // Read at request time, when every route below is registered.
  const methodsOf = allowedMethods(() => app.routes);
  let finishedFor: unknown = null;
  let finished: unknown = null;
  // Bodies are checked strictly: a string or an array where an object is expected is refused
  // (Elysia's default normaliser turned "AAA" into {"0":"A",...}, and its coercion turned a
  // whole body of 5 or [] into {}). Every JSON body this server takes is an object.
  const app = new Elysia({ normalize: "typebox" })
    // Every body the API and the admin take is checked first, on a copy, within a size, depth,
    // encoding and type bound; Elysia then parses it for the route's schema. Channel and webhook
    // URLs read their own bodies, raw and signed.
    .onRequest(async ({ request }) => {
      if (!request.body || readsOwnBody(new URL(request.url).pathname)) return;
      const checked = await checkRequestBody(request.clone());
      if (!checked.ok) throw errors.body(checked);
    })
    .onTransform({ as: "global" }, ({ request, route, body }) => {
      onRoute?.(request, route);
      if (body !== undefined && (body === null || typeof body !== "object" || Array.isArray(body))) throw errors.validation("The request body must be a JSON object.");
    })
    .onError({ as: "global" }, async (context) => {
      const { code, error, request, path } = context;
      const response = errorResponse(code, error, request, path, log, methodsOf);
      // A refused or failed state change is in the audit log too (its route is known once matched).
      const { route, params, body } = context as unknown as { route?: string; params?: Record<string, string>; body?: unknown };
      await auditLog.after(request, route, response.status, params, body);
      return response;
    })
    // Every state-changing request through the admin or the API: its subject before the handler
    // (and the guards) run, its row once the answer is decided.
    .onBeforeHandle({ as: "global" }, ({ request, route, params, body }) => auditLog.before(request, route, params as Record<string, string>, body))
    // (Async: Elysia awaits it before the answer; most requests write nothing and go on at once.)
    .onAfterHandle({ as: "global" }, async ({ request, route, params, body, response, set }) => {
      await auditLog.after(request, route, statusOf(response, set), params as Record<string, string>, body, response);
    })
    // The generated OpenAPI document, finished once per shape of the route table.
    .onAfterHandle({ as: "global" }, ({ path, response }) => {
      if (path !== "/docs/json" || typeof response !== "object" || response === null) return;
      if (finishedFor !== response) {
        finishedFor = response;
        finished = finishDocument(response as Record<string, unknown>, { extraPaths: DOCS_PATHS });
      }
      return finished;
    })
    .use(
      openapi({
        path: "/docs",
        specPath: "/docs/json",
        // The reference page is ours (docsPages): served from the binary, started from a script
        // file so it keeps the CSP, and with the guide beside it.
        provider: null,
        exclude: { paths: [/^\/admin/, /^\/static/, "/"] },
        documentation: {
          info: {
            title: "Switchboard API",
            version: VERSION,
            description: API_SUMMARY,
          },
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
          security: [{ bearer: [] }],
          externalDocs: { description: "The guide", url: "/docs/guide" },
        },
      }),
    )
    .use(docsPages())
    .use(staticRoutes())
    .use(systemRoutes({ clock, metrics, stages: services.stages, deliveries, circuits: services.circuits, alerts: services.alerts, health }))
    .use(channelRoutes({ clock, groupCommit: services.groupCommit, messages, bots, channels, publicUrl, scanGuard, clientIp, metrics }))
    .use(hooksRoutes({ receive: receiveHook, clientIp }))
    .use(api)
    .use(subscriberApi(subscriberDeps))
    .use(subscriberFlowApi(subscriberDeps))
    .use(adminRoutes({ config, clock, clientIp, adminReady: deps.adminReady ?? (() => Promise.resolve()), accounts, twoFactor: services.twoFactor, loginLimiter: createLoginLimiter({ clock: deps.clock, shared: sharedLimits }), metrics, hourly: services.hourly, bots, fields, contacts, csvExport: services.csvExport, alerts: services.alerts, tokens, settings, webhooks, messages, deliveries, integration, publicUrl }))
    .use(liveRoutes({ accounts, publicUrl, live: services.live, keepOpen: deps.keepOpen }))
    .use(deliveryPages({ accounts, clock, publicUrl, deliveries, views: deliveryViews, targetLimits: services.targetLimits, circuits: services.circuits }))
    .use(liveChatPages({ accounts, clock, bots, contacts, deliveries, deliveryViews, integration, relay, publicUrl }))
    .use(messagingPages({ db, clock, accounts, bots, contacts, messages, deliveries, channels, publicUrl }))
    .use(auditPages({ accounts, audit: services.audit, settings, publicUrl }))
    .use(importPages({ accounts, publicUrl, bots, fields, csvImports: services.csvImports }))
    .use(webhookPages({ accounts, clock, bots, fields, settings, webhooks, logs, contacts, receiver, preview: services.preview, testPayloads: services.testPayloads, replays: services.replays, publicUrl }));
  return { app, receiveHook, health };
}
