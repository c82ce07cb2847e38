// Metrics in Prometheus text format. In memory: they describe this process's life, as
// Prometheus expects (it handles restarts by itself). Every counter is declared here with its
// HELP text and, where its labels are known in advance, exported at 0 from the start.
import { OUTCOMES } from "../inbound/model";

interface CounterFamily {
  help: string;
  label?: string;
  /** Label values that exist from the start (exported at 0). */
  known?: readonly string[];
}

export const COUNTERS = {
  switchboard_inbound_requests_total: { help: "Requests to webhook URLs, by outcome (unknown_token: no webhook at that URL).", label: "outcome", known: [...OUTCOMES, "unknown_token"] },
  switchboard_limiter_rejections_total: { help: "Requests refused by a limiter, by limiter.", label: "limiter", known: ["webhook_bucket", "unknown_token_per_ip", "admin_login"] },
  switchboard_deliveries_held_total: {
    help: "Times a due delivery was held back without a try, by reason (a target's throttle, an open circuit).",
    label: "reason",
    known: ["throttle", "circuit"],
  },
  switchboard_twilio_message_status_total: {
    help: "Twilio status callbacks received for out messages, by status.",
    label: "status",
    known: ["queued", "sent", "delivered", "undelivered", "failed"],
  },
} satisfies Record<string, CounterFamily>;

export type CounterName = keyof typeof COUNTERS;

// Seconds. Request durations and delivery attempts share the scale: most requests end in
// milliseconds, an attempt may wait for its timeout.
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

const newHistogram = (bounds: number[]): Histogram => ({ buckets: bounds.map(() => 0), sum: 0, count: 0 });
function observe(histogram: Histogram, bounds: number[], seconds: number) {
  // Buckets are counted as they are rendered (cumulative): here, only the first one that fits.
  const index = bounds.findIndex((bound) => seconds <= bound);
  if (index !== -1) histogram.buckets[index]! += 1;
  histogram.sum += seconds;
  histogram.count += 1;
}
function histogramLines(name: string, labels: string, bounds: number[], histogram: Histogram): string[] {
  let cumulative = 0;
  const sep = labels ? "," : "";
  return [
    ...bounds.map((bound, i) => `${name}_bucket{${labels}${sep}le="${bound}"} ${(cumulative += histogram.buckets[i]!)}`),
    `${name}_bucket{${labels}${sep}le="+Inf"} ${histogram.count}`,
    `${name}_sum${labels ? `{${labels}}` : ""} ${histogram.sum.toFixed(6)}`,
    `${name}_count${labels ? `{${labels}}` : ""} ${histogram.count}`,
  ];
}

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

export function createMetrics() {
  const requests = new Map<string, number>();
  const durations = new Map<string, Histogram>();
  const counters = new Map<CounterName, Map<string, number>>(
    (Object.entries(COUNTERS) as [CounterName, CounterFamily][]).map(([name, family]) => [name, new Map(family.label ? (family.known ?? []).map((value) => [value, 0]) : [["", 0]])]),
  );
  const attempts = newHistogram(ATTEMPT_BUCKETS);
  const startedAt = Date.now();

  // Keys are "method\nroute" and "method\nroute\nstatus"; a route template holds no newline.
  const labels = (key: string) => {
    const [method, route, status] = key.split("\n");
    return `method="${escapeLabel(method!)}",route="${escapeLabel(route!)}"${status === undefined ? "" : `,status="${status}"`}`;
  };

  return {
    // Called for every request: keys stay raw here and are escaped only when rendered.
    recordRequest(method: string, route: string, status: number, ms: number) {
      const routeKey = `${method}\n${route}`;
      const key = `${routeKey}\n${status}`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      let duration = durations.get(routeKey);
      if (!duration) durations.set(routeKey, (duration = newHistogram(REQUEST_BUCKETS)));
      observe(duration, REQUEST_BUCKETS, ms / 1000);
    },
    /** Adds to a declared counter; `value` is its label's value (for a family that has one). */
    increment(name: CounterName, value = "", by = 1) {
      const series = counters.get(name)!;
      series.set(value, (series.get(value) ?? 0) + by);
    },
    observeAttempt(seconds: number) {
      observe(attempts, ATTEMPT_BUCKETS, seconds);
    },
    /** `gauges`: current values read at scrape time (queue depth and the like), as text lines. */
    render(gauges: string[] = []): string {
      const lines = [
        "# HELP switchboard_http_requests_total HTTP requests answered, by route and status.",
        "# TYPE switchboard_http_requests_total counter",
        ...[...requests].map(([key, n]) => `switchboard_http_requests_total{${labels(key)}} ${n}`),
        "# HELP switchboard_http_request_duration_seconds Time spent answering HTTP requests, by route.",
        "# TYPE switchboard_http_request_duration_seconds histogram",
        ...[...durations].flatMap(([key, histogram]) => histogramLines("switchboard_http_request_duration_seconds", labels(key), REQUEST_BUCKETS, histogram)),
        ...[...counters].flatMap(([name, series]) => {
          const family: CounterFamily = COUNTERS[name];
          return [
            `# HELP ${name} ${family.help}`,
            `# TYPE ${name} counter`,
            ...[...series].map(([value, n]) => `${name}${family.label ? `{${family.label}="${escapeLabel(value)}"}` : ""} ${n}`),
          ];
        }),
        "# HELP switchboard_delivery_attempt_duration_seconds Time from sending a delivery to its answer (or timeout).",
        "# TYPE switchboard_delivery_attempt_duration_seconds histogram",
        ...histogramLines("switchboard_delivery_attempt_duration_seconds", "", ATTEMPT_BUCKETS, attempts),
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
