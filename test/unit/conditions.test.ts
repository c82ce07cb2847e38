// Each operator of a condition rule, all/any, and the regex step budget.
import { describe, expect, test } from "bun:test";
import { ConditionError, evaluateConditions, evaluateRule, newBudget, validateConditions, type Rule } from "../../src/lib/conditions";

const payload = {
  order: { total: 250, status: "paid", id: "A-17", note: null },
  form: { amount: "99.50", vip: "true", empty: "" },
  tags: ["new", "web", 7],
  name: "Ada Lovelace",
};

const holds = (rule: Omit<Rule, "op"> & { op: string }) => evaluateRule(validateConditions({ rules: [rule] }, "c")!.rules[0]!, payload, newBudget()).holds;

describe("operators", () => {
  test("equals / not_equals: numbers compare as numbers, the rest as text, null only with null", () => {
    expect(holds({ path: "order.total", op: "equals", value: 250 })).toBe(true);
    expect(holds({ path: "order.total", op: "equals", value: "250.0" })).toBe(true);
    expect(holds({ path: "form.amount", op: "equals", value: 99.5 })).toBe(true);
    expect(holds({ path: "order.status", op: "equals", value: "Paid" })).toBe(false);
    expect(holds({ path: "form.vip", op: "equals", value: true })).toBe(true);
    expect(holds({ path: "order.note", op: "equals", value: null })).toBe(true);
    expect(holds({ path: "order.missing", op: "equals", value: null })).toBe(false);
    expect(holds({ path: "order", op: "equals", value: "[object Object]" })).toBe(false);
    expect(holds({ path: "order.missing", op: "not_equals", value: "x" })).toBe(true);
    expect(holds({ path: "order.status", op: "not_equals", value: "paid" })).toBe(false);
  });

  test("contains: a substring of text, or an item of a list", () => {
    expect(holds({ path: "name", op: "contains", value: "Love" })).toBe(true);
    expect(holds({ path: "name", op: "contains", value: "love" })).toBe(false);
    expect(holds({ path: "tags", op: "contains", value: "web" })).toBe(true);
    expect(holds({ path: "tags", op: "contains", value: "7" })).toBe(true);
    expect(holds({ path: "tags", op: "contains", value: "we" })).toBe(false);
    expect(holds({ path: "order.total", op: "contains", value: "25" })).toBe(false);
  });

  test("starts_with, exists, missing", () => {
    expect(holds({ path: "order.id", op: "starts_with", value: "A-" })).toBe(true);
    expect(holds({ path: "order.total", op: "starts_with", value: "2" })).toBe(true);
    expect(holds({ path: "order", op: "starts_with", value: "[" })).toBe(false);
    expect(holds({ path: "form.empty", op: "exists" })).toBe(true);
    expect(holds({ path: "order.note", op: "exists" })).toBe(false);
    expect(holds({ path: "order.note", op: "missing" })).toBe(true);
    expect(holds({ path: "nothing.here", op: "missing" })).toBe(true);
  });

  test("greater_than / less_than read numbers and numeric text; anything else does not hold", () => {
    expect(holds({ path: "order.total", op: "greater_than", value: 100 })).toBe(true);
    expect(holds({ path: "form.amount", op: "less_than", value: "100" })).toBe(true);
    expect(holds({ path: "form.amount", op: "greater_than", value: 99.5 })).toBe(false);
    expect(holds({ path: "form.empty", op: "less_than", value: 1 })).toBe(false);
    expect(holds({ path: "name", op: "less_than", value: 1 })).toBe(false);
    expect(holds({ path: "order.note", op: "less_than", value: 1 })).toBe(false);
  });

  test("matches: found anywhere unless anchored; (?i); only scalars", () => {
    expect(holds({ path: "name", op: "matches", value: "Love" })).toBe(true);
    expect(holds({ path: "name", op: "matches", value: "^Love" })).toBe(false);
    expect(holds({ path: "name", op: "matches", value: "(?i)^ada\\s" })).toBe(true);
    expect(holds({ path: "order.total", op: "matches", value: "^\\d{3}$" })).toBe(true);
    expect(holds({ path: "tags", op: "matches", value: "web" })).toBe(false);
  });
});

describe("all and any", () => {
  test("all stops at the first rule that fails, any at the first that holds", () => {
    const all = validateConditions({ match: "all", rules: [{ path: "order.status", op: "equals", value: "open" }, { path: "name", op: "exists" }] }, "c")!;
    expect(evaluateConditions(all, payload)).toMatchObject({ holds: false, results: [{ holds: false }] });
    const any = validateConditions({ match: "any", rules: [{ path: "name", op: "exists" }, { path: "x", op: "exists" }] }, "c")!;
    expect(evaluateConditions(any, payload)).toMatchObject({ holds: true, results: [{ holds: true }] });
    const none = validateConditions({ match: "any", rules: [{ path: "x", op: "exists" }, { path: "y", op: "exists" }] }, "c")!;
    expect(evaluateConditions(none, payload)).toMatchObject({ holds: false, results: [{ holds: false }, { holds: false }] });
  });

  test("match defaults to all; null clears", () => {
    expect(validateConditions({ rules: [{ path: "a", op: "exists" }] }, "c")).toEqual({ match: "all", rules: [{ path: "a", op: "exists" }] });
    expect(validateConditions(null, "c")).toBeNull();
  });
});

describe("the regex budget", () => {
  test("is shared by a request's rules: once spent, a further match is stopped and does not hold", () => {
    const conditions = validateConditions({ match: "all", rules: [{ path: "a", op: "matches", value: "x$" }, { path: "b", op: "matches", value: "x$" }] }, "c")!;
    const text = "y".repeat(1000) + "x";
    const budget = newBudget();
    budget.steps = 6000; // enough for one 1,001-character match of a small pattern, not two
    const result = evaluateConditions(conditions, { a: text, b: text }, budget);
    expect(result.holds).toBe(false);
    expect(result.results[0]).toMatchObject({ holds: true });
    expect(result.results[1]).toMatchObject({ holds: false, stopped: expect.stringContaining("stopped: matching 1001 characters") });
  });

  test("a definition is refused naming its part", () => {
    const where = (raw: unknown) => {
      try {
        validateConditions(raw, "conditions");
        return null;
      } catch (error) {
        return (error as ConditionError).where;
      }
    };
    expect(where({ rules: [{ path: "a", op: "matches", value: "x".repeat(301) }] })).toBe("conditions.rules[0].value");
    expect(where({ rules: [{ path: "a", op: "matches", value: "(a{1000}){1000}" }] })).toBe("conditions.rules[0].value");
    expect(where({ rules: Array.from({ length: 21 }, () => ({ path: "a", op: "exists" })) })).toBe("conditions.rules");
    expect(where({ rules: [{ op: "exists" }] })).toBe("conditions.rules[0].path");
    expect(where([])).toBe("conditions");
  });
});
