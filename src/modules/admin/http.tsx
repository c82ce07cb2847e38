/** @jsxImportSource @kitajs/html */
// What every admin route file shares: HTML responses, redirects that work with and without
// htmx, form errors shown in place, and the session guard (login + CSRF).
import { can, capabilityFor, type Role } from "./roles";
import { NAV_HREFS } from "../../../views/layout";
import { Elysia } from "elysia";
import { AppError, errors } from "../../http/errors";
import { constantTimeEqual } from "../../lib/ids";
import type { Accounts, User } from "./accounts";
import { setActor, type Actor } from "../../http/actor";
import { MessagePage } from "../../../views/pages/auth";

export const SESSION_COOKIE = "sb_session";
export type Form = Record<string, string | undefined>;

/** Our views render synchronously: a JSX element here is a string. */
export type Markup = JSX.Element;

export function html(body: Markup, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body as string, { status, headers: { "content-type": "text/html; charset=utf-8", ...headers } });
}

export function redirect(to: string, isHtmx: boolean, headers: Record<string, string> = {}): Response {
  // htmx follows a 3xx inside the swap; HX-Redirect makes it load the page instead.
  return isHtmx ? new Response(null, { status: 204, headers: { "hx-redirect": to, ...headers } }) : new Response(null, { status: 303, headers: { location: to, ...headers } });
}

export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

/** A form error is shown inside the form it came from, with 422. */
export function formError<T>(run: () => T, render: (message: string) => Markup): T | Response {
  try {
    return run();
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return html(render(error.message), 422);
    throw error;
  }
}

/** A partial rendered by `run`, or by `renderError` with 422 when it fails on bad input. */
export function section(run: () => Markup, renderError: (message: string) => Markup): Response {
  const result = formError(run, renderError);
  return result instanceof Response ? result : html(result);
}

/** "Name: value" lines from a textarea, as pairs. */
export function parseHeaderLines(text: string, code: string): { name: string; value: string }[] {
  const headers: { name: string; value: string }[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const colon = line.indexOf(":");
    if (colon < 1) throw errors.invalidHeaderLine(line.trim(), code);
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

export const formOf = (body: unknown): Form => (body && typeof body === "object" ? (body as Form) : {});

/**
 * Whether a state change's Origin header names this server: the Host it was sent to, or the
 * public URL (behind a reverse proxy the Host may be the proxy's upstream). No Origin (older
 * clients, curl) passes on the CSRF token alone; anything else, "null" and non-URLs included,
 * is another site.
 */
export function sameOrigin(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.origin === "null") return false;
  return parsed.host === host || parsed.origin === new URL(publicUrl).origin;
}

/** The nav links a role opens. */
const navFor = (role: Role): string[] => NAV_HREFS.filter((href) => can(role, capabilityFor("GET", href) ?? "users"));

/** A signed-in user, as the audit log names them. */
export const userActor = (user: Pick<User, "id" | "username">): Actor => ({ kind: "user", name: user.username, ref: String(user.id) });

/** Routes after this need a session; state changes also need its CSRF token and our origin. */
export function sessionGuard({ accounts, publicUrl }: { accounts: Accounts; publicUrl: () => string }) {
  return new Elysia({ name: "admin-session" })
    .derive({ as: "scoped" }, ({ headers, request }) => {
      const sessionId = readCookie(headers.cookie, SESSION_COOKIE);
      const found = sessionId ? accounts.findSession(sessionId) : null;
      // Read at every request, not at login: a changed role applies to the next request.
      const user = found && accounts.user(found.admin_id);
      // Known from here on, for the audit log: what this user asks is theirs, refused or not.
      if (user) setActor(request, userActor(user));
      // A disabled user has no role (their sessions ended when they were disabled, too).
      const role = user && user.disabled_at === null ? user.role : null;
      // Pages show the nav links the user's role opens.
      const session = found && { ...found, role, nav: role ? navFor(role) : [] };
      return { sessionId, session, isHtmx: headers["hx-request"] === "true" };
    })
    .onBeforeHandle({ as: "scoped" }, ({ session, isHtmx, request, headers, body, route }) => {
      if (!session) return redirect("/admin/login", isHtmx);
      const { role } = session;
      const needed = capabilityFor(request.method, route);
      if (!role || !needed || !can(role, needed)) {
        return html(MessagePage({ title: "Not open to your role", message: `Your role (${role ?? "none"}) does not include this page or action. Ask an owner if you need it.`, back: role === "agent" ? "/admin/inbox" : "/admin", csrf: session.csrf_token, nav: session.nav }), 403);
      }
      // The installation requires two factors of owners: one without is sent to set it up first.
      if (accounts.needsTwoFactorSetup(session.admin_id) && !/^\/admin\/(account|logout)(\/|$)/.test(route)) return redirect("/admin/account", isHtmx);
      if (request.method === "GET" || request.method === "HEAD") return;
      // CSRF: a state change needs the session's token (form field or htmx header)...
      const sent = headers["x-csrf-token"] ?? String(formOf(body)._csrf ?? "");
      // ...and must not come from another site's page.
      if (!sameOrigin(headers.origin, headers.host, publicUrl()) || !constantTimeEqual(sent, session.csrf_token)) {
        return html(MessagePage({ title: "Request refused", message: "The form was stale or came from another site. Reload the page and try again." }), 403);
      }
    });
}
