// The live-update hub: only subscribed topics reach a stream, a burst of changes reaches it as
// one event at once and one after the interval (never the last change lost), and closing
// ends every stream (a stop must not wait for open admin tabs).
import { describe, expect, test } from "bun:test";
import { createLiveEvents } from "../../src/modules/live/events";

async function readEvents(response: Response, count: number): Promise<string[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const events: string[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
    const blocks = text.split("\n\n");
    text = blocks.pop()!;
    for (const block of blocks) {
      const name = /^event: (.+)$/m.exec(block)?.[1];
      if (name) events.push(name);
    }
  }
  reader.releaseLock();
  return events;
}

describe("live events", () => {
  test("a stream hears its topics only; a burst arrives as a leading and a trailing event", async () => {
    const live = createLiveEvents();
    const stream = live.stream(["contact-1", "inbox"]);
    const started = performance.now();
    live.publish("contact-2");
    live.publish("contact-1");
    await new Promise((resolve) => setImmediate(resolve));
    live.publish("contact-1");
    live.publish("contact-1");
    live.publish("inbox");
    const events = await readEvents(stream, 3);
    expect(events).toEqual(["contact-1", "inbox", "contact-1"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    live.closeAll();
  });

  test("closeAll ends every stream", async () => {
    const live = createLiveEvents();
    const response = live.stream(["inbox"]);
    expect(live.subscriberCount()).toBe(1);
    live.closeAll();
    const text = await response.text();
    expect(text).toContain(": connected");
    expect(live.subscriberCount()).toBe(0);
  });
});
