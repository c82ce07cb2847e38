// The SQL of inbound webhooks, their logs and idempotency keys: every statement on the tables this module owns, named, in one place.
// No other module writes these tables; test/unit/query-plans.test.ts plans each statement.
export const BATCH = 1000;

import { sqlFor } from "../../db/postgres/dialect";

export const SQL = {
  INSERT_LOG: `INSERT INTO webhook_logs (webhook_id, received_at, source_ip, headers, body, body_truncated, outcome, status, user_ns,
  created_contact, fields_written, notes, error, response, duration_ms, replay_of)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  SELECT_LOG: "SELECT * FROM webhook_logs WHERE webhook_id = ? AND id = ?",
  COUNT_LOGS: "SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ?",
  // One statement per filter shape of the log page, each walking an index newest first.
  LOGS_PAGE: "SELECT * FROM webhook_logs WHERE webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
  LOGS_PAGE_BY_OUTCOME: "SELECT * FROM webhook_logs WHERE webhook_id = ? AND outcome = ? AND id < ? ORDER BY id DESC LIMIT ?",
  SELECT_IDEMPOTENT: "SELECT status, response FROM idempotency_keys WHERE webhook_id = ? AND key = ? AND created_at > ?",
  UPSERT_IDEMPOTENT: `INSERT INTO idempotency_keys (webhook_id, key, status, response, created_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (webhook_id, key) DO UPDATE SET status = excluded.status, response = excluded.response, created_at = excluded.created_at`,
  // Logs are appended in time order, so the oldest are the lowest ids (no index on the time).
  // A prune walks windows of BATCH ids from the lowest and stops at the first window holding
  // rows but nothing expired: past it, everything is newer.
  DELETE_OLD_LOGS: `DELETE FROM webhook_logs WHERE id >= ? AND id < ? AND received_at < ?`,
  NEXT_LOG_ID: "SELECT min(id) AS id FROM webhook_logs WHERE id >= ?",
  DELETE_OLD_KEYS: `DELETE FROM idempotency_keys WHERE (webhook_id, key) IN
  (SELECT webhook_id, key FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ${BATCH})`,
  INSERT_WEBHOOK: `INSERT INTO inbound_webhooks (bot_id, name, token, rate_capacity, rate_refill_seconds, bucket_tokens, bucket_updated_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  SELECT_BY_ID: "SELECT * FROM inbound_webhooks WHERE id = ?",
  SELECT_TOKENS: "SELECT id, token FROM inbound_webhooks",
  SELECT_BY_BOT: "SELECT * FROM inbound_webhooks WHERE bot_id = ? ORDER BY id",
  COUNT_BY_BOT: "SELECT count(*) AS n FROM inbound_webhooks WHERE bot_id = ?",
  UPDATE_WEBHOOK: `UPDATE inbound_webhooks SET name = $name, active = $active, example = $example, identify = $identify, mappings = $mappings,
  actions = $actions, rate_capacity = $rate_capacity, rate_refill_seconds = $rate_refill_seconds, bucket_tokens = $bucket_tokens,
  bucket_updated_at = $bucket_updated_at, signing_secret = $signing_secret, idempotency_path = $idempotency_path, conditions = $conditions,
  reply = $reply, previous_signing_secret = $previous_signing_secret, previous_secret_until = $previous_secret_until, updated_at = $updated_at
  WHERE id = $id`,
  DELETE_WEBHOOK: "DELETE FROM inbound_webhooks WHERE id = ?",
  UPDATE_BUCKET: "UPDATE inbound_webhooks SET bucket_tokens = ?, bucket_updated_at = ? WHERE id = ?",
  SELECT_BUCKET: sqlFor({
    sqlite: "SELECT bucket_tokens, bucket_updated_at FROM inbound_webhooks WHERE id = ?",
    // Shared by every instance: the row stays locked until the request's transaction ends, so
    // two instances take tokens one after the other and never both take the last one.
    postgres: "SELECT bucket_tokens, bucket_updated_at FROM inbound_webhooks WHERE id = ? FOR UPDATE",
  }),
  START_LISTEN: "UPDATE inbound_webhooks SET listen_until = ?, listen_captured_at = NULL WHERE id = ?",
  STOP_LISTEN: "UPDATE inbound_webhooks SET listen_until = NULL WHERE id = ?",
  ROTATE_SECRET: "UPDATE inbound_webhooks SET signing_secret = ?, previous_signing_secret = ?, previous_secret_until = ?, updated_at = ? WHERE id = ?",
  CAPTURE_EXAMPLE: "UPDATE inbound_webhooks SET example = ?, listen_until = NULL, listen_captured_at = ?, updated_at = ? WHERE id = ?",
  // Saved test payloads (migration 16).
  SELECT_TEST_PAYLOADS: "SELECT * FROM webhook_test_payloads WHERE webhook_id = ? ORDER BY name",
  SELECT_TEST_PAYLOAD: "SELECT * FROM webhook_test_payloads WHERE webhook_id = ? AND id = ?",
  COUNT_TEST_PAYLOADS: "SELECT count(*) AS n FROM webhook_test_payloads WHERE webhook_id = ?",
  INSERT_TEST_PAYLOAD: "INSERT INTO webhook_test_payloads (webhook_id, name, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
  UPDATE_TEST_PAYLOAD: "UPDATE webhook_test_payloads SET name = ?, body = ?, updated_at = ? WHERE webhook_id = ? AND id = ? RETURNING *",
  DELETE_TEST_PAYLOAD: "DELETE FROM webhook_test_payloads WHERE webhook_id = ? AND id = ?",
  // Bulk replays (migration 17). A filter is a log id range, an optional outcome and a time range
  // (0 and the largest integer when open): each shape walks one index of webhook_logs.
  LAST_LOG_ID: "SELECT max(id) AS id FROM webhook_logs WHERE webhook_id = ?",
  COUNT_REPLAYABLE: "SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ? AND id > ? AND id <= ? AND received_at >= ? AND received_at < ?",
  COUNT_REPLAYABLE_BY_OUTCOME: "SELECT count(*) AS n FROM webhook_logs WHERE webhook_id = ? AND outcome = ? AND id > ? AND id <= ? AND received_at >= ? AND received_at < ?",
  NEXT_REPLAYABLE: "SELECT id FROM webhook_logs WHERE webhook_id = ? AND id > ? AND id <= ? AND received_at >= ? AND received_at < ? ORDER BY id LIMIT ?",
  NEXT_REPLAYABLE_BY_OUTCOME: "SELECT id FROM webhook_logs WHERE webhook_id = ? AND outcome = ? AND id > ? AND id <= ? AND received_at >= ? AND received_at < ? ORDER BY id LIMIT ?",
  INSERT_REPLAY: `INSERT INTO webhook_replays (webhook_id, outcome, from_ms, to_ms, until_log_id, total, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  SELECT_REPLAY: "SELECT * FROM webhook_replays WHERE webhook_id = ? AND id = ?",
  SELECT_REPLAYS: "SELECT * FROM webhook_replays WHERE webhook_id = ? ORDER BY id DESC LIMIT 20",
  SELECT_RUNNING_REPLAYS: "SELECT * FROM webhook_replays WHERE state = 'running' ORDER BY id",
  ADVANCE_REPLAY: "UPDATE webhook_replays SET done = done + 1, after_id = ? WHERE id = ?",
  FINISH_REPLAY: "UPDATE webhook_replays SET state = ?, finished_at = ? WHERE id = ? AND state = 'running'",
  // Refused requests since a log id, for the rejection alert (walks the primary key forward).
  LAST_LOG_ID_ALL: "SELECT max(id) AS id FROM webhook_logs",
  REFUSED_SINCE: "SELECT id, webhook_id, received_at FROM webhook_logs WHERE id > ? AND status IN (401, 422, 429) ORDER BY id LIMIT 10000",
} as const;
