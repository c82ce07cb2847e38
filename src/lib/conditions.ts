// Conditions on a JSON payload: rules (path, operator, value) combined with all/any. A webhook
// runs only when its conditions hold, an action only when its own `when` holds.
//
// Regular expressions run in RE2JS, whose time is linear in the value's length (no
// backtracking: no pattern can blow up). Its cost is still the pattern's program size times the
// value's length, so each request has a budget of such steps: a rule that would go over it is
// stopped and counts as not matching. The budget is counted, not timed, so a replay decides the
// same way on any machine and under any load.
import type { RE2JS } from "re2js";
import { parsePath, readAt } from "./json-path";

export const CONDITION_OPS = ["equals", "not_equals", "contains", "starts_with", "exists", "missing", "greater_than", "less_than", "matches"] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
export type Scalar = string | number | boolean | null;

export interface Rule {
  path: string;
  op: ConditionOp;
  value?: Scalar;
}
export interface Conditions {
  match: "all" | "any";
  rules: Rule[];
}

export const MAX_RULES = 20;
export const MAX_PATTERN_LENGTH = 300;
/** Program instructions × characters of the value: about 13 ns each on the development VM. */
export const REGEX_STEPS_PER_REQUEST = 4_000_000;
const MAX_PROGRAM_SIZE = 10_000;

/** Why a definition cannot be saved: `where` names the part (e.g. `conditions.rules[1].value`). */
export class ConditionError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(message);
  }
}

const NEEDS_VALUE: ReadonlySet<ConditionOp> = new Set(["equals", "not_equals", "contains", "starts_with", "greater_than", "less_than", "matches"]);

function asNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "" && value.length <= 50) {
    const number = Number(value);
    return Number.isFinite(number) ? number : null;
  }
  return null;
}

/** Checks and normalises conditions a client sent (`null` clears them). */
export function validateConditions(raw: unknown, where: string): Conditions | null {
  if (raw === null) return null;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ConditionError(where, "is an object with 'match' (all or any) and 'rules'");
  const { match = "all", rules } = raw as { match?: unknown; rules?: unknown };
  if (match !== "all" && match !== "any") throw new ConditionError(`${where}.match`, "is 'all' or 'any'");
  if (!Array.isArray(rules) || rules.length === 0) throw new ConditionError(`${where}.rules`, "is a list of at least one rule");
  if (rules.length > MAX_RULES) throw new ConditionError(`${where}.rules`, `has at most ${MAX_RULES} rules`);
  return { match, rules: rules.map((rule, i) => validateRule(rule, `${where}.rules[${i}]`)) };
}

function validateRule(raw: unknown, where: string): Rule {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ConditionError(where, "is an object with 'path', 'op' and (for most operators) 'value'");
  const { path, op, value } = raw as { path?: unknown; op?: unknown; value?: unknown };
  if (typeof path !== "string") throw new ConditionError(`${where}.path`, "is a path into the body, e.g. order.total");
  const parsed = parsePath(path);
  if (!parsed.ok) throw new ConditionError(`${where}.path`, `'${path}' is not a valid path (${parsed.reason})`);
  if (typeof op !== "string" || !(CONDITION_OPS as readonly string[]).includes(op)) throw new ConditionError(`${where}.op`, `is one of ${CONDITION_OPS.join(", ")}`);
  const rule: Rule = { path: path.trim(), op: op as ConditionOp };
  if (!NEEDS_VALUE.has(rule.op)) return rule;
  if (value === undefined) throw new ConditionError(`${where}.value`, `is needed by '${op}'`);
  if (value !== null && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") throw new ConditionError(`${where}.value`, "is a string, number, boolean or null");
  if (typeof value === "string" && value.length > 1000) throw new ConditionError(`${where}.value`, "is at most 1000 characters");
  if (rule.op === "greater_than" || rule.op === "less_than") {
    const number = asNumber(value);
    if (number === null) throw new ConditionError(`${where}.value`, `'${op}' compares numbers: give a number`);
    return { ...rule, value: number };
  }
  if (rule.op === "contains" || rule.op === "starts_with" || rule.op === "matches") {
    if (value === null || value === "") throw new ConditionError(`${where}.value`, `'${op}' needs a non-empty text`);
    const text = String(value);
    if (rule.op === "matches") checkPattern(text, `${where}.value`);
    return { ...rule, value: text };
  }
  return { ...rule, value: value as Scalar };
}

function checkPattern(pattern: string, where: string): void {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new ConditionError(where, `a pattern is at most ${MAX_PATTERN_LENGTH} characters`);
  let size: number;
  try {
    size = compiled(pattern).size;
  } catch (error) {
    throw new ConditionError(where, `is not a pattern this server runs (RE2 syntax: no lookaround or backreferences): ${(error as Error).message}`);
  }
  if (size > MAX_PROGRAM_SIZE) throw new ConditionError(where, "the pattern is too complex (its repetitions expand too far)");
}

// ---- Evaluation ----

interface Regex {
  re: RE2JS;
  /** The compiled program's instructions: the cost of each character matched. */
  size: number;
}

const regexes = new Map<string, Regex>();

// Loaded the first time a pattern is compiled: most installations never use one, and the
// engine would otherwise cost every start.
let engine: typeof RE2JS | null = null;
const loadRe2 = (): typeof RE2JS => (engine ??= (require("re2js") as typeof import("re2js")).RE2JS);

function compiled(pattern: string): Regex {
  let regex = regexes.get(pattern);
  if (!regex) {
    const re = loadRe2().compile(pattern);
    // RE2JS does not publish its program size; the pattern's length is a floor if that changes.
    const internal = (re as unknown as { re2Input?: { prog?: { numInst?: () => number } } }).re2Input?.prog?.numInst?.();
    regex = { re, size: Math.max(internal ?? 0, pattern.length) };
    // Saved patterns are few; a bound keeps an API client that churns them from growing this.
    if (regexes.size >= 1000) regexes.clear();
    regexes.set(pattern, regex);
  }
  return regex;
}

/** The regex budget of one request, shared by every condition it evaluates. */
export interface Budget {
  steps: number;
}
export const newBudget = (): Budget => ({ steps: REGEX_STEPS_PER_REQUEST });

export interface RuleResult {
  rule: Rule;
  holds: boolean;
  /** What the path read (undefined when nothing is there). */
  actual: unknown;
  /** Why it was not evaluated (a regex over the budget). */
  stopped?: string;
}

const isScalar = (value: unknown): value is string | number | boolean => typeof value === "string" || typeof value === "number" || typeof value === "boolean";

/** Numbers compare as numbers (a form's "100" equals 100); everything else as its text. */
function same(actual: unknown, expected: Scalar | undefined): boolean {
  if (expected === null || actual === null) return actual === expected;
  if (!isScalar(actual) || expected === undefined) return false;
  if (typeof actual === "number" || typeof expected === "number") {
    const a = asNumber(actual);
    const b = asNumber(expected);
    if (a !== null && b !== null) return a === b;
  }
  return String(actual) === String(expected);
}

export function evaluateRule(rule: Rule, payload: unknown, budget: Budget): RuleResult {
  const actual = readAt(payload, rule.path);
  const result = (holds: boolean, stopped?: string): RuleResult => ({ rule, holds, actual, ...(stopped ? { stopped } : {}) });
  switch (rule.op) {
    case "exists":
      return result(actual !== undefined && actual !== null);
    case "missing":
      return result(actual === undefined || actual === null);
    case "equals":
      return result(same(actual, rule.value));
    case "not_equals":
      return result(!same(actual, rule.value));
    case "contains":
      if (Array.isArray(actual)) return result(actual.some((item) => same(item, rule.value)));
      return result(typeof actual === "string" && actual.includes(String(rule.value)));
    case "starts_with":
      return result(isScalar(actual) && String(actual).startsWith(String(rule.value)));
    case "greater_than":
    case "less_than": {
      const number = asNumber(actual);
      if (number === null) return result(false);
      return result(rule.op === "greater_than" ? number > (rule.value as number) : number < (rule.value as number));
    }
    case "matches": {
      if (!isScalar(actual)) return result(false);
      const text = String(actual);
      const regex = compiled(String(rule.value));
      const steps = regex.size * Math.max(1, text.length);
      if (steps > budget.steps) return result(false, `stopped: matching ${text.length} characters would go over the request's regex budget`);
      budget.steps -= steps;
      // test(): found anywhere, on RE2's DFA when it can (no Matcher, no capture groups).
      return result(regex.re.test(text));
    }
  }
}

/** Whether the conditions hold; `results` says what each evaluated rule found. */
export function evaluateConditions(conditions: Conditions, payload: unknown, budget: Budget = newBudget()): { holds: boolean; results: RuleResult[] } {
  const results: RuleResult[] = [];
  for (const rule of conditions.rules) {
    const result = evaluateRule(rule, payload, budget);
    results.push(result);
    // Decided: later rules cannot change the outcome (and cost nothing).
    if (conditions.match === "all" && !result.holds) return { holds: false, results };
    if (conditions.match === "any" && result.holds) return { holds: true, results };
  }
  return { holds: conditions.match === "all", results };
}

const OP_TEXT: Record<ConditionOp, string> = {
  equals: "equals",
  not_equals: "does not equal",
  contains: "contains",
  starts_with: "starts with",
  exists: "exists",
  missing: "is missing",
  greater_than: "is greater than",
  less_than: "is less than",
  matches: "matches",
};

/** A rule as a person reads it: `order.total is greater than 100`. */
export function describeRule(rule: Rule): string {
  return NEEDS_VALUE.has(rule.op) ? `${rule.path} ${OP_TEXT[rule.op]} ${JSON.stringify(rule.value)}` : `${rule.path} ${OP_TEXT[rule.op]}`;
}

/** One line for the log: why the conditions did not hold. */
export function explainFailure(conditions: Conditions, results: RuleResult[]): string {
  const shown = (r: RuleResult) => `${describeRule(r.rule)}: ${r.stopped ?? `no (found ${r.actual === undefined ? "nothing" : JSON.stringify(r.actual)?.slice(0, 100)})`}`;
  if (conditions.match === "all") return shown(results.at(-1)!);
  return `none of ${results.length} held; ${results.map(shown).join("; ")}`;
}
