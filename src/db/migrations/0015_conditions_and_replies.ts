// A webhook's conditions (run only when the payload matches) and its reply to the caller
// (status and body template): JSON, NULL when the webhook has none.
export default {
  version: 15,
  name: "conditions_and_replies",
  sql: `
ALTER TABLE inbound_webhooks ADD COLUMN conditions TEXT;
ALTER TABLE inbound_webhooks ADD COLUMN reply TEXT;
`,
};
