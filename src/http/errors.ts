// The one error catalogue: every failure the API or the admin reports has a stable
// snake_case code, an HTTP status and a human sentence, rendered as
// { "error": { "code", "message" } } in one place (app.ts).
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Sent with the error (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const errors = {
  unauthorized: () => new AppError(401, "unauthorized", "Send a valid API token as 'Authorization: Bearer TOKEN'."),
  readOnlyToken: () => new AppError(403, "read_only_token", "This API token may only read (GET); use a full-access token to change anything."),
  tokenRole: (role: string) => new AppError(403, "token_role", `This API token's role (${role}) does not include this route; use a token with a role that does.`),
  tokenScope: () => new AppError(403, "token_scope", "This API token is scoped to one bot; this needs an installation-wide token."),
  notFound: (what: string, id: string) => new AppError(404, "not_found", `No ${what} with id '${id}'.`),
  routeNotFound: (method: string, path: string) => new AppError(404, "route_not_found", `There is no route ${method} ${path}.`),
  invalidJson: () => new AppError(400, "invalid_json", "The request body is not valid JSON."),
  /** A body refused while reading or parsing it (invalid_json, invalid_body, payload_too_large, unsupported_media_type). */
  body: (failure: { status: number; code: string; reason: string }) => new AppError(failure.status, failure.code, failure.reason),
  /** A field is missing or not valid; a schema may name a more specific code (errorCode). */
  validation: (message: string, code = "validation_failed") => new AppError(422, code, message),
  methodNotAllowed: (path: string, method: string, allowed: string[]) =>
    new AppError(405, "method_not_allowed", `${path} takes ${allowed.join(", ")}, not ${method}.`, { allow: allowed.join(", ") }),
  flowNsRequired: () => new AppError(422, "flow_ns_required", "This token is not scoped to a bot: name the bot with flow_ns."),
  invalidPhone: (reason: string) => new AppError(422, "invalid_phone", `The phone number is not usable: ${reason}.`),
  invalidEmail: (reason: string) => new AppError(422, "invalid_email", `The email address is not usable: ${reason}.`),
  invalidCountry: (code: string) => new AppError(422, "invalid_country", `'${code}' is not a supported ISO 3166 country code (e.g. US, GB, DE).`),
  unknownField: (name: string) => new AppError(422, "unknown_field", `This bot has no custom field named '${name}'.`),
  invalidFieldValue: (name: string, reason: string) => new AppError(422, "invalid_field_value", `Field '${name}': ${reason}.`),
  fieldExists: (name: string) => new AppError(409, "field_exists", `This bot already has a custom field named '${name}'.`),
  contactExists: (what: string) => new AppError(409, "contact_exists", `This bot already has a contact with that ${what}.`),
  contactIdentifierRequired: () => new AppError(422, "contact_identifier_required", "A contact needs a phone or an email."),
  invalidCursor: () => new AppError(400, "invalid_cursor", "The cursor is not one this API returned."),
  /** For `decode(cursor) ?? errors.throwInvalidCursor()`. */
  throwInvalidCursor(): never {
    throw errors.invalidCursor();
  },
  tooManyGuesses: (retryAfterSeconds: number) => new AppError(429, "too_many_requests", "Too many requests for unknown URLs from this address.", { "retry-after": String(retryAfterSeconds) }),
  confirmationRequired: (flowNs: string, footprint: { webhooks: number; contacts: number; messages: number; deliveries: number }) =>
    new AppError(
      422,
      "confirmation_required",
      `Deleting this bot also deletes its ${count(footprint.webhooks, "webhook")}, ${count(footprint.contacts, "contact")}, ${count(footprint.messages, "message")} and ${count(footprint.deliveries, "delivery", "deliveries")}: repeat its flow_ns as ?confirm=${flowNs} to delete it.`,
    ),
  conflict: () => new AppError(409, "conflict", "That would duplicate an existing record."),
  subFlowExists: (name: string) => new AppError(409, "sub_flow_exists", `This bot already has a sub-flow named '${name}'.`),
  webhookLimitReached: (limit: number) => new AppError(409, "webhook_limit_reached", `A bot can have at most ${limit} inbound webhooks (setting max_inbound_webhooks_per_bot).`),
  deliveryNotFailed: (state: string) => new AppError(409, "delivery_not_failed", `Only failed deliveries can be retried; this one is ${state}.`),
  integrationNotConfigured: () => new AppError(409, "integration_not_configured", "Set the integration webhook's url first."),
  channelNotFound: () => new AppError(404, "not_found", "There is no channel at this URL."),
  /** A signed request whose Standard Webhooks signature was refused (401 on the receiver and channel URLs). */
  invalidSignature: (reason: string) => new AppError(401, "invalid_signature", `The signature was not accepted: ${reason}.`),
  /** Twilio's tools expect 403 for a request its signature does not cover. */
  invalidTwilioSignature: () => new AppError(403, "invalid_signature", "X-Twilio-Signature does not match this request."),
  /** The receiver's answers, serialised once (it is the hot path). */
  noWebhook: () => new AppError(404, "not_found", "There is no webhook at this URL."),
  tooManyWebhookGuesses: (retryAfterSeconds: number) => new AppError(429, "too_many_requests", "Too many requests for unknown webhooks from this address.", { "retry-after": String(retryAfterSeconds) }),
  webhookTakesPost: () => new AppError(405, "method_not_allowed", "Webhook URLs take POST only.", { allow: "POST" }),
  unknownSender: (from: string) => new AppError(422, "unknown_sender", `'${from}' is not a contact's user_ns, a valid phone number or an email address.`),
  invalidProviderSettings: (message: string) => new AppError(422, "invalid_provider_settings", message),
  invalidIntegration: (message: string) => new AppError(422, "invalid_integration", message),
  invalidAction: (index: number, message: string) => new AppError(422, "invalid_action", `actions[${index}]: ${message}.`),
  invalidCondition: (where: string, message: string) => new AppError(422, "invalid_condition", `${where}: ${message}.`),
  invalidReply: (where: string, message: string) => new AppError(422, "invalid_reply", `${where}: ${message}.`),
  testPayloadExists: (name: string) => new AppError(409, "test_payload_exists", `This webhook already has a test payload named '${name}'.`),
  testPayloadLimitReached: (limit: number) => new AppError(409, "test_payload_limit_reached", `A webhook keeps at most ${limit} test payloads; delete one first.`),
  nothingToReplay: () => new AppError(422, "nothing_to_replay", "No logged request of this webhook matches the filter."),
  replayCountChanged: (expected: number, now: number) =>
    new AppError(409, "replay_count_changed", `The filter matched ${expected} requests when confirmed and matches ${now} now (logs were pruned); confirm again.`),
  importBusy: () => new AppError(409, "import_running", "This import is running; wait for it to end."),
  importFinished: () => new AppError(409, "import_finished", "This import is done; upload the file again to import it once more."),
  noChannelSecret: (provider: string) => new AppError(409, "no_channel_secret", `The bot's provider is '${provider}': only an http channel has a signing secret to rotate.`),
  nothingToRetry: () => new AppError(422, "nothing_to_retry", "No failed delivery matches the filter."),
  retryCountChanged: (expected: number, now: number) => new AppError(409, "retry_count_changed", `The filter matched ${expected} failed deliveries when confirmed and matches ${now} now; confirm again.`),
  invalidPath: (where: string, path: string, reason: string) => new AppError(422, "invalid_path", `${where}: '${path}' is not a valid path (${reason}).`),
  invalidSigningSecret: () => new AppError(422, "invalid_signing_secret", "The signing secret must be 'whsec_' followed by base64 of 16 to 128 random bytes."),
  /** A "Name: value" line in a form's headers box that has no name. */
  invalidHeaderLine: (line: string, code: string) => new AppError(422, code, `Header line '${line}' needs 'Name: value'.`),
  storageUnavailable: () => new AppError(503, "storage_unavailable", "The database cannot be written right now; nothing was stored."),
  internal: () => new AppError(500, "internal_error", "Something went wrong on the server; nothing was changed."),
};

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Elysia's validation error, turned into one sentence that names the field. */
export function describeValidation(error: { all?: { path?: string; message?: string; summary?: string }[]; type?: string; message?: string }): string {
  const first = error.all?.[0];
  // A schema's own `error` text is the message; Elysia's default is a JSON dump.
  const custom = error.message && !error.message.startsWith("{") ? error.message : undefined;
  const detail = custom ?? first?.message ?? first?.summary ?? "is not valid";
  const field = (first?.path ?? "").replace(/^\//, "").replaceAll("/", ".");
  if (!field) return custom ?? `The request is not valid: ${detail}.`;
  const where = error.type === "query" ? "query parameter" : error.type === "params" ? "path parameter" : "field";
  return `${where} '${field}': ${detail}`;
}
