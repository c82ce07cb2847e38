// A webhook's signing secret rotated with an overlap: the previous secret and when it expires.
// (The integration's and http channels' secrets keep theirs in their JSON settings.)
export default {
  version: 20,
  name: "secret_rotation",
  sql: `
ALTER TABLE inbound_webhooks ADD COLUMN previous_signing_secret TEXT;
ALTER TABLE inbound_webhooks ADD COLUMN previous_secret_until INTEGER;
`,
};
