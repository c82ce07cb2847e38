// Schema helpers shared by the models.
import { t } from "elysia";
import { errors } from "./errors";

/**
 * A required choice among strings. Elysia's UnionEnum carries a default (its first value)
 * that would silently fill a missing field; a required choice must be made by the caller.
 */
export function oneOf(values: readonly string[], options: { description?: string } = {}) {
  return t.UnionEnum(values as [string, ...string[]], { ...options, default: undefined, error: `must be one of: ${values.join(", ")}` });
}

/**
 * A body part whose shape the document shows but the service checks, so a refusal names the
 * exact part at fault (`conditions.rules[1].value: ...`); the validator's own message for a
 * nullable union would only say "Expected union value".
 */
export function checkedByService(schema: object, description: string) {
  return t.Any({ ...(JSON.parse(JSON.stringify(schema)) as object), description });
}

/** `limit` of a list route: a whole number from 1 to 200 (a query string is text, so numeric). */
export function pageLimit(options: { default?: number } = {}) {
  return t.Optional(t.Numeric({ minimum: 1, maximum: 200, multipleOf: 1, ...options, error: "query parameter 'limit' must be a whole number from 1 to 200" }));
}

/** A numeric id in a path: a whole number. */
export function numericId(name: string) {
  return t.Numeric({ minimum: 1, multipleOf: 1, error: `path parameter '${name}' must be a whole number` });
}

/**
 * A transform hook for installation-wide settings: a misspelt field is refused (422 naming it)
 * instead of being dropped without a word, as unknown fields are elsewhere.
 */
export function refuseUnknownFields(schema: { properties: Record<string, unknown> }) {
  const known = Object.keys(schema.properties);
  return ({ body }: { body: unknown }) => {
    if (!body || typeof body !== "object" || Array.isArray(body)) return;
    const unknown = Object.keys(body).find((key) => !known.includes(key));
    if (unknown !== undefined) throw errors.validation(`field '${unknown}': not a field here; use ${known.join(", ")}`);
  };
}

/**
 * A route's answers for the OpenAPI document (`detail.responses`): the success body schema by
 * status (`null` for no body), and the error statuses particular to the route with what they
 * mean (they get the error shape; the common ones are added for every route). Documentation
 * only: the property run in make test holds the server to it.
 */
export function documented(answers: Record<number, unknown>, particularErrors: Record<number, string> = {}) {
  return Object.fromEntries([
    ...Object.entries(answers).map(([status, schema]) => [
      status,
      schema === null ? { description: "Done; no body." } : { description: status === "201" ? "Created." : "Success.", content: { "application/json": { schema } } },
    ]),
    ...Object.entries(particularErrors).map(([status, description]) => [status, { description }]),
  ]);
}
