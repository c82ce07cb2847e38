// The relay worker's throttle per target origin: a sliding window of starts, and concurrency.
import { describe, expect, test } from "bun:test";
import { createThrottle } from "../../src/modules/deliveries/throttle";

describe("throttle", () => {
  test("at most `count` starts in any window: the next waits until the oldest leaves it", () => {
    const throttle = createThrottle(() => ({ origin: "https://a.example", count: 2, per: "second", concurrency: null }));
    expect(throttle.take("https://a.example", 1000)).toEqual({ ok: true });
    expect(throttle.take("https://a.example", 1400)).toEqual({ ok: true });
    expect(throttle.take("https://a.example", 1500)).toEqual({ ok: false, waitMs: 500 });
    expect(throttle.take("https://a.example", 2000)).toEqual({ ok: true }); // the first left the window
    expect(throttle.take("https://a.example", 2001)).toEqual({ ok: false, waitMs: 399 });
  });

  test("concurrency: no more in flight than allowed until one finishes; other origins are not held", () => {
    const throttle = createThrottle((origin) => (origin === "https://slow.example" ? { origin, count: 100, per: "minute", concurrency: 1 } : null));
    expect(throttle.take("https://slow.example", 0)).toEqual({ ok: true });
    expect(throttle.take("https://slow.example", 1)).toEqual({ ok: false, waitMs: 50 });
    expect(throttle.take("https://fast.example", 1)).toEqual({ ok: true });
    throttle.finished("https://slow.example");
    expect(throttle.take("https://slow.example", 2)).toEqual({ ok: true });
  });
});
