// Request logs are written in time order, so their ids are: retention walks the oldest ids
// instead of keeping a third index on every log row (one index write less per request).
export default {
  version: 8,
  name: "logs_by_id",
  sql: `DROP INDEX webhook_logs_by_time;`,
};
