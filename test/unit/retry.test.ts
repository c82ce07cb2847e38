// The retry schedule as the guide documents it, pinned in numbers written here (not read from
// the code): 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h, ±20% jitter, ten tries,
// Retry-After honoured up to an hour.
import { describe, expect, test } from "bun:test";
import { judge, parseRetryAfter, retryDelayMs } from "../../src/modules/deliveries/retry";

const DOCUMENTED_SECONDS = [5, 30, 2 * 60, 10 * 60, 30 * 60, 60 * 60, 3 * 3600, 6 * 3600, 12 * 3600];

describe("retry schedule", () => {
  test("after try n (1 to 9) the next waits the documented step; after the 10th there is none", () => {
    DOCUMENTED_SECONDS.forEach((seconds, i) => expect({ afterTry: i + 1, ms: retryDelayMs(i + 1, 0.5) }).toEqual({ afterTry: i + 1, ms: seconds * 1000 }));
    expect(retryDelayMs(10, 0.5)).toBeNull();
    expect(retryDelayMs(11, 0.5)).toBeNull();
  });

  test("jitter spans exactly 80% to 120% of the step", () => {
    expect(retryDelayMs(1, 0)).toBe(4_000);
    expect(retryDelayMs(1, 1)).toBe(6_000);
    expect(retryDelayMs(9, 0)).toBe(34_560_000); // 0.8 × 12 h
    expect(retryDelayMs(9, 1)).toBe(51_840_000); // 1.2 × 12 h
  });

  test("Retry-After lengthens a wait, never shortens it, and counts for at most an hour", () => {
    expect(retryDelayMs(1, 0.5, 120)).toBe(120_000);
    expect(retryDelayMs(1, 0.5, 2)).toBe(5_000);
    expect(retryDelayMs(1, 0.5, 86_400)).toBe(3_600_000);
    expect(retryDelayMs(8, 0.5, 60)).toBe(6 * 3600 * 1000); // the step is longer than what was asked
  });

  test("Retry-After is read as seconds or an HTTP date", () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("Mon, 23 Nov 2026 12:01:30 GMT", now)).toBe(90);
    expect(parseRetryAfter("Mon, 23 Nov 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  test("2xx succeeds; no answer, 408, 429 and 5xx are retried; any other answer fails at once", () => {
    expect([200, 202, 299].map(judge)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect([null, 408, 429, 500, 503, 599].map(judge)).toEqual(["retry", "retry", "retry", "retry", "retry", "retry"]);
    expect([300, 302, 400, 401, 404, 410, 422].map(judge)).toEqual(["failed", "failed", "failed", "failed", "failed", "failed", "failed"]);
  });
});
