// The admin over plain HTTP: sign in with a password, then GET pages and POST forms with the
// session cookie and its CSRF token, as a browser would.
import type { TestServer } from "./server";

export const form = (fields: Record<string, string>) => new URLSearchParams(fields);

export async function adminSession(server: TestServer, password: string, username = "") {
  const login = await fetch(`${server.url}/admin/login`, { method: "POST", body: form({ username, password }), redirect: "manual" });
  if (login.status !== 303) throw new Error(`login answered ${login.status}`);
  const cookie = /sb_session=[^;]*/.exec(login.headers.get("set-cookie") ?? "")![0];
  // The CSRF token is on every page's sign-out form; an agent's first page is the Inbox.
  let csrf: string | undefined;
  for (const page of ["/admin", "/admin/inbox"]) {
    csrf ??= /name="_csrf" value="([^"]+)"/.exec(await (await fetch(`${server.url}${page}`, { headers: { cookie } })).text())?.[1];
  }
  if (!csrf) throw new Error("no page showed a CSRF token");
  return {
    cookie,
    csrf,
    /** The name the audit log shows for this user (an empty name signs in as the owner, "admin"). */
    username: username || "admin",
    get: (path: string) => fetch(`${server.url}${path}`, { headers: { cookie }, redirect: "manual" }),
    /** An htmx form post (the partial comes back), with the CSRF token unless `fields` sets one. */
    post: (path: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { method: "POST", headers: { cookie, "hx-request": "true", ...headers }, body: form({ _csrf: csrf, ...fields }), redirect: "manual" }),
  };
}
