import { describe, expect, it } from "vitest";
import { createFeed } from "../mod.ts";
import { ManualClock } from "../src/clock.ts";
import type { FeedEvent, QuoteEvent, StatusEvent } from "../src/events.ts";
import { captureLogger } from "./_helpers/capture-logger.ts";
import { lastScripted, scriptedConnector } from "./_helpers/scripted-connector.ts";

/** What the feed wires between the connector and its parts: health, listeners, backpressure. */

const capture = captureLogger;

const kinds = (events: readonly FeedEvent[]): string[] =>
  events.flatMap((e) => e.type === "status" ? [e.kind] : []);

/**
 * A scripted feed of PTT on a manual clock (symbols stale after 1 s) whose
 * connector went down 5 s ago: no symbol has gone stale for it.
 */
async function downForFiveSeconds(feedStaleAfterMs: number, reason: string) {
  const clock = new ManualClock();
  const feed = await createFeed({
    source: scriptedConnector,
    symbols: ["PTT"],
    clock,
    health: { staleAfterMs: 1_000, feedStaleAfterMs, checkIntervalMs: 100 },
    logger: capture(),
  });
  const c = lastScripted();
  c.status("disconnected", { reason });
  clock.advance(5_000);
  expect(feed.staleSymbols()).toEqual([]);
  return { clock, feed, c };
}

describe("feed wiring", () => {
  it("tells health about a disconnect: no symbol goes stale while the connector is down", async () => {
    const { clock, feed, c } = await downForFiveSeconds(1_000, "line dropped");
    expect(kinds(feed.poll())).not.toContain("stale");
    // Back up: the ages restart, and a silence counts again.
    c.status("connected");
    clock.advance(900);
    expect(feed.staleSymbols()).toEqual([]);
    clock.advance(300);
    expect(feed.staleSymbols()).toEqual(["PTT"]);
    await feed.close();
  });

  it('hands status events to on("status") and on("event") listeners', async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    const c = lastScripted();
    const byStatus: string[] = [];
    const byEvent: string[] = [];
    feed.on("status", (s) => void byStatus.push(s.kind));
    feed.on("event", (e) => void byEvent.push(e.type === "status" ? e.kind : e.type));
    c.status("reconnecting", { attempt: 1, delayMs: 0 });
    c.quote("PTT");
    c.status("connected");
    expect(byStatus).toEqual(["reconnecting", "connected"]);
    expect(byEvent).toEqual(["reconnecting", "quote", "connected"]);
    await feed.close();
  });

  it("makes a producer faster than its consumer wait on a block feed: nothing lost, queue bounded", async () => {
    const feed = await createFeed({
      source: scriptedConnector,
      capacity: 4,
      overflow: "block",
      logger: capture(),
    });
    const c = lastScripted();
    // The producer sends 200 quotes in one go. The consumer starts only on the next
    // macrotask: every microtask has run by then, so a producer not told to wait has
    // sent everything, and one that was told to is still waiting on a full queue.
    const producing = c.burst("PTT", 200, () => feed.health().queue.size);
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    expect(feed.health().queue.size).toBe(4);
    const bids: number[] = [];
    for await (const ev of feed) {
      if (ev.type === "quote") bids.push((ev as QuoteEvent).bid);
      if (bids.length === 200) break;
    }
    const most = await producing;
    expect(bids).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(most).toBeLessThanOrEqual(4);
    expect(feed.health().queue).toMatchObject({ dropped: 0, highWater: 4 });
    await feed.close();
  });

  it("stops watching a symbol once its last subscription is gone", async () => {
    const clock = new ManualClock();
    const feed = await createFeed({
      source: scriptedConnector,
      symbols: ["PTT", "AOT"],
      channels: ["quote", "book"],
      clock,
      health: { staleAfterMs: 1_000, feedStaleAfterMs: 60_000, checkIntervalMs: 100 },
      logger: capture(),
    });
    await feed.unsubscribe("quote", ["AOT"]);
    // Still held on the book channel: still watched.
    expect(feed.health().symbols.map((s) => s.symbol)).toEqual(["AOT", "PTT"]);
    await feed.unsubscribe("book", ["AOT"]);
    expect(feed.health().symbols.map((s) => s.symbol)).toEqual(["PTT"]);
    clock.advance(2_000);
    expect(feed.staleSymbols()).toEqual(["PTT"]);
    await feed.close();
  });

  it("logs a subscribe-error status at warn and delivers it", async () => {
    const logger = capture();
    const feed = await createFeed({ source: scriptedConnector, logger });
    lastScripted().status("subscribe-error", { symbol: "XYZ", reason: "unknown symbol XYZ" });
    expect(logger.lines.at(-1)).toEqual({
      level: "warn",
      message: "[scripted] subscribe-error: unknown symbol XYZ",
      fields: { epoch: 0, symbol: "XYZ" },
    });
    expect(feed.poll().at(-1)).toMatchObject({ kind: "subscribe-error", symbol: "XYZ" });
    await feed.close();
  });

  it("shift() takes the oldest queued event, and undefined once empty", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    lastScripted().quote("PTT", 7);
    expect(feed.shift()).toMatchObject({ type: "status", kind: "connecting" });
    expect(feed.shift()).toMatchObject({ type: "status", kind: "connected" });
    expect(feed.shift()).toMatchObject({ type: "quote", bid: 7 });
    expect(feed.shift()).toBeUndefined();
    expect(feed.health().queue).toMatchObject({ polled: 3, size: 0 });
    await feed.close();
  });

  it("once() fires one time per registration; off() without a listener removes them all", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture(), buffer: false });
    const c = lastScripted();
    const seen: string[] = [];
    const fn = (q: QuoteEvent): void => void seen.push(`once:${q.bid}`);
    feed.once("quote", fn);
    feed.once("quote", fn);
    feed.on("quote", (q) => void seen.push(`on:${q.bid}`));
    c.quote("PTT", 1);
    c.quote("PTT", 2);
    expect(seen).toEqual(["once:1", "once:1", "on:1", "on:2"]);
    feed.once("quote", fn);
    feed.off("quote");
    c.quote("PTT", 3);
    expect(seen).toHaveLength(4);
    // off(type, fn) of a once() listener that has not fired yet removes it too.
    feed.once("quote", fn);
    feed.off("quote", fn);
    c.quote("PTT", 4);
    expect(seen).toHaveLength(4);
    await feed.close();
  });

  it("closes cleanly when the connector's disconnect throws, and says so at warn", async () => {
    const logger = capture();
    const feed = await createFeed({
      source: scriptedConnector,
      failDisconnect: "socket already gone",
      logger,
    });
    await feed.close("done");
    expect(await feed.closed()).toEqual({ reason: "done" });
    expect(logger.lines).toContainEqual({
      level: "warn",
      message: "connector failed to disconnect cleanly",
      fields: { error: "socket already gone" },
    });
    const statuses = feed.poll().filter((e): e is StatusEvent => e.type === "status");
    expect(statuses.at(-1)?.kind).toBe("end");
  });

  it("logs a skipped payload with its code and topic, and no offset it does not have", async () => {
    const logger = capture();
    const feed = await createFeed({ source: scriptedConnector, logger });
    lastScripted().malformed("bad bytes");
    const line = logger.lines.find((l) => l.message.startsWith("payload skipped"));
    expect(line?.fields).toMatchObject({ code: "malformed", topic: "t" });
    expect(line?.fields).not.toHaveProperty("offset");
    await feed.close();
  });

  it("counts listener errors in the error status, one and then several", async () => {
    const clock = new ManualClock();
    const feed = await createFeed({ source: scriptedConnector, clock, logger: capture() });
    const c = lastScripted();
    feed.on("quote", () => {
      throw new Error("bad listener");
    });
    c.quote("PTT");
    clock.advance(1_000);
    c.quote("PTT");
    const reasons = feed.poll().flatMap((e) =>
      e.type === "status" && e.kind === "error" ? [e.reason] : []
    );
    expect(reasons).toStrictEqual([
      "a quote listener threw: bad listener (1 listener error so far); the feed goes on",
      "a quote listener threw: bad listener (2 listener errors so far); the feed goes on",
    ]);
    await feed.close();
  });

  it("keeps the other listeners after off() removes one", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture(), buffer: false });
    const seen: string[] = [];
    const a = (): void => void seen.push("a");
    feed.on("quote", a);
    feed.on("event", (e) => void seen.push(`event:${e.type}`));
    feed.off("quote", a);
    lastScripted().quote("PTT");
    expect(seen).toStrictEqual(["event:quote"]);
    await feed.close();
  });

  it("watches for staleness again when a disconnected connector polls", async () => {
    const { clock, feed, c } = await downForFiveSeconds(60_000, "stream down");
    c.mode("poll", "stream");
    clock.advance(1_200);
    expect(feed.staleSymbols()).toStrictEqual(["PTT"]);
    await feed.close();
  });
});
