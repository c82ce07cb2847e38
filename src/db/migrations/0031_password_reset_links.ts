// A one-time link an owner makes for an existing user to choose a new password (issue 19's
// team, a forgotten password): an invitation bound to that user.
export default {
  version: 31,
  name: "password reset links",
  sql: `
ALTER TABLE invitations ADD COLUMN for_user INTEGER REFERENCES admins(id) ON DELETE CASCADE;
CREATE INDEX invitations_for_user ON invitations (for_user);
`,
};
