// What an http_request's response handling did when its delivery finished (JSON: outcome,
// fields written, tags added, follow-up actions run, notes), shown with the delivery.
export default {
  version: 18,
  name: "follow_ups",
  sql: `
ALTER TABLE deliveries ADD COLUMN follow_up TEXT;
`,
};
