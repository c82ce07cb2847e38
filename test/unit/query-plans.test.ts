// No hot query scans a table: each one below must be answered from an index.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openDataDir } from "../../src/db/index";
import { tempDir } from "../helpers/server";

const dir = tempDir("sb-plans-");
const db = openDataDir(dir);
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const HOT_QUERIES: [string, string][] = [
  ["webhook by token", "SELECT * FROM inbound_webhooks WHERE token = 'x'"],
  ["contact by user_ns", "SELECT * FROM contacts WHERE user_ns = 'u'"],
  ["contact by phone", "SELECT * FROM contacts WHERE bot_id = 1 AND phone = '+1'"],
  ["contact by email", "SELECT * FROM contacts WHERE bot_id = 1 AND email = 'a@b.c'"],
  ["contacts page", "SELECT * FROM contacts WHERE bot_id = 1 AND id < 100 ORDER BY id DESC LIMIT 51"],
  ["field values of a contact", "SELECT f.name, v.value FROM contact_field_values v JOIN custom_fields f ON f.id = v.field_id WHERE v.contact_id = 1"],
  ["logs page", "SELECT * FROM webhook_logs WHERE webhook_id = 1 AND id < 100 ORDER BY id DESC LIMIT 26"],
  ["logs page by outcome", "SELECT * FROM webhook_logs WHERE webhook_id = 1 AND outcome = 'processed' AND id < 100 ORDER BY id DESC LIMIT 26"],
  ["idempotency key", "SELECT status, response FROM idempotency_keys WHERE webhook_id = 1 AND key = 'k' AND created_at > 0"],
  ["messages of a contact", "SELECT * FROM messages WHERE contact_id = 1 AND id < 100 ORDER BY id DESC LIMIT 50"],
  ["due deliveries", "SELECT d.* FROM deliveries d WHERE d.state = 'pending' AND d.next_attempt_at <= 5 AND (d.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.ordering_key = d.ordering_key AND p.id < d.id AND p.state IN ('pending', 'sending'))) ORDER BY d.next_attempt_at, d.id LIMIT 32"],
  ["deliveries page by state", "SELECT * FROM deliveries WHERE state = 'failed' AND id < 100 ORDER BY id DESC LIMIT 51"],
  ["attempts of a delivery", "SELECT * FROM delivery_attempts WHERE delivery_id = 1 ORDER BY id"],
  ["log retention", "DELETE FROM webhook_logs WHERE id >= 1 AND id < 1001 AND received_at < 5"],
  ["log retention, next window", "SELECT min(id) AS id FROM webhook_logs WHERE id >= 1001"],
  ["contact search", "SELECT * FROM contacts WHERE bot_id = 1 AND (user_ns = 'ada' OR id IN (SELECT rowid FROM contacts_search WHERE text LIKE '%ada%' ESCAPE '\\')) ORDER BY id DESC LIMIT 51"],
  ["contact search, rare term", "SELECT * FROM contacts WHERE +bot_id = 1 AND (user_ns = 'ada' OR id IN (SELECT value FROM json_each('[1,2,3]'))) ORDER BY id DESC LIMIT 51"],
  ["contact search matches", "SELECT rowid AS id FROM contacts_search WHERE text LIKE '%ada%' LIMIT 5001"],
  ["contact prefix search", `SELECT id FROM contacts WHERE user_ns = 'ada' AND bot_id = 1
    UNION SELECT id FROM contacts WHERE bot_id = 1 AND first_name >= 'ada' COLLATE NOCASE AND first_name < 'adb' COLLATE NOCASE
    UNION SELECT id FROM contacts WHERE bot_id = 1 AND last_name >= 'ada' COLLATE NOCASE AND last_name < 'adb' COLLATE NOCASE
    UNION SELECT id FROM contacts WHERE bot_id = 1 AND email >= 'ada' AND email < 'adb'
    UNION SELECT id FROM contacts WHERE bot_id = 1 AND phone >= '+1' AND phone < '+2' LIMIT 5001`],
  ["paused contacts", "SELECT * FROM contacts WHERE paused_until IS NOT NULL AND paused_until > 5 LIMIT 100"],
];

for (const [name, sql] of HOT_QUERIES) {
  test(`${name} uses an index`, () => {
    const plan = db.query<{ detail: string }, []>(`EXPLAIN QUERY PLAN ${sql}`).all().map((row) => row.detail);
    // A virtual table's own index (the trigram search) is an index too.
    const scans = plan.filter((detail) => /^SCAN /.test(detail) && !/USING (COVERING )?INDEX|VIRTUAL TABLE INDEX/.test(detail));
    expect(scans, plan.join(" | ")).toEqual([]);
  });
}
