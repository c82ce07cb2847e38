// Requests and deliveries per hour for the dashboard's charts: counted in memory and added here
// with each group commit, so drawing a day never counts millions of log rows.
export default {
  version: 9,
  name: "hourly_counts",
  sql: `CREATE TABLE hourly_counts (
  hour INTEGER NOT NULL,
  name TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (hour, name)
) STRICT, WITHOUT ROWID;`,
};
