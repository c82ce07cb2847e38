// GET /admin/events?topics=a,b: the event stream an admin page listens to (signed in only).
import { Elysia } from "elysia";
import { errors } from "../../http/errors";
import type { Accounts } from "../admin/accounts";
import { sessionGuard } from "../admin/http";
import { TOPIC, type LiveEvents } from "./events";

const MAX_TOPICS = 12;

export function liveRoutes({ accounts, publicUrl, live, keepOpen }: { accounts: Accounts; publicUrl: () => string; live: LiveEvents; keepOpen?: (request: Request) => void }) {
  return new Elysia({ name: "live-events", prefix: "/admin" })
    .use(sessionGuard({ accounts, publicUrl }))
    .get("/events", ({ query, request }) => {
      const topics = String(query.topics ?? "").split(",").filter(Boolean);
      if (topics.length === 0 || topics.length > MAX_TOPICS || !topics.every((topic) => TOPIC.test(topic))) {
        throw errors.validation(`query parameter 'topics': 1 to ${MAX_TOPICS} topic names, comma-separated`);
      }
      // The stream stays open while the page does: no idle timeout for it.
      keepOpen?.(request);
      return live.stream(topics);
    }, { detail: { hide: true } });
}
