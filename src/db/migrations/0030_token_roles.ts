// API tokens may be given a role (issue 19): what the token reaches is then the role's, as for
// an admin user. NULL: full access, as every token before this (read-only stays its own flag).
export default {
  version: 30,
  name: "token roles",
  sql: `
ALTER TABLE api_tokens ADD COLUMN role TEXT;
`,
};
