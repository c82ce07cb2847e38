import { describe, expect, test } from "bun:test";
import { normaliseEmail, normalisePhone } from "../../src/lib/contact-identity";

describe("normalisePhone", () => {
  const cases: [unknown, string | null, string | null][] = [
    ["+1 (415) 555-2671", null, "+14155552671"],
    ["(415) 555-2671", "US", "+14155552671"],
    ["415.555.2671", "US", "+14155552671"],
    ["07400 123456", "GB", "+447400123456"],
    ["+44 7400 123456", "US", "+447400123456"], // an explicit + wins over the default country
    ["030 901820", "DE", "+4930901820"],
    [4155552671, "US", "+14155552671"],
    ["(415) 555-2671", null, null], // no country to read it with
    ["12345", "US", null],
    ["not a phone", "US", null],
    ["", "US", null],
    [null, "US", null],
    [{ number: "+14155552671" }, "US", null],
  ];
  for (const [input, country, expected] of cases) {
    test(`${JSON.stringify(input)} in ${country ?? "no country"} → ${expected ?? "rejected"}`, () => {
      const result = normalisePhone(input, country);
      if (expected === null) {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason.length).toBeGreaterThan(5);
      } else {
        expect(result).toEqual({ ok: true, value: expected });
      }
    });
  }

  test("a remembered answer belongs to its country: the same digits read differently elsewhere", () => {
    for (let round = 0; round < 2; round++) {
      expect(normalisePhone("07400 123456", "GB")).toEqual({ ok: true, value: "+447400123456" });
      expect(normalisePhone("07400 123456", "US").ok).toBe(false);
      expect(normalisePhone("030 901820", "DE")).toEqual({ ok: true, value: "+4930901820" });
      expect(normalisePhone("030 901820", null).ok).toBe(false);
    }
  });

  test("the country's own international prefix works (00 in France, 011 in the US)", () => {
    expect(normalisePhone("0044 7400 123456", "FR")).toEqual({ ok: true, value: "+447400123456" });
    expect(normalisePhone("011 44 7400 123456", "US")).toEqual({ ok: true, value: "+447400123456" });
  });
});

describe("normaliseEmail", () => {
  test("trims and lowercases", () => {
    expect(normaliseEmail("  Ann.Lee@Example.COM ")).toEqual({ ok: true, value: "ann.lee@example.com" });
  });
  for (const bad of ["", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", 42, null, `${"a".repeat(250)}@example.com`]) {
    test(`rejects ${JSON.stringify(bad)?.slice(0, 30)}`, () => {
      expect(normaliseEmail(bad).ok).toBe(false);
    });
  }
});
