// Live updates for the admin: services publish topics ("contact-12", "logs-3", "deliveries")
// when what a page shows has changed, and each open page hears the topics it shows over one
// server-sent event stream, then fetches its own partial again. Nothing polls: an idle tab
// costs a held connection and a comment every 30 s.
//
// Topics published during a transaction go out on the next turn of the event loop, after
// the commit (a group commit flushes in setImmediate; so does this, queued after it). A topic
// goes out at most every RATE_MS: the first change at once, later ones once the interval has
// passed (so under a flood of requests a page refreshes twice a second, and never misses the
// last change).

export type Publish = (topic: string) => void;

interface Subscriber {
  topics: Set<string>;
  send(topic: string): void;
  close(): void;
}

export const TOPIC = /^[a-z][a-z0-9-]{0,63}$/;
const HEARTBEAT_MS = 30_000;
const RATE_MS = 500;

/** The time and the one timer the rate limit needs; tests give their own. */
export interface LiveTimers {
  now(): number;
  after(ms: number, run: () => void): void;
}
const REAL_TIMERS: LiveTimers = { now: () => performance.now(), after: (ms, run) => void setTimeout(run, ms).unref?.() };

export function createLiveEvents(timers: LiveTimers = REAL_TIMERS) {
  const subscribers = new Set<Subscriber>();
  let pending = new Set<string>();
  let scheduled = false;
  const lastSent = new Map<string, number>();
  const trailing = new Set<string>();

  function send(topic: string) {
    lastSent.set(topic, timers.now());
    for (const subscriber of subscribers) if (subscriber.topics.has(topic)) subscriber.send(topic);
  }

  function flush() {
    scheduled = false;
    const topics = pending;
    pending = new Set();
    const now = timers.now();
    for (const topic of topics) {
      const wait = (lastSent.get(topic) ?? -Infinity) + RATE_MS - now;
      if (wait <= 0) send(topic);
      else if (!trailing.has(topic)) {
        trailing.add(topic);
        timers.after(wait, () => {
          trailing.delete(topic);
          send(topic);
        });
      }
    }
  }

  return {
    publish(topic: string): void {
      if (subscribers.size === 0) return; // nobody watching: no cost on the hot path
      pending.add(topic);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },

    /** A `text/event-stream` answer that names each published topic of `topics` as an event. */
    stream(topics: string[]): Response {
      const encoder = new TextEncoder();
      let subscriber: Subscriber;
      let heartbeat: ReturnType<typeof setInterval>;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const write = (text: string) => {
            try {
              controller.enqueue(encoder.encode(text));
            } catch {
              // The stream closed under us: its cancel() unsubscribes.
            }
          };
          subscriber = {
            topics: new Set(topics),
            send: (topic) => write(`event: ${topic}\ndata: ${topic}\n\n`),
            close: () => {
              clearInterval(heartbeat);
              subscribers.delete(subscriber);
              try {
                controller.close();
              } catch {}
            },
          };
          subscribers.add(subscriber);
          // Tells the browser how soon to reconnect, and opens the stream at once.
          write("retry: 2000\n: connected\n\n");
          heartbeat = setInterval(() => write(": ping\n\n"), HEARTBEAT_MS);
        },
        cancel() {
          clearInterval(heartbeat);
          subscribers.delete(subscriber);
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" } });
    },

    /** Ends every stream (a stop must not wait for open tabs). */
    closeAll(): void {
      for (const subscriber of [...subscribers]) subscriber.close();
    },

    subscriberCount: () => subscribers.size,
  };
}

export type LiveEvents = ReturnType<typeof createLiveEvents>;
