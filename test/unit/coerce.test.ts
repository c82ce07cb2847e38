import { describe, expect, test } from "bun:test";
import { coerceFieldValue, type FieldType } from "../../src/lib/coerce";

const ok: [FieldType, unknown, unknown][] = [
  ["text", "hello", "hello"],
  ["text", 42, "42"],
  ["text", true, "true"],
  ["number", 3.5, 3.5],
  ["number", " 12 ", 12],
  ["number", "-0.5", -0.5],
  ["boolean", true, true],
  ["boolean", "Yes", true],
  ["boolean", "off", false],
  ["boolean", 0, false],
  ["date", "2026-02-28", "2026-02-28"],
  ["date", "2026-02-28T23:00:00Z", "2026-02-28"],
  ["datetime", "2026-02-28T10:00:00+02:00", "2026-02-28T08:00:00.000Z"],
  ["datetime", "2026-02-28 10:00", "2026-02-28T10:00:00.000Z"],
  ["datetime", "2026-02-28", "2026-02-28T00:00:00.000Z"],
  ["datetime", 1767225600, "2026-01-01T00:00:00.000Z"],
  ["datetime", 1767225600000, "2026-01-01T00:00:00.000Z"],
  ["json", { a: [1, 2] }, { a: [1, 2] }],
  ["json", "just text", "just text"],
  ["array", ["a", 2], ["a", 2]],
  ["array", '["red", "blue"]', ["red", "blue"]],
  ["array", "red", ["red"]],
  ["array", 7, [7]],
  ["number", null, null],
];

const rejected: [FieldType, unknown][] = [
  ["text", { a: 1 }],
  ["text", [1]],
  ["number", "twelve"],
  ["number", ""],
  ["number", "1e999"],
  ["number", true],
  ["boolean", "maybe"],
  ["boolean", 2],
  ["date", "2026-02-30"],
  ["date", "28/02/2026"],
  ["date", 20260228],
  ["datetime", "yesterday"],
  ["datetime", "2026-13-01T00:00:00Z"],
  ["datetime", Number.NaN],
  ["datetime", 253402300800000], // year 10000: no plain ISO form
  ["array", { a: 1 }],
  ["array", '["unclosed"'],
];

describe("coerceFieldValue", () => {
  for (const [type, input, expected] of ok) {
    test(`${type}: ${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      expect(coerceFieldValue(type, input)).toEqual({ ok: true, value: expected });
    });
  }
  for (const [type, input] of rejected) {
    test(`${type}: ${JSON.stringify(input)} is rejected with a reason`, () => {
      const result = coerceFieldValue(type, input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toContain(type);
    });
  }
});
