// The bearer-token guard every /api route sits behind.
import { Elysia } from "elysia";
import { AppError, errors } from "../../http/errors";
import type { Tokens } from "./service";

export function bearerAuth({ tokens }: { tokens: Tokens }) {
  // derive runs before body validation, so an unauthenticated caller learns nothing about
  // what a valid body looks like.
  return new Elysia().derive({ as: "scoped" }, ({ headers, request }) => {
    const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
    const apiToken = match ? tokens.verify(match[1]!) : null;
    if (!apiToken) throw errors.unauthorized();
    if (apiToken.read_only && request.method !== "GET" && request.method !== "HEAD") {
      throw new AppError(403, "read_only_token", "This API token may only read (GET); use a full-access token to change anything.");
    }
    return { apiToken };
  });
}
