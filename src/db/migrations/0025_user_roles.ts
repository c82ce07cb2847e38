// A team in the admin (issue 19): each admin account is a user with a role. The account that
// exists (the one password, username "admin") becomes the owner.
export default {
  version: 25,
  name: "user roles",
  sql: `
ALTER TABLE admins ADD COLUMN role TEXT NOT NULL DEFAULT 'owner';
`,
};
