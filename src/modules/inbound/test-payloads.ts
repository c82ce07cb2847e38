// Named example bodies per webhook (migration 16): the admin's test panel and "Send test request"
// pick one; the API keeps them beside the webhook.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { errors } from "../../http/errors";
import { SQL } from "./repo";

export const MAX_TEST_PAYLOADS = 20;
const MAX_BODY_CHARS = 64 * 1024;

interface TestPayloadRow {
  id: number;
  webhook_id: number;
  name: string;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface TestPayload {
  id: number;
  name: string;
  body: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

const toPayload = (row: TestPayloadRow): TestPayload => ({
  id: row.id,
  name: row.name,
  body: JSON.parse(row.body),
  created_at: new Date(row.created_at).toISOString(),
  updated_at: new Date(row.updated_at).toISOString(),
});

/** The receiver takes a JSON object: a saved body is one, and not larger than a log keeps. */
function checkedBody(body: unknown): string {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw errors.validation("field 'body': a test payload is a JSON object, as the receiver takes", "invalid_test_payload");
  const text = JSON.stringify(body);
  if (text.length > MAX_BODY_CHARS) throw errors.validation(`field 'body': at most ${MAX_BODY_CHARS} characters of JSON`, "invalid_test_payload");
  return text;
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw errors.validation("field 'name': give the payload a name", "invalid_test_payload");
  return trimmed;
}

export function createTestPayloads({ db, clock }: { db: Database; clock: Clock }) {
  const selectAll = db.query<TestPayloadRow, [number]>(SQL.SELECT_TEST_PAYLOADS);
  const selectOne = db.query<TestPayloadRow, [number, number]>(SQL.SELECT_TEST_PAYLOAD);
  const countAll = db.query<{ n: number }, [number]>(SQL.COUNT_TEST_PAYLOADS);
  const insert = db.query<TestPayloadRow, [number, string, string, number, number]>(SQL.INSERT_TEST_PAYLOAD);
  const update = db.query<TestPayloadRow, [string, string, number, number, number]>(SQL.UPDATE_TEST_PAYLOAD);
  const remove = db.query(SQL.DELETE_TEST_PAYLOAD);

  const nameTaken = (webhookId: number, name: string, except?: number) => selectAll.all(webhookId).some((row) => row.name === name && row.id !== except);

  function get(webhookId: number, id: number): TestPayload {
    const row = selectOne.get(webhookId, id);
    if (!row) throw errors.notFound("test payload", String(id));
    return toPayload(row);
  }

  return {
    list: (webhookId: number): TestPayload[] => selectAll.all(webhookId).map(toPayload),
    get,
    create(webhookId: number, input: { name: string; body: unknown }): TestPayload {
      const name = checkedName(input.name);
      const body = checkedBody(input.body);
      return db.transaction(() => {
        if (countAll.get(webhookId)!.n >= MAX_TEST_PAYLOADS) throw errors.testPayloadLimitReached(MAX_TEST_PAYLOADS);
        if (nameTaken(webhookId, name)) throw errors.testPayloadExists(name);
        const now = clock.now();
        return toPayload(insert.get(webhookId, name, body, now, now)!);
      }).immediate();
    },
    update(webhookId: number, id: number, patch: { name?: string; body?: unknown }): TestPayload {
      const current = get(webhookId, id);
      const name = patch.name === undefined ? current.name : checkedName(patch.name);
      const body = patch.body === undefined ? JSON.stringify(current.body) : checkedBody(patch.body);
      if (nameTaken(webhookId, name, id)) throw errors.testPayloadExists(name);
      return toPayload(update.get(name, body, clock.now(), webhookId, id)!);
    },
    remove(webhookId: number, id: number): void {
      get(webhookId, id);
      remove.run(webhookId, id);
    },
  };
}

export type TestPayloads = ReturnType<typeof createTestPayloads>;
