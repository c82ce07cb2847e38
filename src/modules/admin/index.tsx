// The admin pages: login and first-run setup (public), and everything behind the session
// cookie. Each htmx route answers with exactly the partial whose id it swaps.
import { Elysia } from "elysia";
import type { Config } from "../../config";
import { FIELD_TYPES } from "../../lib/coerce";
import { constantTimeEqual } from "../../lib/ids";
import { AppError } from "../../http/errors";
import { CHANNEL_NAMES, CHANNELS } from "../bots/channels";
import type { Bots } from "../bots/service";
import type { Contacts } from "../contacts/service";
import type { Fields } from "../fields/service";
import type { Tokens } from "../tokens/service";
import { MIN_PASSWORD_LENGTH, SESSION_TTL_MS, type Accounts } from "./accounts";
import type { LoginLimiter } from "./login-limiter";
import { LoginPage, MessagePage, SetupPage } from "../../../views/pages/auth";
import { BotPage, BotsPage, ContactPage, SettingsPage } from "../../../views/pages/admin";
import { BotsSection } from "../../../views/partials/bots";
import { FieldsSection } from "../../../views/partials/fields";
import { ContactList, ContactsSection } from "../../../views/partials/contacts";
import { TokensSection } from "../../../views/partials/tokens";

export interface AdminDeps {
  config: Config;
  clientIp: (request: Request) => string | null;
  accounts: Accounts;
  loginLimiter: LoginLimiter;
  bots: Bots;
  fields: Fields;
  contacts: Contacts;
  tokens: Tokens;
}

const SESSION_COOKIE = "sb_session";
type Form = Record<string, string | undefined>;

export function html(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", ...headers } });
}

function redirect(to: string, isHtmx: boolean, headers: Record<string, string> = {}): Response {
  // htmx follows a 3xx inside the swap; HX-Redirect makes it load the page instead.
  return isHtmx ? new Response(null, { status: 204, headers: { "hx-redirect": to, ...headers } }) : new Response(null, { status: 303, headers: { location: to, ...headers } });
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

/** A form error is shown inside the form it came from, with 422. */
function formError<T>(run: () => T, render: (message: string) => string): T | Response {
  try {
    return run();
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return html(render(error.message), 422);
    throw error;
  }
}

export function adminRoutes(deps: AdminDeps) {
  const { config, clientIp, accounts, loginLimiter, bots, fields, contacts, tokens } = deps;
  const secureCookie = config.publicUrl.startsWith("https://") ? "; Secure" : "";
  const sessionCookie = (value: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secureCookie}`;
  const signIn = (adminId: number, isHtmx: boolean) => {
    const { sessionId } = accounts.startSession(adminId);
    return redirect("/admin", isHtmx, { "set-cookie": sessionCookie(sessionId, SESSION_TTL_MS / 1000) });
  };

  const publicPages = new Elysia()
    .get("/", () => redirect("/admin", false))
    .get("/admin/login", () => (accounts.hasAdmin() ? html(LoginPage({})) : html(MessagePage({ title: "Not set up yet", message: "Open the setup link printed in the server's console to choose the admin password." }))))
    .post("/admin/login", async ({ body, headers, request }) => {
      const ip = clientIp(request) ?? "unknown";
      const wait = loginLimiter.retryAfter(ip);
      if (wait > 0) return html(LoginPage({ error: `Too many failed attempts. Try again in ${Math.ceil(wait / 60)} minutes.` }), 429, { "retry-after": String(wait) });
      const adminId = await accounts.checkPassword(String((body as Form)?.password ?? ""));
      if (adminId === null) {
        loginLimiter.recordFailure(ip);
        return html(LoginPage({ error: "Wrong password." }), 401);
      }
      loginLimiter.recordSuccess(ip);
      return signIn(adminId, headers["hx-request"] === "true");
    })
    .get("/admin/setup", ({ query }) => {
      const token = String(query.token ?? "");
      if (!accounts.isSetupToken(token)) {
        return html(MessagePage({ title: "Setup link not valid", message: "This setup link was already used or is not the latest one. Log in, or restart the server for a new link." }), 403);
      }
      return html(SetupPage({ token, minLength: MIN_PASSWORD_LENGTH }));
    })
    .post("/admin/setup", async ({ body, headers }) => {
      const form = (body ?? {}) as Form;
      const token = String(form.token ?? "");
      if (!accounts.isSetupToken(token)) return html(MessagePage({ title: "Setup link not valid", message: "This setup link was already used." }), 403);
      const password = String(form.password ?? "");
      const retry = (error: string) => html(SetupPage({ token, error, minLength: MIN_PASSWORD_LENGTH }), 422);
      if (password !== String(form.confirm ?? "")) return retry("The two passwords differ.");
      if (password.length < MIN_PASSWORD_LENGTH) return retry(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
      await accounts.setPassword(password);
      const adminId = await accounts.checkPassword(password);
      return signIn(adminId!, headers["hx-request"] === "true");
    });

  const privatePages = new Elysia({ prefix: "/admin" })
    .derive(({ headers }) => {
      const sessionId = readCookie(headers.cookie, SESSION_COOKIE);
      return { sessionId, session: sessionId ? accounts.findSession(sessionId) : null, isHtmx: headers["hx-request"] === "true" };
    })
    .onBeforeHandle(({ session, isHtmx, request, headers, body }) => {
      if (!session) return redirect("/admin/login", isHtmx);
      if (request.method === "GET" || request.method === "HEAD") return;
      // CSRF: a state change needs the session's token (form field or htmx header)...
      const sent = headers["x-csrf-token"] ?? String((body as Form | undefined)?._csrf ?? "");
      // ...and must not come from another site's page.
      const origin = headers.origin;
      const crossSite = origin !== undefined && origin !== "null" && new URL(origin).host !== headers.host;
      if (crossSite || !constantTimeEqual(sent, session.csrf_token)) {
        return html(MessagePage({ title: "Request refused", message: "The form was stale or came from another site. Reload the page and try again." }), 403);
      }
    })
    .post("/logout", ({ sessionId }) => {
      if (sessionId) accounts.endSession(sessionId);
      return redirect("/admin/login", false, { "set-cookie": sessionCookie("", 0) });
    })
    .get("/", ({ session }) => html(BotsPage({ csrf: session!.csrf_token, bots: bots.list(), channels: CHANNEL_NAMES })))
    .post("/bots", ({ body, isHtmx }) => {
      const form = (body ?? {}) as Form;
      const section = (error?: string) => BotsSection({ bots: bots.list(), channels: CHANNEL_NAMES, error });
      const result = formError(() => {
        const channel = String(form.channel ?? "");
        if (!(channel in CHANNELS)) throw new AppError(422, "validation_failed", `Choose a channel: ${CHANNEL_NAMES.join(", ")}.`);
        const name = String(form.name ?? "").trim();
        if (!name || name.length > 100) throw new AppError(422, "validation_failed", "A bot needs a name of 1 to 100 characters.");
        return bots.create({ name, channel: channel as never, default_country: form.default_country?.trim() || null });
      }, section);
      if (result instanceof Response) return result;
      return isHtmx ? html(section()) : redirect(`/admin/bots/${result.flow_ns}`, false);
    })
    .get("/bots/:flow_ns", ({ params, session }) => {
      const bot = bots.get(params.flow_ns);
      const page = contacts.list(bot, { limit: 25 });
      return html(BotPage({
        csrf: session!.csrf_token,
        bot: { ...bot, can_initiate: CHANNELS[bot.channel].canInitiate },
        fields: fields.list(bot.id),
        fieldTypes: FIELD_TYPES,
        contacts: page.data,
        nextCursor: page.next_cursor,
      }));
    })
    .post("/bots/:flow_ns/fields", ({ params, body, isHtmx }) => {
      const bot = bots.get(params.flow_ns);
      const form = (body ?? {}) as Form;
      const section = (error?: string) => FieldsSection({ bot, fields: fields.list(bot.id), types: FIELD_TYPES, error });
      const result = formError(() => {
        const name = String(form.name ?? "").trim();
        if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name)) throw new AppError(422, "validation_failed", "A field name is letters, digits and _, starting with a letter.");
        const type = String(form.type ?? "");
        if (!(FIELD_TYPES as readonly string[]).includes(type)) throw new AppError(422, "validation_failed", `Choose a type: ${FIELD_TYPES.join(", ")}.`);
        return fields.create(bot.id, { name, type: type as never });
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
    .post("/bots/:flow_ns/contacts", ({ params, body, isHtmx }) => {
      const bot = bots.get(params.flow_ns);
      const form = (body ?? {}) as Form;
      const section = (error?: string) => {
        const page = contacts.list(bot, { limit: 25 });
        return ContactsSection({ bot, contacts: page.data, nextCursor: page.next_cursor, q: "", error });
      };
      const result = formError(() => contacts.create(bot, { phone: form.phone, email: form.email, first_name: form.first_name, last_name: form.last_name }), section);
      if (result instanceof Response) return result;
      return isHtmx ? html(section()) : redirect(`/admin/contacts/${result.user_ns}`, false);
    })
    .get("/contacts/:user_ns", ({ params, session }) => {
      const { contact, bot } = contacts.get(params.user_ns);
      return html(ContactPage({ csrf: session!.csrf_token, bot, contact, values: contacts.fieldValues(contact.id), fields: fields.list(bot.id) }));
    })
    .get("/settings", ({ session }) => html(SettingsPage({ csrf: session!.csrf_token, tokens: tokens.list() })))
    .post("/settings/tokens", ({ body, isHtmx, session }) => {
      const name = String((body as Form | undefined)?.name ?? "");
      return formError(() => {
        const { token } = tokens.create(name);
        const created = { name: name.trim(), token };
        // Without htmx the whole page comes back: the token must be seen this once either way.
        return html(isHtmx ? TokensSection({ tokens: tokens.list(), created }) : SettingsPage({ csrf: session!.csrf_token, tokens: tokens.list(), created }));
      }, (error) => TokensSection({ tokens: tokens.list(), error }));
    })
    .post("/settings/tokens/:id/revoke", ({ params, isHtmx }) => {
      tokens.revoke(Number(params.id));
      return isHtmx ? html(TokensSection({ tokens: tokens.list() })) : redirect("/admin/settings", false);
    });

  return new Elysia().use(publicPages).use(privatePages);
}
