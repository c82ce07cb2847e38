// /metrics as Prometheus reads it: parsed by an exposition-format parser nobody here wrote,
// every family with its HELP and TYPE, counters with known labels present at 0 from the start,
// request durations as a histogram with buckets.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import parse from "parse-prometheus-text-format";
import { COUNTERS } from "../../src/modules/system/metrics";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
// The text format's sample line: name, optional labels, a value (no timestamps here).
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/;

describe("/metrics", () => {
  test("a fresh server's exposition parses; every family has HELP and TYPE; known counters start at 0", async () => {
    const text = await scrape();
    for (const line of text.trimEnd().split("\n")) if (!line.startsWith("#")) expect(line).toMatch(SAMPLE);
    const families = parse(text);
    for (const family of families) {
      expect({ name: family.name, help: typeof family.help }).toEqual({ name: family.name, help: "string" });
      expect(family.type).toBeDefined();
    }
    const byName = new Map(families.map((f) => [f.name, f]));
    for (const [name, declared] of Object.entries(COUNTERS)) {
      const family = byName.get(name)!;
      expect(family.type).toBe("COUNTER");
      const known: readonly string[] = "known" in declared ? declared.known : [""];
      expect(family.metrics.map((m) => (declared as { label?: string }).label ? m.labels![(declared as { label: string }).label] : "").sort()).toEqual([...known].sort());
      for (const metric of family.metrics) expect(metric.value).toBe("0");
    }
    expect(byName.get("switchboard_inbound_requests_total")!.metrics.map((m) => m.labels!.outcome)).toContain("processed");
  });

  test("request durations are a histogram with cumulative buckets per route", async () => {
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/healthz`);
    const text = await scrape();
    const family = parse(text).find((f) => f.name === "switchboard_http_request_duration_seconds")!;
    expect(family.type).toBe("HISTOGRAM");
    expect(family.metrics.length).toBeGreaterThan(0);
    // The parser keeps no labels for histograms (it would mix the series): each series is read
    // from the text, its buckets cumulative and ending at +Inf.
    const series = new Map<string, { le: string; n: number }[]>();
    for (const [, labels, le, n] of text.matchAll(/^switchboard_http_request_duration_seconds_bucket\{(.*),le="([^"]+)"\} (\d+)$/gm)) {
      series.set(labels!, [...(series.get(labels!) ?? []), { le: le!, n: Number(n) }]);
    }
    expect(series.size).toBeGreaterThan(1);
    for (const [labels, buckets] of series) {
      const counts = buckets.map((bucket) => bucket.n);
      expect({ labels, last: buckets.at(-1)!.le }).toEqual({ labels, last: "+Inf" });
      expect({ labels, counts }).toEqual({ labels, counts: [...counts].sort((a, b) => a - b) });
    }
    expect(text).toMatch(/^switchboard_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} [2-9]\d*$/m);
    expect(text).toMatch(/^switchboard_http_request_duration_seconds_count\{method="GET",route="\/healthz"\} [2-9]\d*$/m);
  });

  test("a counter moves with what it counts", async () => {
    await fetch(`${server.url}/hooks/not-a-webhook`, { method: "POST", body: "{}" });
    const families = parse(await scrape());
    const inbound = families.find((f) => f.name === "switchboard_inbound_requests_total")!;
    expect(inbound.metrics.find((m) => m.labels!.outcome === "unknown_token")!.value).toBe("1");
    // One metric says it: no second family counts the same requests.
    expect(families.some((f) => f.name === "switchboard_inbound_unknown_token_total")).toBe(false);
  });
});
