// Who made each API token (issue 19): the admin user's name, or "command line"; tokens from
// before this are unknown (null).
export default {
  version: 28,
  name: "token creators",
  sql: `
ALTER TABLE api_tokens ADD COLUMN created_by TEXT;
`,
};
