import { expect, test } from "bun:test";
import { formatPath, parsePath, readAt } from "../../src/lib/json-path";

const body = { contact: { phones: ["+1", "+2"], "first name": "Ada", $ref: "x" }, items: [{ sku: "A1" }], "a.b": 1 };

test.each([
  ["contact.phones[0]", "+1"],
  ["contact.phones.1", "+2"],
  ['contact["first name"]', "Ada"],
  ["contact['first name']", "Ada"],
  ["$.contact.phones[1]", "+2"],
  ["$.items[0].sku", "A1"],
  ['["a.b"]', 1],
  ["contact.$ref", "x"],
  ["contact.missing", undefined],
  ["items[5].sku", undefined],
  ["contact.phones.x", undefined],
  ["__proto__", undefined],
  ["constructor.name", undefined],
])("%s reads %p", (path, expected) => {
  expect(readAt(body, path)).toEqual(expected);
});

test.each(["", "a..b", "a[", "a[x]", "[0", ".a", "a.", "a b"])("%p is refused with a reason", (path) => {
  const parsed = parsePath(path);
  expect(parsed.ok).toBe(false);
});

test("a key that starts with $ is quoted when formatted", () => {
  expect(formatPath(["$", " "])).toBe('["$"][" "]');
  expect(parsePath(formatPath(["$", " "]))).toEqual({ ok: true, segments: ["$", " "] });
});
