// API tokens: only a hash is stored, the token verifies, a revoked one does not.
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openDataDir } from "../../src/db/index";
import { createTokens } from "../../src/modules/tokens/service";
import { sha256Hex, constantTimeEqual } from "../../src/lib/ids";
import { tempDir } from "../helpers/server";

const dir = tempDir("sb-tokens-");
const db = openDataDir(dir);
let now = 1_000_000;
const tokens = createTokens({ db, clock: { now: () => now } });
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("api tokens", () => {
  test("the token is never stored, only its SHA-256", () => {
    const { token, record } = tokens.create("crm");
    expect(token).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);
    const raw = JSON.stringify(db.query("SELECT * FROM api_tokens").all());
    expect(raw).not.toContain(token);
    expect(record.token_hash).toBe(sha256Hex(token));
    expect(record.prefix).toBe(token.slice(0, 7));
  });

  test("verify finds the token and records when it was used", () => {
    const { token, record } = tokens.create("zapier");
    expect(tokens.verify(token)?.id).toBe(record.id);
    expect(tokens.list().find((t) => t.id === record.id)!.last_used_at).toBe(now);
    expect(tokens.verify(`${token}x`)).toBeNull();
    expect(tokens.verify("")).toBeNull();
  });

  test("a revoked token stops working; revoking twice is 404", () => {
    const { token, record } = tokens.create("old");
    tokens.revoke(record.id);
    expect(tokens.verify(token)).toBeNull();
    expect(() => tokens.revoke(record.id)).toThrow(/No active API token/);
  });

  test("two tokens never collide", () => {
    const seen = new Set(Array.from({ length: 200 }, () => tokens.create("n").token));
    expect(seen.size).toBe(200);
  });

  test("constantTimeEqual", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
  });
});
