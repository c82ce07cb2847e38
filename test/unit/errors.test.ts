// One error catalogue (src/http/errors.ts), rendered in one place (errorResponse) and logged
// through the injected logger.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { AppError, errors } from "../../src/http/errors";
import { errorResponse } from "../../src/app";

const ROOT = resolve(import.meta.dir, "../..");
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? sources(join(dir, name)) : /\.tsx?$/.test(name) ? [join(dir, name)] : []));

describe("error catalogue", () => {
  test("no error is built by hand outside the catalogue", () => {
    const handMade = sources(join(ROOT, "src")).filter((file) => !file.endsWith("src/http/errors.ts") && /new AppError\(/.test(readFileSync(file, "utf8")));
    expect(handMade.map((file) => relative(ROOT, file))).toEqual([]);
  });

  test("every entry has a snake_case code, an error status and a sentence", () => {
    // Arguments for the entries that do not take plain strings.
    const args: Record<string, unknown[]> = {
      methodNotAllowed: ["/api/v1/bots", "DELETE", ["GET", "POST"]],
      body: [{ status: 400, code: "invalid_body", reason: "The body is empty: send a JSON object." }],
      confirmationRequired: ["f1", { webhooks: 1, contacts: 2, messages: 3, deliveries: 4 }],
      tooManyGuesses: [30],
      webhookLimitReached: [5],
      invalidAction: [0, "no such type"],
      invalidHeaderLine: ["X-Key", "invalid_integration"],
      // Those that carry the caller's sentence.
      validation: ["field 'name': must be a string"],
      invalidProviderSettings: ["url must be an http(s) URL."],
      invalidIntegration: ["url must be an http(s) URL."],
    };
    const samples: AppError[] = Object.entries(errors)
      .filter(([name]) => !name.startsWith("throw"))
      .map(([name, make]) => (make as (...a: unknown[]) => AppError)(...(args[name] ?? ["something", "else", "more"])));
    expect(samples.length).toBeGreaterThan(30);
    for (const error of samples) {
      expect(error).toBeInstanceOf(AppError);
      expect(error.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(error.status).toBeGreaterThanOrEqual(400);
      expect(error.message.length).toBeGreaterThan(10);
    }
  });

  test("an unexpected failure answers 500 internal_error and is logged through the injected logger, with its stack", async () => {
    const lines: Record<string, unknown>[] = [];
    const response = errorResponse("UNKNOWN", new Error("boom"), new Request("http://x/api/v1/bots"), "/api/v1/bots", (line) => lines.push(line));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "internal_error", message: "Something went wrong on the server; nothing was changed." } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", msg: "request failed", path: "/api/v1/bots" });
    expect(String(lines[0]!.error)).toContain("boom");
  });

  test("a full disk answers 503 storage_unavailable, logged as a warning; a known error is not logged", async () => {
    const lines: Record<string, unknown>[] = [];
    const full = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    const response = errorResponse("UNKNOWN", full, new Request("http://x/hooks/t"), "/hooks", (line) => lines.push(line));
    expect(response.status).toBe(503);
    expect((await response.json()).error.code).toBe("storage_unavailable");
    expect(lines).toEqual([{ level: "warn", msg: "storage unavailable", path: "/hooks", error: "database or disk is full" }]);
    errorResponse("UNKNOWN", errors.notFound("bot", "f1"), new Request("http://x/api/v1/bots/f1"), "/api/v1/bots/f1", (line) => lines.push(line));
    expect(lines).toHaveLength(1);
  });
});
