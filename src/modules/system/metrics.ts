// Request counters in Prometheus text format. In memory: they describe this process's life,
// as Prometheus expects (it handles restarts by itself).
export function createMetrics() {
  const requests = new Map<string, number>();
  const durations = new Map<string, { sum: number; count: number }>();
  const counters = new Map<string, number>();
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
    increment(name: string, by = 1) {
      counters.set(name, (counters.get(name) ?? 0) + by);
    },
    render(): string {
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
