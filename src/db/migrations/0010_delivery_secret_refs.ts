// Secrets leave the queue: a delivery names where its credentials come from (the integration,
// its bot's channel, the action that queued it) and the worker adds them when sending.
// Queued relays and channel messages are rewritten to such references; their copied header
// values and signing secrets are erased.
export default {
  version: 10,
  name: "delivery_secret_refs",
  sql: `
ALTER TABLE deliveries ADD COLUMN secret_ref TEXT;
UPDATE deliveries SET secret_ref = 'integration', secret = NULL, headers = '{"content-type":"application/json"}' WHERE kind = 'relay';
UPDATE deliveries SET secret_ref = 'channel:' || bot_id, secret = NULL,
  headers = json_object('content-type', coalesce(json_extract(headers, '$."content-type"'), 'application/json'))
  WHERE kind = 'channel_message' AND bot_id IS NOT NULL;
`,
};
