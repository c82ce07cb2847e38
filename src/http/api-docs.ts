// The API docs: the reference page (/docs, Swagger UI), the guide (/docs/guide: the prose
// the schemas alone cannot say) and the short description the OpenAPI document opens with.
import { Elysia } from "elysia";
import { DocsPage, GuidePage } from "../../views/pages/docs";
import { uchatRoutesMarkdown } from "../modules/livechat/uchat-routes";

const htmlPage = (body: JSX.Element) => new Response(body as string, { headers: { "content-type": "text/html; charset=utf-8" } });

/** Kept short: the reference page shows it above the operations. */
export const API_SUMMARY = `Switchboard's REST API: bots, custom fields, contacts, inbound webhooks and their logs, messages,
deliveries, settings and live chat under \`/api/v1\`, and the UChat-style subscriber API under \`/api\`.
Send an API token as \`Authorization: Bearer TOKEN\` (create one in the admin's Settings or with
\`switchboard token create NAME\`). Errors are \`{ "error": { "code", "message" } }\` (under \`/api/…\` also
UChat's top-level \`message\`).

**Read the [guide](/docs/guide)** for token scopes, the receiver's order of checks, path syntax,
actions and templates, channels, the retry schedule and the live-chat relay payload.`;

/** The docs pages themselves, documented as public operations. */
export const DOCS_PATHS = {
  "/docs": { get: { tags: ["Operations"], summary: "This reference (Swagger UI, served from the binary)", operationId: "getDocs", responses: { 200: { description: "The page.", content: { "text/html": { schema: { type: "string" } } } } } } },
  "/docs/guide": { get: { tags: ["Operations"], summary: "The guide: what the schemas alone cannot say", operationId: "getDocsGuide", responses: { 200: { description: "The page.", content: { "text/html": { schema: { type: "string" } } } } } } },
  "/docs/json": { get: { tags: ["Operations"], summary: "This OpenAPI document", operationId: "getDocsJson", responses: { 200: { description: "The document.", content: { "application/json": { schema: { type: "object" } } } } } } },
};

export function docsPages() {
  const guide = Bun.markdown.html(`# The Switchboard API guide\n\n${API_DESCRIPTION}\n\n${uchatRoutesMarkdown()}`, { tagFilter: true });
  return new Elysia({ name: "docs-pages" })
    .get("/docs", () => htmlPage(DocsPage()), { detail: { hide: true } })
    .get("/docs/guide", () => htmlPage(GuidePage({ guideHtml: guide })), { detail: { hide: true } });
}

export const API_DESCRIPTION = `
Self-hosted webhook hub for chat automation.

## Authentication
Send an API token as \`Authorization: Bearer TOKEN\`. Create tokens in the admin (Settings) or with
\`switchboard token create NAME\`. The receiver \`POST /hooks/{token}\` needs no token: its URL is the secret.

Token scopes: a token scoped to a bot (\`--bot FLOW_NS\`) reaches that bot and what belongs to it
(its fields, contacts, messages, webhooks and their logs, sub-flows, its deliveries one by one);
another bot's resources answer 404 as if they did not exist. Installation-wide routes answer 403
\`token_scope\` to it: \`/settings\`, \`/integrations/webhook\`, creating and deleting bots, the deliveries
list and bulk retry. A read-only token may only GET (403 \`read_only_token\`). A token given a role
(admin, operator, agent, viewer) reaches what an admin user of that role may; other routes answer 403
\`token_role\` (an agent token: a contact, its messages, sending, pausing and assigning; a viewer
token: every GET).

## Errors
Every error is \`{ "error": { "code": "snake_case", "message": "human sentence" } }\`. Validation errors
are 422 \`validation_failed\` naming the field; malformed JSON is 400 \`invalid_json\` on every surface
(the API, the receiver, channel URLs). API bodies are JSON (or a form) of at most 1 MiB (413
\`payload_too_large\`), UTF-8 and at most 64 levels deep (400 \`invalid_body\`); other content types
are 415 \`unsupported_media_type\`. A signature that is missing or wrong is \`invalid_signature\`: 401 on the
receiver and on http channel URLs (Standard Webhooks), 403 on Twilio URLs (what Twilio's tools expect). A JSON body is
always an object (a string, number or array is 422); \`limit\` is a whole number from 1 to 200.
\`PATCH /settings\` and \`PUT /integrations/webhook\` refuse fields they do not know (422). A method a
path does not take is 405 \`method_not_allowed\` with \`Allow\`. Under the UChat-style \`/api/…\` an error
also carries \`"status": "error"\` and its \`message\` at the top level.

## Inbound webhooks: the receiver
\`POST /hooks/{token}\` takes a JSON object (or \`application/x-www-form-urlencoded\`, read as an object;
a repeated key becomes an array; at most 10,000 fields and 1,000 values for one name, else 400
\`invalid_body\`), at most 256 KiB and 64 levels deep. In order:

1. unknown token → 404 \`not_found\` (not logged; more than 30 misses a minute from one address, counted
   together with misses at channel URLs → 429 \`too_many_requests\` with \`Retry-After\`);
2. token bucket per webhook (default 500 per 86,400 s, refilled evenly, kept in the database) → 429
   \`rate_limited\` with \`Retry-After\` seconds;
3. while listening, the body becomes the webhook's \`example\`;
4. inactive → 409 \`webhook_inactive\`;
5. body limits → 413 \`payload_too_large\`, 400 \`invalid_json\` (malformed JSON), 400 \`invalid_body\`
   (invalid UTF-8, empty, not an object, too deep), 415 \`unsupported_media_type\`;
6. with a \`signing_secret\`: Standard Webhooks headers \`webhook-id\`, \`webhook-timestamp\` (Unix seconds,
   within 5 minutes) and \`webhook-signature\` (\`v1,\` + base64 HMAC-SHA256 of \`id.timestamp.body\` keyed
   with the base64 bytes after \`whsec_\`) → 401 \`invalid_signature\`;
   idempotency: a repeated \`Idempotency-Key\` (or \`webhook-id\`) header, or value at \`idempotency_path\`,
   within 24 h returns the first answer again without running anything (logged as \`duplicate\`).
   With a \`signing_secret\` the key is always the signed \`webhook-id\` (an unsigned header cannot
   make a captured message new). Keys are compared whole, however long;
7. conditions: when the webhook has \`conditions\` and the body does not meet them, nothing is
   identified, mapped or run: 200 \`{"ok": true, "filtered": true}\`, logged as \`filtered\` with the
   rule that failed (see Conditions);
8. identification: the value at \`identify.user_ns\` names a contact of this bot; else the phone (E.164,
   read with the bot's default country) or email (trimmed, lowercased) matches one (the phone wins when
   they match different contacts); else, when the bot's channel may start conversations (sms, whatsapp,
   voice, email, test) and the phone is valid, a contact is created; else 422 \`user_not_identified\`;
9. mappings write custom or system fields (\`first_name\`, \`last_name\`, \`email\`, \`phone\`), coerced to the
   field's type; a value that cannot be coerced is skipped and noted in the log;
10. actions run in order, each only when its own \`when\` conditions hold;
11. all of it and the log row are committed in one transaction (and flushed to disk), then 200
   \`{"ok": true, "user_ns", "created"}\`, or the webhook's \`reply\` when it has one (see Reply).

Every request to a known token is one log row with an outcome: \`processed\`, \`rate_limited\`,
\`webhook_inactive\`, \`invalid_body\`, \`too_large\`, \`invalid_signature\`, \`duplicate\`,
\`user_not_identified\`, \`filtered\`. Header values named like authorization, cookie, secret, token, signature or
api key are stored as \`[redacted]\`; bodies are kept up to 64 KiB. Logs older than the
\`log_retention_days\` setting (default 30) are pruned hourly.

## Path syntax
Paths point into the JSON body with dots and brackets: \`contact.email\`, \`contact.phones[0]\`,
\`data["first name"]\`, \`items[2]['sku']\`; a leading \`$.\` is allowed. Keys that contain dots, spaces or
brackets need the quoted form. A path that finds nothing reads as missing (mapping skipped, noted).

## Conditions
\`conditions\` on a webhook, and \`when\` on any action, are \`{"match": "all" | "any", "rules": [...]}\`
with 1 to 20 rules \`{"path", "op", "value"}\` read from the body:

| op | holds when the value at \`path\` |
| --- | --- |
| \`equals\`, \`not_equals\` | is (is not) \`value\`; numbers compare as numbers, so \`"100"\` equals \`100\` |
| \`contains\` | is text containing \`value\`, or a list with an item equal to it |
| \`starts_with\` | is text (or a number) starting with \`value\` |
| \`exists\`, \`missing\` | is there and not null (is absent or null); no \`value\` |
| \`greater_than\`, \`less_than\` | is a number (or numeric text) above (below) \`value\`, a number |
| \`matches\` | is text the RE2 pattern \`value\` finds (anywhere unless anchored; \`(?i)\` ignores case) |

Patterns run in RE2 (no lookaround, no backreferences), whose time grows with the value's length,
never exponentially. Each request has a budget of 4,000,000 steps (a pattern's compiled size times
the length of the value it reads): a match that would go over it is stopped, counts as not holding,
and the log says so. A bad definition is refused with 422 \`invalid_condition\` naming the part
(\`conditions.rules[1].value: ...\`). A skipped action is noted in the log with the rule that failed.

## Reply
\`reply\` \`{"status": 200 | 201 | 202, "body": <any JSON>}\` answers a processed request instead of
\`{ok, user_ns, created}\`, rendered after the actions: strings in the body take the templates below
plus \`{{created}}\` and \`{{tags}}\`; a string that is one placeholder and nothing else takes the value
as it is (a number stays a number, tags a list); a missing value renders as \`""\`. Errors keep the
error shape, a filtered request gets \`{"ok": true, "filtered": true}\`, and a repeat (idempotency)
gets the first reply again. \`null\` restores the default.

## Replay in bulk
\`POST /api/v1/inbound-webhooks/{id}/replays/preview\` with a filter (\`outcome\`, \`from\`, \`to\`: ISO
times, from included, to not) says how many logged requests match (\`count\`), up to which log row
(\`until_log_id\`), and what each replay runs (mappings, actions, and which of them act outside
Switchboard again). \`POST .../replays\` with the same filter, \`until_log_id\` and \`expected_count\`
starts the job (202); if the filter no longer matches that many (logs pruned meanwhile) it is 409
\`replay_count_changed\`. Jobs run in the background, one request at a time and at most 50 a second
for the whole installation, each a new log row with \`replay_of\`, as a single replay (the rate
limit, the active switch, the signature and idempotency are skipped). Progress is written with each
replay, so a restart resumes where it stopped without replaying anything twice. \`GET .../replays\`
and \`GET .../replays/{replay_id}\` show \`done\` of \`total\`; \`POST .../replays/{replay_id}/cancel\` stops
a job before its next request.

## Contacts as CSV
\`GET /api/v1/bots/{flow_ns}/contacts/export\` (optionally \`?q=\`, as the contact search) streams a CSV:
\`user_ns, first_name, last_name, phone, email, gender, tags\` (joined with \`; \`), \`created_at,
updated_at\`, then every custom field by name (JSON values as JSON). It is read page by page as it
is sent, so its memory does not grow with the number of contacts.

Importing goes in steps. \`POST /api/v1/bots/{flow_ns}/contact-imports?file_name=…\` with the CSV as the
body (a header row first; at most 100 MiB) keeps the file and answers its columns, row count, first
rows and a suggested mapping (an export's own headers map back to themselves; Mobile, E-mail,
First name and the like are recognised). \`PATCH /api/v1/contact-imports/{id}\` sets \`mapping\` (column →
\`user_ns\`, \`phone\`, \`email\`, \`first_name\`, \`last_name\`, \`gender\`, \`tags\`, a custom field, or null),
\`match_by\` (\`auto\`: user_ns, then phone, then email; or one of them) and \`existing\` (\`update\` or
\`skip\`). \`POST .../dry-run\` reads every row without writing and reports how many would be created,
updated, skipped and refused, with the first 100 refusals by line (the header is line 1): an
unusable phone or email, a value its field cannot hold, a line with the wrong number of values or
that is not CSV, a new contact without phone or email. \`POST .../run\` imports: phones and emails
normalised as everywhere, empty cells change nothing, tags are added to the contact's; if any row
would be refused it writes nothing (state \`refused\`) unless \`{"skip_invalid": true}\`, which imports
the rest and reports the refused. Both run in the background, in batches of 500 rows, each one
transaction with its progress; \`GET /api/v1/contact-imports/{id}\` shows \`progress\` and \`report\`.

## Retrying failed deliveries in bulk
\`POST /api/v1/deliveries/retry/preview\` with a filter (\`kind\`: channel_message, relay or http_request;
\`target\`: part of the URL; \`bot\`: a flow_ns; \`from\`/\`to\`: when they failed) says how many failed
deliveries it picks, up to which id, and how long the retry takes. \`POST /api/v1/deliveries/retry\` with
\`{"state": "failed"}\`, the same filter, \`until_id\` and \`expected_count\` queues exactly those again,
paced at 20 a second (each due 50 ms after the one before), so a target that was down is not met
by all of them at once; 409 \`retry_count_changed\` if the filter no longer picks that many. Without
\`expected_count\` the route keeps its first meaning: every failed delivery (since \`since\`) at once.

## Throttles per target
\`PUT /api/v1/target-limits\` \`{origin, count, per: "second" | "minute", concurrency?}\` limits a target
origin (scheme://host:port of the URL given): at most \`count\` requests start in any second or minute
(a sliding window, so 5 a second is never 10 across a boundary) and at most \`concurrency\` are in
flight. A delivery over it is not sent and spends no try: it waits, still the head of its contact's
queue, until the origin has room; a \`Retry-After\` the target answers still delays its retry on top.
\`GET /api/v1/target-limits\` lists them, \`DELETE /api/v1/target-limits?origin=\` removes one. The limits
hold for the one server process that sends (the worker's counts are in its memory).

## Alerts
\`POST /api/v1/alert-destinations {url, secret?}\` sends alerts to a URL as Slack-compatible JSON
(\`{"text": "Alert: …" | "Resolved: …", "fields": [{title, value, short}]}\`; Slack, Mattermost and most
chat tools take it), signed with Standard Webhooks when a \`whsec_\` secret is set, queued and retried
like any delivery. An alert fires once when its condition starts and once more when it is
resolved: a delivery failed for good (resolved if a retry succeeds), a target's circuit opened
(resolved when it closes), a target disabled after 5 days (resolved when enabled), a webhook
refusing more than \`rejections_per_15_minutes\` requests (401, 422, 429) in 15 minutes (default 50),
storage refusing writes (told once writes work again, with when it began and ended: an alert
cannot be stored or queued while they fail), the oldest pending delivery waiting past \`pending_minutes\` (default 15),
the data directory's free disk below \`free_disk_mb\` (default 500); the last two are checked every
30 s. \`GET /api/v1/alerts\` lists the open ones (\`?state=all\`: the last 50);
\`GET/PATCH /api/v1/alert-thresholds\` reads and changes the thresholds. The admin shows open alerts on
the home page and the destinations and thresholds in Settings.

## Circuit breaking per target
The relay worker watches each target origin: when at least 10 tries in 5 minutes found it
unavailable 70% of the time or more (no answer, 408, 429, 5xx; both figures are alert thresholds,
\`target_min_attempts\` and \`target_failure_percent\`), its circuit opens. Its deliveries
then wait without spending tries (each contact's order holds), and one probe (a real delivery)
goes out after 30 s, then at doubling intervals up to an hour; the first probe that succeeds closes
the circuit and the rest go. A circuit open for 5 days is disabled: no more probes until it is
enabled by hand (\`POST /api/v1/targets/enable {origin}\`). \`GET /api/v1/targets\` lists every target
tried in the last 5 minutes or with a circuit not closed: state, tries, failures, next probe, last
error. The circuit's state is kept in the database, so a restart keeps it.

## Rotating signing secrets
\`POST /api/v1/inbound-webhooks/{id}/rotate-secret\`, \`POST /api/v1/integrations/webhook/rotate-secret\` and
\`POST /api/v1/bots/{flow_ns}/rotate-secret\` (http channels; 409 \`no_channel_secret\` otherwise) make a new
\`whsec_\` secret and answer it once. For \`overlap_hours\` (default 24, at most 168; 0 ends the old one at
once) the previous secret keeps working beside it: requests signed with either are accepted, and
outbound relays and messages carry both signatures in \`webhook-signature\`, space-separated, as
Standard Webhooks allows; after that only the new one. The webhook, the integration and the bot's
\`provider_settings\` show \`previous_…_expires_at\` meanwhile. Setting a secret outright (PATCH/PUT)
ends any overlap.

## Test payloads
\`/api/v1/inbound-webhooks/{id}/test-payloads\` keeps up to 20 named JSON bodies per webhook (unique
names; 409 \`test_payload_exists\`, \`test_payload_limit_reached\`; 422 \`invalid_test_payload\` for a
body that is not a JSON object or is over 64 KiB). The admin's test panel picks one and sends it.

## Actions
Run after mapping, in order; a failing one is noted and the rest still run.

| type | parameters | what it does |
| --- | --- | --- |
| \`send_text\` | \`text\` | stores an out message and queues its delivery through the bot's channel |
| \`add_tag\`, \`remove_tag\` | \`tag\` | changes the contact's tags |
| \`set_field\` | \`field\`, \`value\` | writes a custom or system field (coerced) |
| \`pause_bot\` | \`minutes\` (null: until resumed) | pauses the bot for the contact (live chat) |
| \`resume_bot\` | | ends the pause |
| \`http_request\` | \`url\`, \`method\` (POST), \`headers\`, \`body\` (string or JSON) | queues an HTTP request |

Templates in texts, values, URLs, header values and bodies: \`{{first_name}}\`, \`{{last_name}}\`,
\`{{phone}}\`, \`{{email}}\`, \`{{user_ns}}\`, \`{{any_custom_field}}\`, \`{{payload.some.path}}\`. A missing
value renders as an empty string. Nothing goes over the network during the request: sends and HTTP
requests are queued as deliveries (state \`pending\`) for the relay worker.

Values come from outside and are encoded for where they land:
- an \`http_request\` URL may not have a placeholder in its scheme, host, port or credentials (422
  \`invalid_action\` when saving); values in its path, query and fragment are percent-encoded, so
  \`../admin\` or \`a&b=c\` stay one value; a value that is exactly \`.\` or \`..\` fails the delivery;
- in a string body, values are JSON-escaped when the body is JSON (a \`content-type\` header naming
  JSON, or a body starting with \`{\`, \`[\` or \`"\`), form-encoded for
  \`application/x-www-form-urlencoded\`, XML-escaped for XML; a JSON (object) body is rendered value
  by value, keys as written;
- a header value with a line break after rendering fails the delivery at once, with the reason;
- a rendered tag over 100 characters (or a 201st tag), a \`set_field\` value over 4,096 characters
  and a first or last name over 200 are not stored; the log notes each.

An \`http_request\` may say what to do with its answer, in \`response\` (UChat's External Request):
\`mappings\` (\`[{path, field}]\`, paths into the response's JSON, written to custom or system fields),
\`tags\` (paths whose text, or list of texts, become tags), and follow-up actions by outcome:
\`on_success\` (2xx), \`on_client_error\` (a final 4xx), \`on_server_error\` (5xx to the last try) and
\`on_failure\` (failed for good otherwise; also for a 4xx or 5xx whose own list is empty). It runs when
the delivery finishes, in the same transaction as its last attempt, so its messages queue after the
contact's earlier ones; in follow-ups, \`{{payload.…}}\` and \`when\` read the response's JSON. Up to
64 KiB of the answer is read for it. Follow-ups make no HTTP request of their own (422
\`invalid_action\`). The delivery's \`follow_up\` says what was done (outcome, fields written, tags
added, actions run, notes), as do its detail page and the contact's page.

Header values written in an \`http_request\` action (no placeholder) are its configuration: they are
not copied into the queue but read from the saved action when the request is sent; if the action
was changed or removed meanwhile, the delivery fails with that reason.

## Channels
Each bot has a \`provider\` (set with \`PATCH /api/v1/bots/{flow_ns}\`; new bots start on \`test\`):

- \`test\`: nothing leaves the machine; out messages are \`delivered\` at once.
- \`http\` (\`provider_settings: {url, headers?, secret?}\`): each out message is POSTed to \`url\` as
  \`{message_id, user_ns, flow_ns, to: {phone, email}, type, text, payload}\` with the headers, signed
  (Standard Webhooks) when a secret is set. Contacts' messages come in at the bot's \`inbound_url\`
  (\`POST /channels/{channel_token}/messages\` with \`{from, text, msg_type?, payload?, mid?}\`; \`from\` is
  a phone, email or user_ns; signed the same way when the bot has a secret).
- \`twilio\` (\`provider_settings: {account_sid, auth_token, from | messaging_service_sid, base_url?}\`):
  SMS through the Messages API; a \`voice\` bot places a call that says the text (Calls API, TwiML
  \`<Say>\`). Incoming SMS arrive at \`inbound_url\` (\`/channels/{channel_token}/twilio\`) with
  \`X-Twilio-Signature\` checked against the public URL (403 when wrong).

Secrets in \`provider_settings\` (header values, \`secret\`, \`auth_token\`) are write-only: reads show
\`********\`; leaving one out of a change (or sending \`********\`) keeps it, unless the change moves
\`url\` or \`base_url\` to another origin (scheme, host or port): then the saved secrets are dropped and
must be given again in the same request (for twilio, 422 until \`auth_token\` is). They are never
copied into queued deliveries: the worker reads them when sending, and only sends them to the
origin they were saved for.

## Deliveries (the relay worker)
Every outbound request is stored before the request that caused it is answered, then sent by the
worker: at least once, every try with the delivery's stable \`webhook-id\` and a \`webhook-timestamp\`, signed when the target has a secret
(\`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>\`).

- Success: any 2xx within \`delivery_timeout_seconds\` (default 15). Redirects are not followed.
- Retried: network errors, timeouts, 408, 429 and 5xx. Other answers fail at once.
- Schedule after a failed try: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h (±20% jitter;
  a \`Retry-After\` is honoured up to 1 h). After the 10th try the delivery is \`failed\` and can be
  retried by hand (\`POST /api/v1/deliveries/{id}/retry\`) or in bulk (\`POST /api/v1/deliveries/retry\`).
- Order: one contact's deliveries of a kind (its out messages; its relays; its \`http_request\`s) go one
  at a time in creation order; a failing one holds that contact's later ones of the same kind until
  it succeeds or fails for good. Other contacts, and the contact's other kinds, never wait.
  At most \`max_deliveries_in_flight\` (default 32) are sent at once.
- Targets: link-local (169.254.0.0/16, fe80::/10), cloud metadata (names and addresses, with or
  without a trailing dot), unspecified, multicast and reserved addresses are always refused; private
  and loopback addresses only while \`allow_private_targets\` is true (the default). IPv4 carried in
  IPv6 (mapped, compatible, NAT64 \`64:ff9b::/96\`, 6to4, Teredo) is judged as that IPv4 address.
  A name is resolved once, inside the timeout; every address it returns is judged, and the request
  connects to the judged address (the name is sent as \`Host\`, and for https as SNI and checked
  against the certificate), so a second, different DNS answer is never used.
- A delivery that can never be sent (a header value with a line break, a host no resolver can
  answer) fails at once with the reason instead of being retried.
- Credentials in a target URL (\`user:password@\`) are shown as \`********@\`.
- A crash mid-attempt leaves the delivery leased; it is sent again after restart. A graceful stop
  hands unfinished deliveries back to the queue.

## Live chat: the relay payload
Configure \`PUT /api/v1/integrations/webhook\` (\`url\`, \`headers\` as name/value pairs, \`secret\`, \`enabled\`;
header values and the secret are write-only and dropped when \`url\` moves to another origin)
and set a bot's \`live_chat\` to \`webhook\`. While the bot is paused for a contact (\`pause_bot\` action,
\`POST /api/v1/contacts/{user_ns}/pause\` or \`POST /api/subscriber/pause-bot\`), every message the contact
sends is POSTed to the URL with the custom headers (and Standard Webhooks signature headers when a
secret is set), in order per contact, as:

| field | type | meaning |
| --- | --- | --- |
| \`meta.user_ns\` | string | the contact |
| \`meta.agent_id\` | integer | agent assigned to the contact, 0 when none |
| \`meta.agent_name\` | string or null | the assigned agent's name when an admin user (assigned in the admin, or the first to answer in its Inbox); null otherwise |
| \`meta.flow_ns\` | string | the contact's bot; answer with it |
| \`meta.team_id\` | integer | this installation |
| \`message._id\` | string | Switchboard's message id |
| \`message.mid\` | string | the channel's message id (\`_id\` when the channel gave none) |
| \`message.type\` | string | always \`"in"\` |
| \`message.msg_type\` | string | \`text\`, \`image\`, \`file\`, \`audio\`, \`video\` or \`location\` |
| \`message.sender_id\` | string | the contact's user_ns |
| \`message.agent_id\` | integer | agent who received it, 0 |
| \`message.assigned_agent_id\` | integer | agent assigned to the conversation, 0 when none |
| \`message.payload\` | object | \`{text}\`; media add \`url\` (and \`content_type\`), location \`latitude\`, \`longitude\` |
| \`message.content\` | string | the text, or a readable line such as \`[image] https://…\` |
| \`message.username\` | string | the contact's name (or phone, email, user_ns) |
| \`message.date\` | string | \`YYYY-MM-DD HH:mm:ss\`, UTC |
| \`message.timestamp\` | integer | milliseconds since the epoch |
| \`message.ts\` | integer | seconds since the epoch |
| \`message.is_delivered\` | integer | 1 |
| \`message.seen\` | string | \`""\` until seen |

Messages sent while the bot is not paused are stored and not relayed. Disabling the integration stops
new relays; queued ones are still delivered. Answer with \`POST /api/subscriber/send-text\`
\`{user_ns, content}\`: it is stored as an out message and sent through the contact's bot channel.

## Subscriber API (\`/api/…\`)
The routes of UChat's hosted API (\`/api/subscriber/…\`, \`/api/subscribers\`, \`/api/flow/…\`), with the
same bearer tokens, so code written for UChat runs with another base URL and token. Success is
\`{"status": "ok", "data": …}\`; errors carry UChat's top-level \`message\` beside the usual error:
\`{"status": "error", "message", "error": {"code", "message"}}\`. A token scoped to a bot
(\`switchboard token create NAME --bot FLOW_NS\`, or in the admin) acts on that bot, as a UChat key
does; an installation-wide token passes \`flow_ns\` where a bot must be known (else 422
\`flow_ns_required\`). A token's agent id (\`--agent ID\`) is recorded on the messages it sends.

A contact is UChat's BotUser: \`name\` (first and last joined), \`user_id\` (the phone's digits, else
the email; \`get-info-by-user-id\` finds it), \`gender\`, \`tags\` as \`{name, tag_ns}\`, \`user_fields\` as
\`{var_ns, name, type, value}\` for every custom field of the bot (null when unset), besides the
\`fields\` object of set values. \`subscriber/create\` and \`update\` take \`name\` (the first word becomes
\`first_name\`, the rest \`last_name\`) and \`gender\` (\`male\` or \`female\`). A message has \`id\`,
\`sender_id\` (the contact's user_ns for \`in\`, the bot's flow_ns for \`out\`) and \`ts\` (seconds).
Custom fields are addressed by name or by \`var_ns\` (\`v\` + the field id), tags by name or by
\`tag_ns\` (\`t\` + the tag id); \`var_type\` is \`text\`, \`number\`, \`boolean\`, \`date\`, \`datetime\`,
\`json\` or \`array\` (a text value is one item, or a JSON array read as one).

Lists (\`/api/subscribers\`, \`/api/flow/tags\`, \`user-fields\`, \`subflows\`, \`inbound-webhooks\`) page by
\`page\` (1 to 1000) and \`limit\` (1 to 200) and answer \`meta\` with \`current_page\`, \`per_page\`,
\`total\` and \`last_page\`; \`/api/subscribers\` also gives \`meta.next_cursor\` and takes it as \`cursor\`
(50 a page by default). Without \`page\` or \`limit\` the flow lists answer everything at once.
`.trim();
