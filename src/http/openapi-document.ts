// The OpenAPI document as served at /docs/json: what @elysiajs/openapi generates, finished so
// that tools nobody here wrote accept it (Redocly's lint, schemathesis-style runs) and so that
// it says everything a client can get back.
//  - schemas are plain OpenAPI 3.1 (no `nullable`, no TypeBox-only keywords such as our
//    `error` messages; query and path numbers are numbers, not "numeric strings");
//  - every operation lists each status it can answer, the error ones with the error shape;
//  - public routes need no token (`security: []`).

type Json = Record<string, unknown>;

/** The one error shape every route answers with. */
export const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string", description: "snake_case, stable" }, message: { type: "string", description: "A human sentence." } },
    },
  },
} as const;

/** UChat-style routes (/api/…) also carry the message at the top level, where UChat clients read it. */
export const SUBSCRIBER_ERROR_SCHEMA = {
  type: "object",
  required: ["status", "message", "error"],
  properties: { status: { type: "string", const: "error" }, message: { type: "string" }, error: ERROR_SCHEMA.properties.error },
} as const;

const ERROR_TEXT: Record<string, string> = {
  "400": "The body is not valid JSON (`invalid_json`), not UTF-8 or nested too deep (`invalid_body`), or a cursor is not one this API returned (`invalid_cursor`).",
  "401": "No valid API token (`unauthorized`).",
  "403": "The token may not do this: read-only (`read_only_token`), or scoped to one bot where this needs an installation-wide token (`token_scope`).",
  "404": "Nothing with that id, or it belongs to a bot the token does not reach (`not_found`).",
  "405": "That method is not allowed here (the `Allow` header lists those that are).",
  "409": "The change conflicts with what is stored (`conflict` and the codes named in the summary).",
  "413": "The body is too large (`payload_too_large`).",
  "415": "The body is neither JSON nor a form (`unsupported_media_type`).",
  "422": "A field is missing or not valid; the message names it (`validation_failed` and more specific codes).",
  "429": "Too many requests (`rate_limited`, `too_many_requests`); `Retry-After` says when to try again.",
  "503": "The database cannot be written right now; nothing was stored (`storage_unavailable`).",
};

/** Paths that need no token: operations, health, the receiver, channel inbound URLs, the docs. */
const PUBLIC = [/^\/healthz$/, /^\/metrics$/, /^\/hooks\//, /^\/channels\//, /^\/docs/];

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** A schema as plain OpenAPI 3.1 JSON Schema. */
export function cleanSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(cleanSchema);
  if (!isObject(schema)) return schema;
  // t.Numeric and t.Integer: anyOf [a numeric string, a number] with the constraints on both.
  // The string is Elysia's leniency, not a contract (a string that is not a number is refused):
  // documented as the number.
  const anyOf = schema.anyOf as Json[] | undefined;
  if (anyOf?.length === 2 && anyOf[0]?.type === "string" && (anyOf[0]?.format === "numeric" || anyOf[0]?.format === "integer") && (anyOf[1]?.type === "number" || anyOf[1]?.type === "integer")) {
    const { anyOf: _, error: __, default: ___, ...constraints } = schema;
    const integer = constraints.multipleOf === 1 || anyOf[1]?.type === "integer";
    const { multipleOf, ...rest } = constraints;
    return cleanSchema({ ...rest, ...(integer ? {} : { multipleOf }), type: integer ? "integer" : "number" });
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "error" || key === "errorCode" || key === "nullable") continue; // our error texts and codes; 3.0's nullable
    out[key] = key === "properties" || key === "patternProperties" ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, cleanSchema(v)])) : cleanSchema(value);
  }
  if (schema.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Array.isArray(out.anyOf) && !out.anyOf.some((s) => isObject(s) && s.type === "null")) out.anyOf = [...out.anyOf, { type: "null" }];
  }
  // A nullable enum must list null among its values, or null is refused after all.
  if (Array.isArray(out.type) && out.type.includes("null") && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

/** The error statuses an operation can answer, read from what it takes and where it lives. */
function errorStatuses(path: string, method: string, operation: Json): string[] {
  const statuses = new Set<string>();
  const hasBody = operation.requestBody !== undefined;
  const parameters = (operation.parameters as Json[] | undefined) ?? [];
  const writes = method !== "get" && method !== "head";
  if (path.startsWith("/api/")) {
    statuses.add("401").add("403").add("422");
    if (parameters.some((p) => p.in === "path") || hasBody || parameters.some((p) => ["flow_ns", "user_ns", "user_id"].includes(String(p.name)))) statuses.add("404");
    if (parameters.some((p) => p.name === "cursor")) statuses.add("400");
  }
  if (hasBody) statuses.add("400").add("413").add("415").add("422");
  if (writes) statuses.add("503");
  if (path.startsWith("/hooks/") || path.startsWith("/channels/")) statuses.add("404").add("413").add("429");
  return [...statuses];
}

/** On the UChat-style routes an installation-wide token must name the bot. */
const FLOW_NS_REQUIRED = " With an installation-wide token and no `flow_ns` where the bot must be known: `flow_ns_required`.";

function errorResponse(status: string, subscriber: boolean): Json {
  return {
    description: (ERROR_TEXT[status] ?? "An error.") + (subscriber && status === "422" ? FLOW_NS_REQUIRED : ""),
    content: { "application/json": { schema: subscriber ? { $ref: "#/components/schemas/SubscriberError" } : { $ref: "#/components/schemas/Error" } } },
  };
}

export interface FinishOptions {
  /** Operations added by hand (the docs pages), as OpenAPI path items. */
  extraPaths?: Json;
}

/** The generated document, finished (a new object: the input is left as it is). */
export function finishDocument(raw: Json, options: FinishOptions = {}): Json {
  const doc = cleanSchema(structuredClone(raw)) as Json;
  doc.servers = [{ url: "/", description: "This server" }];
  doc.info = { ...(doc.info as Json), license: { name: "MIT", identifier: "MIT" } };
  const components = (doc.components ?? {}) as Json;
  components.schemas = { ...(components.schemas as Json), Error: ERROR_SCHEMA, SubscriberError: SUBSCRIBER_ERROR_SCHEMA };
  doc.components = components;
  const paths = { ...(doc.paths as Json), ...(options.extraPaths ?? {}) };
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item as Json)) {
      if (!isObject(operation)) continue;
      // Bodies are JSON or a form: multipart is refused (415), so it is not offered.
      const content = (operation.requestBody as Json | undefined)?.content as Json | undefined;
      if (content && Object.keys(content).length > 1) delete content["multipart/form-data"];
      const responses = (operation.responses ?? {}) as Json;
      // Generated success responses say only "Response for status N": say what it is.
      for (const [status, response] of Object.entries(responses)) {
        if (isObject(response) && typeof response.description === "string" && response.description.startsWith("Response for status")) response.description = status.startsWith("2") ? "Success." : (ERROR_TEXT[status] ?? "An error.");
      }
      const subscriber = path.startsWith("/api/") && !path.startsWith("/api/v1/");
      for (const status of errorStatuses(path, method, operation)) responses[status] ??= errorResponse(status, subscriber);
      for (const [status, response] of Object.entries(responses)) {
        // An error status given by the route without a body gets the error shape.
        if (/^[45]/.test(status) && isObject(response) && response.content === undefined) responses[status] = { ...errorResponse(status, subscriber), ...response, content: errorResponse(status, subscriber).content };
      }
      operation.responses = responses;
      if (PUBLIC.some((pattern) => pattern.test(path))) operation.security = [];
    }
  }
  doc.paths = paths;
  return doc;
}
