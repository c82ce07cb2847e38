// Request counters in Prometheus text format. In memory: they describe this process's life,
// as Prometheus expects (it handles restarts by itself).
export function createMetrics() {
  const requests = new Map<string, number>();
  const durations = new Map<string, { sum: number; count: number }>();
  const counters = new Map<string, number>();
  const startedAt = Date.now();

  const label = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

  return {
    recordRequest(method: string, route: string, status: number, ms: number) {
      const key = `method="${label(method)}",route="${label(route)}",status="${status}"`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      const routeKey = `method="${label(method)}",route="${label(route)}"`;
      const duration = durations.get(routeKey) ?? { sum: 0, count: 0 };
      duration.sum += ms / 1000;
      duration.count += 1;
      durations.set(routeKey, duration);
    },
    increment(name: string, by = 1) {
      counters.set(name, (counters.get(name) ?? 0) + by);
    },
    render(): string {
      const lines = [
        "# HELP switchboard_http_requests_total HTTP requests answered, by route and status.",
        "# TYPE switchboard_http_requests_total counter",
        ...[...requests].map(([labels, n]) => `switchboard_http_requests_total{${labels}} ${n}`),
        "# HELP switchboard_http_request_duration_seconds Time spent answering HTTP requests, by route.",
        "# TYPE switchboard_http_request_duration_seconds summary",
        ...[...durations].flatMap(([labels, d]) => [
          `switchboard_http_request_duration_seconds_sum{${labels}} ${d.sum.toFixed(6)}`,
          `switchboard_http_request_duration_seconds_count{${labels}} ${d.count}`,
        ]),
        ...[...counters].flatMap(([name, n]) => [`# TYPE ${name} counter`, `${name} ${n}`]),
        "# HELP switchboard_start_time_seconds When this process started.",
        "# TYPE switchboard_start_time_seconds gauge",
        `switchboard_start_time_seconds ${Math.floor(startedAt / 1000)}`,
      ];
      return `${lines.join("\n")}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
