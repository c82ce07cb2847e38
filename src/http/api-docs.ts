// The prose of the API docs page (/docs): what the schemas alone cannot say.
export const API_DESCRIPTION = `
Self-hosted webhook hub for chat automation.

## Authentication
Send an API token as \`Authorization: Bearer TOKEN\`. Create tokens in the admin (Settings) or with
\`switchboard token create NAME\`. The receiver \`POST /hooks/{token}\` needs no token: its URL is the secret.

## Errors
Every error is \`{ "error": { "code": "snake_case", "message": "human sentence" } }\`. Validation errors
are 422 \`validation_failed\` naming the field; malformed JSON is 400 \`invalid_json\`.

## Inbound webhooks: the receiver
\`POST /hooks/{token}\` takes a JSON object (or \`application/x-www-form-urlencoded\`, read as an object;
a repeated key becomes an array), at most 256 KiB and 64 levels deep. In order:

1. unknown token → 404 \`not_found\` (not logged; more than 30 misses a minute from one address → 429);
2. token bucket per webhook (default 500 per 86,400 s, refilled evenly, kept in the database) → 429
   \`rate_limited\` with \`Retry-After\` seconds;
3. while listening, the body becomes the webhook's \`example\`;
4. inactive → 409 \`webhook_inactive\`;
5. body limits → 413 \`payload_too_large\`, 400 \`invalid_body\` (invalid JSON or UTF-8, not an object,
   too deep), 415 \`unsupported_media_type\`;
6. with a \`signing_secret\`: Standard Webhooks headers \`webhook-id\`, \`webhook-timestamp\` (Unix seconds,
   within 5 minutes) and \`webhook-signature\` (\`v1,\` + base64 HMAC-SHA256 of \`id.timestamp.body\` keyed
   with the base64 bytes after \`whsec_\`) → 401 \`invalid_signature\`;
   idempotency: a repeated \`Idempotency-Key\` (or \`webhook-id\`) header, or value at \`idempotency_path\`,
   within 24 h returns the first answer again without running anything (logged as \`duplicate\`);
7. identification: the value at \`identify.user_ns\` names a contact of this bot; else the phone (E.164,
   read with the bot's default country) or email (trimmed, lowercased) matches one (the phone wins when
   they match different contacts); else, when the bot's channel may start conversations (sms, whatsapp,
   voice, email, test) and the phone is valid, a contact is created; else 422 \`user_not_identified\`;
8. mappings write custom or system fields (\`first_name\`, \`last_name\`, \`email\`, \`phone\`), coerced to the
   field's type; a value that cannot be coerced is skipped and noted in the log;
9. actions run in order;
10. all of it and the log row are committed in one transaction, then 200 \`{"ok": true, "user_ns", "created"}\`.

Every request to a known token is one log row with an outcome: \`processed\`, \`rate_limited\`,
\`webhook_inactive\`, \`invalid_body\`, \`too_large\`, \`invalid_signature\`, \`duplicate\`,
\`user_not_identified\`. Header values named like authorization, cookie, secret, token, signature or
api key are stored as \`[redacted]\`; bodies are kept up to 64 KiB. Logs older than the
\`log_retention_days\` setting (default 30) are pruned hourly.

## Path syntax
Paths point into the JSON body with dots and brackets: \`contact.email\`, \`contact.phones[0]\`,
\`data["first name"]\`, \`items[2]['sku']\`; a leading \`$.\` is allowed. Keys that contain dots, spaces or
brackets need the quoted form. A path that finds nothing reads as missing (mapping skipped, noted).

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
`.trim();
