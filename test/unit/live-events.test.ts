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
  test("a stream hears its topics only; a burst arrives as a leading and, 500 ms after it, one trailing event", async () => {
    let now = 1_000;
    const timers: { ms: number; run: () => void }[] = [];
    const live = createLiveEvents({ now: () => now, after: (ms, run) => void timers.push({ ms, run }) });
    const stream = live.stream(["contact-1", "inbox"]);
    live.publish("contact-2");
    live.publish("contact-1");
    await new Promise((resolve) => setImmediate(resolve));
    now += 100;
    live.publish("contact-1");
    live.publish("contact-1");
    live.publish("inbox");
    await new Promise((resolve) => setImmediate(resolve));
    // The burst's rest waits for the rest of the interval, once.
    expect(timers.map((timer) => timer.ms)).toEqual([400]);
    now += 400;
    timers[0]!.run();
    expect(await readEvents(stream, 3)).toEqual(["contact-1", "inbox", "contact-1"]);
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
