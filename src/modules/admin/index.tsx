/** @jsxImportSource @kitajs/html */
// The admin pages: login and first-run setup (public), and everything behind the session
// cookie. Each htmx route answers with exactly the partial whose id it swaps.
import { Elysia } from "elysia";
import type { Config } from "../../config";
import type { Clock } from "../../lib/clock";
import { FIELD_TYPES } from "../../lib/coerce";
import { errors } from "../../http/errors";
import { CHANNEL_NAMES, CHANNELS } from "../bots/channels";
import type { Bot, Bots } from "../bots/service";
import type { Contacts } from "../contacts/service";
import type { CsvExport } from "../contacts/csv-export";
import type { Alerts } from "../deliveries/alerts";
import { AlertSettingsSection } from "../../../views/partials/alerts";
import { csvResponse } from "../contacts/index";
import type { Fields } from "../fields/service";
import type { Tokens } from "../tokens/service";
import type { Settings } from "../settings/service";
import type { Webhooks } from "../inbound/service";
import type { Messages } from "../messages/service";
import type { Deliveries } from "../deliveries/service";
import type { Integration } from "../livechat/integration";
import { liveChatWarning } from "../../../views/format";
import { InstallationSection } from "../../../views/pages/operations";
import { MIN_PASSWORD_LENGTH, SESSION_TTL_MS, type Accounts } from "./accounts";
import type { LoginLimiter } from "./login-limiter";
import { userRoutes } from "./users";
import { TOKEN_ROLES, type TokenRole } from "./roles";
import { accountRoutes, CHALLENGE_COOKIE } from "./account";
import type { TwoFactor } from "./two-factor";
import type { Metrics } from "../system/metrics";
import type { HourlyCounts } from "../system/hourly";
import { inboundUrlOf } from "./messaging";
import { formError, formOf, html, redirect, section, sessionGuard, SESSION_COOKIE, userActor, type Form } from "./http";
import { setActor } from "../../http/actor";
import { LoginPage, MessagePage, SetupPage } from "../../../views/pages/auth";
import { BotName, BotPage, BotsPage, ContactPage, SettingsPage } from "../../../views/pages/admin";
import { BotDeleteSection, BotSettingsSection, BotsSection } from "../../../views/partials/bots";
import { FieldsSection } from "../../../views/partials/fields";
import { ContactList, ContactsSection } from "../../../views/partials/contacts";
import { TokensSection } from "../../../views/partials/tokens";
import { LastDayCharts } from "../../../views/partials/hourly-chart";

export interface AdminDeps {
  config: Config;
  adminReady: () => Promise<void>;
  clock: Clock;
  clientIp: (request: Request) => string | null;
  accounts: Accounts;
  twoFactor: TwoFactor;
  loginLimiter: LoginLimiter;
  metrics?: Metrics;
  hourly: HourlyCounts;
  bots: Bots;
  fields: Fields;
  contacts: Contacts;
  csvExport: CsvExport;
  alerts: Alerts;
  tokens: Tokens;
  settings: Settings;
  webhooks: Webhooks;
  messages: Messages;
  deliveries: Deliveries;
  integration: Integration;
  publicUrl: () => string;
}

export function adminRoutes(deps: AdminDeps) {
  const { config, clientIp, accounts, loginLimiter, bots, fields, contacts, tokens, settings, webhooks, messages, deliveries } = deps;
  const tokenProps = () => ({ tokens: tokens.list(), bots: bots.list(), roles: TOKEN_ROLES });
  const alertSettings = (error?: string) => ({ destinations: deps.alerts.destinations(), thresholds: deps.alerts.thresholds(), error });
  const secureCookie = config.publicUrl.startsWith("https://") ? "; Secure" : "";
  const sessionCookie = (value: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secureCookie}`;
  const cookie = (name: string, value: string, maxAgeSeconds: number) => `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secureCookie}`;
  const signIn = (request: Request, adminId: number, isHtmx: boolean, extraCookie?: string) => {
    const { sessionId } = accounts.startSession(adminId);
    setActor(request, userActor(accounts.user(adminId)!));
    // An agent's work is the Inbox; every other role starts at the bots.
    const home = accounts.roleOf(adminId) === "agent" ? "/admin/inbox" : "/admin";
    const response = redirect(home, isHtmx, { "set-cookie": sessionCookie(sessionId, SESSION_TTL_MS / 1000) });
    if (extraCookie) response.headers.append("set-cookie", extraCookie);
    return response;
  };
  /** After the password: a user with two-factor sign-in gets a challenge, not yet a session. */
  const afterPassword = (request: Request, adminId: number, isHtmx: boolean) => {
    if (!deps.twoFactor.enabled(adminId)) return signIn(request, adminId, isHtmx);
    return redirect("/admin/login/two-factor", isHtmx, { "set-cookie": cookie(CHALLENGE_COOKIE, deps.twoFactor.challenge(adminId), 300) });
  };

  const publicPages = new Elysia({ name: "admin-public-pages" })
    .get("/", () => redirect("/admin", false))
    .get("/admin/login", async () => {
      await deps.adminReady();
      return (accounts.hasAdmin() ? html(LoginPage({})) : html(MessagePage({ title: "Not set up yet", message: "Open the setup link printed in the server's console to choose the admin password." })));
    })
    .post("/admin/login", async ({ body, headers, request }) => {
      const attempt = loginLimiter.begin(clientIp(request) ?? "unknown");
      if (!attempt.allowed) {
        deps.metrics?.increment("switchboard_limiter_rejections_total", "admin_login");
        const wait = attempt.retryAfterSeconds;
        const when = wait < 60 ? "in a moment" : `in ${Math.ceil(wait / 60)} minutes`;
        return html(LoginPage({ error: `Too many attempts from your address. Try again ${when}.` }), 429, { "retry-after": String(wait) });
      }
      let adminId: number | null = null;
      const username = String((body as Form)?.username ?? "").trim();
      try {
        await deps.adminReady();
        adminId = await accounts.checkPassword(String((body as Form)?.password ?? ""), username);
      } finally {
        attempt.finish(adminId !== null);
      }
      if (adminId === null) return html(LoginPage({ error: username ? "Wrong name or password." : "Wrong password.", username }), 401);
      return afterPassword(request, adminId, headers["hx-request"] === "true");
    })
    .get("/admin/setup", ({ query }) => {
      const token = String(query.token ?? "");
      if (!accounts.isSetupToken(token)) {
        return html(MessagePage({ title: "Setup link not valid", message: "This setup link was already used or is not the latest one. Log in, or restart the server for a new link." }), 403);
      }
      return html(SetupPage({ token, minLength: MIN_PASSWORD_LENGTH }));
    })
    .post("/admin/setup", async ({ body, headers, request }) => {
      const form = (body ?? {}) as Form;
      const token = String(form.token ?? "");
      if (!accounts.isSetupToken(token)) return html(MessagePage({ title: "Setup link not valid", message: "This setup link was already used." }), 403);
      const password = String(form.password ?? "");
      const retry = (error: string) => html(SetupPage({ token, error, minLength: MIN_PASSWORD_LENGTH }), 422);
      if (password !== String(form.confirm ?? "")) return retry("The two passwords differ.");
      if (password.length < MIN_PASSWORD_LENGTH) return retry(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
      // The token is checked again and used up in the transaction that sets the password: of
      // requests racing with one link, one sets it.
      const adminId = await accounts.setPasswordWithSetupToken(token, password);
      if (adminId === null) return html(MessagePage({ title: "Setup link not valid", message: "This setup link was already used." }), 403);
      return signIn(request, adminId, headers["hx-request"] === "true");
    });

  const privatePages = new Elysia({ name: "admin-pages", prefix: "/admin" })
    .use(sessionGuard({ accounts, publicUrl: deps.publicUrl }))
    .post("/logout", ({ sessionId }) => {
      if (sessionId) accounts.endSession(sessionId);
      return redirect("/admin/login", false, { "set-cookie": sessionCookie("", 0) });
    })
    .get("/", ({ session }) => html(BotsPage({ csrf: session!.csrf_token, nav: session!.nav, bots: bots.list(), channels: CHANNEL_NAMES, lastDay: deps.hourly.recent(24), alerts: deps.alerts.open() })))
    .get("/dashboard", () => html(LastDayCharts({ rows: deps.hourly.recent(24) })))
    .post("/bots", ({ body, isHtmx }) => {
      const form = (body ?? {}) as Form;
      const section = (error?: string) => BotsSection({ bots: bots.list(), channels: CHANNEL_NAMES, error, typed: error ? form : undefined });
      const result = formError(() => {
        const channel = String(form.channel ?? "");
        if (!(channel in CHANNELS)) throw errors.validation(`Choose a channel: ${CHANNEL_NAMES.join(", ")}.`);
        const name = String(form.name ?? "").trim();
        if (!name || name.length > 100) throw errors.validation("A bot needs a name of 1 to 100 characters.");
        return bots.create({ name, channel: channel as never, default_country: form.default_country?.trim() || null });
      }, section);
      if (result instanceof Response) return result;
      return isHtmx ? html(section()) : redirect(`/admin/bots/${result.flow_ns}`, false);
    })
    .get("/bots/:flow_ns", ({ params, session }) => {
      const bot = bots.get(params.flow_ns);
      const page = contacts.list(bot, { limit: 25 });
      return html(BotPage({
        csrf: session!.csrf_token, nav: session!.nav,
        liveChatWarning: liveChatWarning(bot, deps.integration.get()),
        bot: { ...bot, can_initiate: CHANNELS[bot.channel].canInitiate },
        fields: fields.list(bot.id),
        fieldTypes: FIELD_TYPES,
        webhooks: webhooks.listForBot(bot.id),
        maxWebhooks: settings.get().max_inbound_webhooks_per_bot,
        inboundUrl: inboundUrlOf(bot, deps.publicUrl()),
        contacts: page.data,
        nextCursor: page.next_cursor,
        channels: CHANNEL_NAMES,
        footprint: bots.footprint(bot),
        now: deps.clock.now(),
      }));
    })
    .post("/bots/:flow_ns/settings", ({ params, body }) => {
      const form = formOf(body);
      const withInitiate = (bot: Bot) => ({ ...bot, can_initiate: CHANNELS[bot.channel].canInitiate });
      const typed = { name: form.name, channel: form.channel, default_country: form.default_country };
      const result = formError(() => {
        const channel = String(form.channel ?? "");
        if (!(channel in CHANNELS)) throw errors.validation(`Choose a channel: ${CHANNEL_NAMES.join(", ")}.`);
        const name = String(form.name ?? "").trim();
        if (!name || name.length > 100) throw errors.validation("A bot needs a name of 1 to 100 characters.");
        return bots.update(params.flow_ns, { name, channel: channel as never, default_country: form.default_country?.trim() || null });
      }, (error) => BotSettingsSection({ bot: withInitiate(bots.get(params.flow_ns)), channels: CHANNEL_NAMES, typed, error }));
      if (result instanceof Response) return result;
      return html(String(BotSettingsSection({ bot: withInitiate(result), channels: CHANNEL_NAMES, saved: true })) + String(BotName({ bot: result, oob: true })));
    })
    .post("/bots/:flow_ns/delete", ({ params, body, isHtmx }) => {
      const bot = bots.get(params.flow_ns);
      const typed = String(formOf(body).confirm_name ?? "");
      if (typed.trim() !== bot.name) {
        return html(BotDeleteSection({ bot, footprint: bots.footprint(bot), typed, error: `Type the bot's name, ${bot.name}, exactly to delete it.` }), 422);
      }
      bots.remove(bot.flow_ns);
      return redirect("/admin", isHtmx);
    })
    .post("/bots/:flow_ns/fields", ({ params, body, isHtmx }) => {
      const bot = bots.get(params.flow_ns);
      const form = (body ?? {}) as Form;
      const section = (error?: string) => FieldsSection({ bot, fields: fields.list(bot.id), types: FIELD_TYPES, error, typed: error ? form : undefined });
      const result = formError(() => {
        return fields.create(bot.id, { name: String(form.name ?? ""), type: String(form.type ?? "") as never });
      }, section);
      if (result instanceof Response) return result;
      return isHtmx ? html(section()) : redirect(`/admin/bots/${bot.flow_ns}`, false);
    })
    .post("/bots/:flow_ns/fields/:id/delete", ({ params, isHtmx }) => {
      const bot = bots.get(params.flow_ns);
      fields.remove(bot.id, Number(params.id));
      return isHtmx ? html(FieldsSection({ bot, fields: fields.list(bot.id), types: FIELD_TYPES })) : redirect(`/admin/bots/${bot.flow_ns}`, false);
    })
    .get("/bots/:flow_ns/contacts", ({ params, query }) => {
      const bot = bots.get(params.flow_ns);
      const q = String(query.q ?? "");
      const page = contacts.list(bot, { q, cursor: query.cursor || undefined, limit: 25 });
      return html(ContactList({ bot, contacts: page.data, nextCursor: page.next_cursor, q }));
    })
    .get("/bots/:flow_ns/contacts/export", ({ params, query }) => {
      const bot = bots.get(params.flow_ns);
      return csvResponse(deps.csvExport.stream(bot, String(query.q ?? "").trim() || undefined), bot.flow_ns);
    })
    .post("/bots/:flow_ns/contacts", ({ params, body, isHtmx }) => {
      const bot = bots.get(params.flow_ns);
      const form = (body ?? {}) as Form;
      const section = (error?: string) => {
        const page = contacts.list(bot, { limit: 25 });
        return ContactsSection({ bot, contacts: page.data, nextCursor: page.next_cursor, q: "", error, typed: error ? form : undefined });
      };
      const result = formError(() => contacts.create(bot, { phone: form.phone, email: form.email, first_name: form.first_name, last_name: form.last_name }), section);
      if (result instanceof Response) return result;
      return isHtmx ? html(section()) : redirect(`/admin/contacts/${result.user_ns}`, false);
    })
    .get("/contacts/:user_ns", ({ params, session }) => {
      const { contact, bot } = contacts.get(params.user_ns);
      const recent = messages.recent(contact.id, 100);
      return html(ContactPage({
        csrf: session!.csrf_token, nav: session!.nav,
        bot,
        contact,
        values: contacts.fieldValues(contact.id),
        fields: fields.list(bot.id),
        messages: recent,
        requests: deliveries.byOrderingKey(`http:${contact.id}`, 20),
        relays: deliveries.forMessages("relay", recent.map((m) => m.id)),
        liveChatWarning: liveChatWarning(bot, deps.integration.get()),
        now: deps.clock.now(),
      }));
    })
    .post("/alert-destinations", ({ body }) => {
      const form = formOf(body);
      return section(() => {
        deps.alerts.addDestination({ url: String(form.url ?? ""), secret: form.secret || null });
        return AlertSettingsSection(alertSettings());
      }, (error) => AlertSettingsSection(alertSettings(error)));
    })
    .post("/alert-destinations/:id/delete", ({ params }) => {
      deps.alerts.removeDestination(Number(params.id));
      return html(AlertSettingsSection(alertSettings()));
    })
    .post("/alert-thresholds", ({ body }) => {
      const form = formOf(body);
      const values = {
        pending_minutes: Number(form.pending_minutes),
        rejections_per_15_minutes: Number(form.rejections_per_15_minutes),
        target_failure_percent: Number(form.target_failure_percent),
        target_min_attempts: Number(form.target_min_attempts),
        free_disk_mb: Number(form.free_disk_mb),
      };
      if (Object.values(values).some((value) => !Number.isInteger(value) || value < 1) || values.target_failure_percent > 100) {
        return html(AlertSettingsSection(alertSettings("Every threshold is a whole number of at least 1 (a share at most 100%).")), 422);
      }
      deps.alerts.setThresholds(values);
      return html(AlertSettingsSection(alertSettings()));
    })
    .get("/settings", ({ session }) => html(SettingsPage({ csrf: session!.csrf_token, nav: session!.nav, ...tokenProps(), settings: settings.get(), alertSettings: alertSettings() })))
    .post("/settings/installation", ({ body }) => {
      const form = formOf(body);
      const max = Number(form.max_inbound_webhooks_per_bot);
      const days = Number(form.log_retention_days);
      const auditDays = form.audit_retention_days === undefined ? settings.get().audit_retention_days : Number(form.audit_retention_days);
      const isDays = (n: number) => Number.isInteger(n) && n >= 1 && n <= 3650;
      if (!Number.isInteger(max) || max < 1 || max > 100 || !isDays(days) || !isDays(auditDays)) {
        return html(InstallationSection({ settings: settings.get(), error: "Webhooks per bot is 1 to 100; log and audit retention are 1 to 3650 days." }), 422);
      }
      const requireOwnerTwoFactor = form.require_owner_two_factor === "on";
      return html(InstallationSection({ settings: settings.update({ max_inbound_webhooks_per_bot: max, log_retention_days: days, audit_retention_days: auditDays, require_owner_two_factor: requireOwnerTwoFactor }), saved: true }));
    })
    .post("/settings/tokens", ({ body, isHtmx, session }) => {
      const form = formOf(body);
      const name = String(form.name ?? "");
      return formError(() => {
        const botId = form.bot ? bots.get(form.bot).id : null;
        const agentId = form.agent_id ? Number(form.agent_id) : null;
        if (agentId !== null && (!Number.isInteger(agentId) || agentId < 1)) throw errors.validation("An agent id is a whole number from 1.");
        // tokens.create refuses a role a token may not have.
        const { token } = tokens.create(name, botId, agentId, form.read_only === "1", accounts.user(session!.admin_id)?.username ?? null, (form.role || null) as TokenRole | null);
        const created = { name: name.trim(), token };
        // Without htmx the whole page comes back: the token must be seen this once either way.
        return html(isHtmx ? TokensSection({ ...tokenProps(), created }) : SettingsPage({ csrf: session!.csrf_token, nav: session!.nav, ...tokenProps(), created, settings: settings.get(), alertSettings: alertSettings() }));
      }, (error) => TokensSection({ ...tokenProps(), error }));
    })
    .post("/settings/tokens/:id/revoke", ({ params, isHtmx }) => {
      tokens.revoke(Number(params.id));
      return isHtmx ? html(TokensSection(tokenProps())) : redirect("/admin/settings", false);
    });

  return new Elysia({ name: "admin" })
    .use(publicPages)
    .use(privatePages)
    .use(userRoutes({ accounts, twoFactor: deps.twoFactor, publicUrl: deps.publicUrl, signIn }))
    .use(accountRoutes({ accounts, twoFactor: deps.twoFactor, loginLimiter, clientIp, publicUrl: deps.publicUrl, signIn, cookie }));
}
