// API tokens that may only read.
export default {
  version: 7,
  name: "token_access",
  sql: `ALTER TABLE api_tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;`,
};
