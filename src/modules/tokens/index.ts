// The bearer-token guard every /api route sits behind: each controller uses it for its own
// routes, and gets the token and what it may reach (its scope).
import { Elysia } from "elysia";
import { errors } from "../../http/errors";
import { scopeOf } from "./scope";
import { setActor } from "../../http/actor";
import { apiCapabilityFor, can } from "../admin/roles";
import type { Tokens } from "./service";

export type BearerAuth = ReturnType<typeof bearerAuth>;

export function bearerAuth({ tokens }: { tokens: Tokens }) {
  // derive runs before body validation, so an unauthenticated caller learns nothing about
  // what a valid body looks like.
  return new Elysia({ name: "bearer-auth" }).derive({ as: "scoped" }, ({ headers, request, route }) => {
    const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
    const apiToken = match ? tokens.verify(match[1]!) : null;
    if (!apiToken) throw errors.unauthorized();
    // Known from here on, for the audit log (a refused write by this token is recorded too).
    setActor(request, { kind: "token", name: apiToken.name, ref: apiToken.prefix });
    if (apiToken.read_only && request.method !== "GET" && request.method !== "HEAD") {
      throw errors.readOnlyToken();
    }
    // A token with a role reaches what an admin user of that role may (roles.ts).
    if (apiToken.role) {
      const needed = apiCapabilityFor(request.method, route);
      if (!needed || !can(apiToken.role, needed)) throw errors.tokenRole(apiToken.role);
    }
    return { apiToken, scope: scopeOf(apiToken) };
  });
}
