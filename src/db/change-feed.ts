// Several instances on one PostgreSQL each keep caches (webhooks, settings, fields, the
// integration, throttles, circuits) and serve live admin pages over server-sent events. What one
// instance changes, the others hear through PostgreSQL's LISTEN/NOTIFY: topics are gathered for a
// turn of the event loop and sent as one notification after that turn's commits; every other
// instance hands them to `onRemote`. With SQLite there is one process and nothing to send.
import { SQL } from "bun";
import type { Database } from "bun:sqlite";
import { isPostgres } from "./index";

const CHANNEL = "switchboard_changes";
// NOTIFY takes payloads under 8,000 bytes: past this, "*" (everything changed) is sent instead.
const MAX_PAYLOAD = 7_000;

export interface ChangeFeed {
  /** Tells the other instances that `topic` changed (a live topic, or "caches"). */
  announce(topic: string): void;
  stop(): Promise<void>;
}

export async function startChangeFeed({ db, url, onRemote, onError }: { db: Database; url: string | null; onRemote: (topics: string[]) => void; onError: (error: unknown) => void }): Promise<ChangeFeed> {
  if (!isPostgres(db) || !url) return { announce() {}, stop: async () => {} };
  const instance = crypto.randomUUID();
  let pending = new Set<string>();
  let scheduled = false;
  const notify = db.query("SELECT pg_notify(?, ?)");

  function flush() {
    scheduled = false;
    const topics = [...pending];
    pending = new Set();
    let payload = JSON.stringify({ from: instance, topics });
    if (payload.length > MAX_PAYLOAD) payload = JSON.stringify({ from: instance, topics: ["*"] });
    try {
      notify.get(CHANNEL, payload);
    } catch (error) {
      onError(error);
    }
  }

  // Its own connection: LISTEN holds it, and notifications arrive on it whenever they come.
  const listener = new SQL({ url, max: 1 });
  await listener.listen(CHANNEL, (payload: string) => {
    try {
      const message = JSON.parse(payload) as { from: string; topics: string[] };
      if (message.from !== instance) onRemote(message.topics);
    } catch (error) {
      onError(error);
    }
  });

  return {
    announce(topic) {
      pending.add(topic);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    async stop() {
      if (scheduled) flush();
      await listener.close();
    },
  };
}
