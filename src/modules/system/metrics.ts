// Request counters in Prometheus text format. In memory: they describe this process's life,
// as Prometheus expects (it handles restarts by itself).
export function createMetrics() {
  const requests = new Map<string, number>();
  const durations = new Map<string, { sum: number; count: number }>();
  // Counters by name, then by their rendered labels ("" for none).
  const counters = new Map<string, Map<string, number>>();
  // Delivery attempt durations: a Prometheus histogram (cumulative buckets, in seconds).
  const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  const attemptBuckets = ATTEMPT_BUCKETS.map(() => 0);
  let attemptSum = 0;
  let attemptCount = 0;
  const startedAt = Date.now();

  const label = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  // Keys are "method\nroute" and "method\nroute\nstatus"; a route template holds no newline.
  const labels = (key: string) => {
    const [method, route, status] = key.split("\n");
    return `method="${label(method!)}",route="${label(route!)}"${status === undefined ? "" : `,status="${status}"`}`;
  };

  return {
    // Called for every request: keys stay raw here and are escaped only when rendered.
    recordRequest(method: string, route: string, status: number, ms: number) {
      const routeKey = `${method}\n${route}`;
      const key = `${routeKey}\n${status}`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      let duration = durations.get(routeKey);
      if (!duration) durations.set(routeKey, (duration = { sum: 0, count: 0 }));
      duration.sum += ms / 1000;
      duration.count += 1;
    },
    increment(name: string, labelValues: Record<string, string> = {}, by = 1) {
      const key = Object.entries(labelValues).map(([k, v]) => `${k}="${label(v)}"`).join(",");
      let series = counters.get(name);
      if (!series) counters.set(name, (series = new Map()));
      series.set(key, (series.get(key) ?? 0) + by);
    },
    observeAttempt(seconds: number) {
      ATTEMPT_BUCKETS.forEach((bound, i) => {
        if (seconds <= bound) attemptBuckets[i]! += 1;
      });
      attemptSum += seconds;
      attemptCount += 1;
    },
    /** `gauges`: current values read at scrape time (queue depth and the like), as text lines. */
    render(gauges: string[] = []): string {
      const lines = [
        "# HELP switchboard_http_requests_total HTTP requests answered, by route and status.",
        "# TYPE switchboard_http_requests_total counter",
        ...[...requests].map(([key, n]) => `switchboard_http_requests_total{${labels(key)}} ${n}`),
        "# HELP switchboard_http_request_duration_seconds Time spent answering HTTP requests, by route.",
        "# TYPE switchboard_http_request_duration_seconds summary",
        ...[...durations].flatMap(([key, d]) => [
          `switchboard_http_request_duration_seconds_sum{${labels(key)}} ${d.sum.toFixed(6)}`,
          `switchboard_http_request_duration_seconds_count{${labels(key)}} ${d.count}`,
        ]),
        ...[...counters].flatMap(([name, series]) => [`# TYPE ${name} counter`, ...[...series].map(([key, n]) => `${name}${key ? `{${key}}` : ""} ${n}`)]),
        "# HELP switchboard_delivery_attempt_duration_seconds Time from sending a delivery to its answer (or timeout).",
        "# TYPE switchboard_delivery_attempt_duration_seconds histogram",
        ...ATTEMPT_BUCKETS.map((bound, i) => `switchboard_delivery_attempt_duration_seconds_bucket{le="${bound}"} ${attemptBuckets[i]}`),
        `switchboard_delivery_attempt_duration_seconds_bucket{le="+Inf"} ${attemptCount}`,
        `switchboard_delivery_attempt_duration_seconds_sum ${attemptSum.toFixed(6)}`,
        `switchboard_delivery_attempt_duration_seconds_count ${attemptCount}`,
        ...gauges,
        "# HELP switchboard_start_time_seconds When this process started.",
        "# TYPE switchboard_start_time_seconds gauge",
        `switchboard_start_time_seconds ${Math.floor(startedAt / 1000)}`,
      ];
      return `${lines.join("\n")}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
