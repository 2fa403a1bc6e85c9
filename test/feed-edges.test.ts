import { describe, expect, it } from "vitest";
import { createFeed } from "../mod.ts";
import { ManualClock } from "../src/clock.ts";
import { Dispatcher } from "../src/dispatcher.ts";
import { DecodeError } from "../src/errors.ts";
import type { FeedEvent, QuoteEvent, StatusEvent } from "../src/events.ts";
import { Feed } from "../src/feed.ts";
import { silentLogger } from "../src/log.ts";
import { captureLogger } from "./_helpers/capture-logger.ts";
import { clockQuote } from "./_helpers/clock-quote.ts";
import { RecordingClock } from "./_helpers/recording-clock.ts";
import { lastScripted, scriptedConnector } from "./_helpers/scripted-connector.ts";
import { makeStatus } from "./_helpers/status.ts";

/** The feed's boundaries: after its end, listener bookkeeping, log levels, timers, refusals. */

/** A feed that only calls its listeners, its connector, and a list for the listeners. */
async function listening() {
  const feed = await createFeed({
    source: scriptedConnector,
    buffer: false,
    logger: captureLogger(),
  });
  return { feed, c: lastScripted(), seen: [] as unknown[] };
}

const kinds = (events: readonly FeedEvent[]): string[] =>
  events.map((e) => e.type === "status" ? e.kind : e.type);

describe("feed edges", () => {
  it("ignores what a connector sends after the feed ended, and never makes it wait", async () => {
    const clock = new ManualClock();
    const feed = await createFeed({ source: scriptedConnector, clock, logger: captureLogger() });
    const heard: string[] = [];
    feed.on("event", (e) => void heard.push(e.type === "status" ? e.kind : e.type));
    await feed.close();
    expect(heard).toStrictEqual(["disconnected", "end"]);
    expect(feed.sink.event(clockQuote("PTT", clock))).toBe(true);
    feed.sink.status(makeStatus("connected", {
      source: "scripted",
      epoch: 1,
      recvTs: clock.now(),
      recvMono: clock.mono(),
    }));
    expect(heard).toStrictEqual(["disconnected", "end"]);
    expect(kinds(feed.poll())).toStrictEqual(["connecting", "connected", "disconnected", "end"]);
    expect(feed.health()).toMatchObject({ connected: false, epoch: 0 });
  });

  it("tells the connector to go on at once when it does not buffer", async () => {
    const feed = await createFeed({
      source: scriptedConnector,
      buffer: false,
      capacity: 1,
      overflow: "block",
      logger: captureLogger(),
    });
    const c = lastScripted();
    expect([c.quote("PTT"), c.quote("PTT"), c.quote("PTT")]).toStrictEqual([true, true, true]);
    await feed.close();
  });

  it("asks the connector's sessions: a closed market is quiet, not stale", async () => {
    const clock = new ManualClock();
    const health = { staleAfterMs: 1_000, feedStaleAfterMs: 60_000, checkIntervalMs: 100 };
    const open = await createFeed({
      source: scriptedConnector,
      symbols: ["PTT"],
      clock,
      health,
      logger: captureLogger(),
    });
    const closed = await createFeed({
      source: scriptedConnector,
      symbols: ["PTT"],
      session: { quietReason: () => "closed" },
      clock,
      health,
      logger: captureLogger(),
    });
    clock.advance(1_500);
    expect(open.health().symbols).toMatchObject([{ symbol: "PTT", quiet: "stale" }]);
    expect(closed.health().symbols).toMatchObject([{ symbol: "PTT", quiet: "closed" }]);
    expect(closed.staleSymbols()).toStrictEqual([]);
    await Promise.all([open.close(), closed.close()]);
  });

  it("ends with a generic error when the connector gave up without a reason", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: captureLogger() });
    const c = lastScripted();
    // A connector in plain JavaScript can leave out what the types require.
    c.status("error", { reason: undefined });
    c.end();
    const info = await feed.closed();
    expect(info.reason).toBe("error");
    expect(info.error?.message).toBe("connector failed");
  });

  it("logs routine statuses at info and trouble at warn", async () => {
    const logger = captureLogger();
    const feed = await createFeed({ source: scriptedConnector, logger });
    const c = lastScripted();
    const levelOf = (emit: () => void): string | undefined => {
      const before = logger.lines.length;
      emit();
      return logger.lines.slice(before).at(-1)?.level;
    };
    const stale = (extra: Record<string, unknown>) => () =>
      c.status("stale", { scope: "symbol", symbols: ["PTT"], ageMs: 5_000, ...extra });
    expect(levelOf(stale({ quiet: "closed" }))).toBe("info");
    expect(levelOf(stale({ quiet: "intermission" }))).toBe("info");
    expect(levelOf(stale({ quiet: "stale" }))).toBe("warn");
    expect(levelOf(stale({}))).toBe("warn");
    expect(levelOf(() => c.mode("poll", "stream"))).toBe("warn");
    expect(levelOf(() => c.mode("stream", "poll"))).toBe("info");
    expect(levelOf(() => c.mode("down", "poll"))).toBe("warn");
    await feed.close();
  });

  it("logs a skipped payload's offset when it has one", async () => {
    const logger = captureLogger();
    const feed = await createFeed({ source: scriptedConnector, logger });
    lastScripted().malformed("truncated", 7);
    const line = logger.lines.find((l) => l.message.startsWith("payload skipped"));
    expect(line?.fields).toMatchObject({ code: "malformed", topic: "t", offset: 7 });
    expect(feed.health().decodeErrors).toBe(1);
    await feed.close();
  });

  it("samples the queue's drop rate on an unref'd timer, and leaves no timer once closed", async () => {
    const clock = new RecordingClock();
    const feed = await createFeed({
      source: scriptedConnector,
      clock,
      capacity: 2,
      overflow: "drop-newest",
      health: { checkIntervalMs: 100 },
      logger: captureLogger(),
    });
    const c = lastScripted();
    for (let i = 0; i < 10; i++) c.quote("PTT", i);
    expect(feed.health().queue.dropRateEma).toBe(0);
    clock.advance(100);
    expect(feed.health().queue.dropRateEma).toBeGreaterThan(0);
    expect(clock.options.length).toBeGreaterThanOrEqual(2);
    expect(clock.options.every((o) => o?.unref === true)).toBe(true);
    await feed.close();
    expect(clock.pending).toBe(0);
  });

  it("removes every registration of a listener with off(type, fn), and only that listener", async () => {
    const { feed, c, seen } = await listening();
    const twice = (q: QuoteEvent): void => void seen.push(`twice:${q.bid}`);
    const other = (q: QuoteEvent): void => void seen.push(`other:${q.bid}`);
    feed.on("quote", twice);
    feed.on("quote", twice);
    feed.on("quote", other);
    c.quote("PTT", 1);
    feed.off("quote", twice);
    c.quote("PTT", 2);
    expect(seen).toStrictEqual(["twice:1", "twice:1", "other:1", "other:2"]);
    await feed.close();
  });

  it("off(type, fn) still finds a listener's on() registration after its once() one fired", async () => {
    const { feed, c, seen } = await listening();
    const fn = (q: QuoteEvent): void => void seen.push(q.bid);
    feed.once("quote", fn);
    feed.on("quote", fn);
    c.quote("PTT", 1);
    feed.off("quote", fn);
    c.quote("PTT", 2);
    expect(seen).toStrictEqual([1, 1]);
    await feed.close();
  });

  it("a once() listener added while an event is emitted waits for the next one, whatever else fires", async () => {
    const { feed, c, seen } = await listening();
    const late = (q: QuoteEvent): void => void seen.push(`late:${q.bid}`);
    feed.once("quote", (q) => {
      seen.push(`first:${q.bid}`);
      feed.once("quote", late);
    });
    feed.once("quote", (q) => void seen.push(`second:${q.bid}`));
    c.quote("PTT", 1);
    c.quote("PTT", 2);
    c.quote("PTT", 3);
    expect(seen).toStrictEqual(["first:1", "second:1", "late:2"]);
    await feed.close();
  });

  it("logs a skipped payload with neither topic nor offset when it has none", async () => {
    const logger = captureLogger();
    const feed = await createFeed({ source: scriptedConnector, logger });
    feed.sink.decodeError(new DecodeError("[scripted] truncated", { code: "truncated" }));
    const line = logger.lines.find((l) => l.message.startsWith("payload skipped"));
    expect(line?.fields).toStrictEqual({ code: "truncated", count: 1 });
    await feed.close();
  });

  it("off(type, fn) removes a once() listener registered before another's", async () => {
    const { feed, c, seen } = await listening();
    const a = (): void => void seen.push("a");
    feed.once("quote", a);
    feed.once("quote", () => void seen.push("b"));
    feed.off("quote", a);
    c.quote("PTT");
    expect(seen).toStrictEqual(["b"]);
    await feed.close();
  });

  it("status() after the end is an iterator that is already done", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: captureLogger() });
    await feed.close();
    const seen: StatusEvent[] = [];
    for await (const s of feed.status()) seen.push(s);
    expect(seen).toStrictEqual([]);
  });

  it("asks the connector once per new subscription and never for one it does not hold", async () => {
    const feed = await createFeed({
      source: scriptedConnector,
      symbols: ["PTT"],
      logger: captureLogger(),
    });
    const c = lastScripted();
    await feed.subscribe("quote", ["PTT", "AOT"]);
    await feed.subscribe({ channel: "quote", symbol: "ptt" });
    await feed.unsubscribe("book", ["PTT"]);
    await feed.unsubscribe("quote", ["AOT", "AOT"]);
    await feed.unsubscribe("quote");
    expect(c.calls).toStrictEqual(["+quote:PTT", "+quote:AOT", "-quote:AOT"]);
    await feed.close();
  });

  it("refuses a channel the connector does not serve, listing those it does", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: captureLogger() });
    await expect(feed.subscribe("trade", ["PTT"])).rejects.toThrow(
      new TypeError('[scripted] does not serve channel "trade"; it serves quote, book'),
    );
    await feed.close();
  });

  it("ends itself on close() even when the connector's disconnect emits no end", async () => {
    const feed = await createFeed({
      source: scriptedConnector,
      silentDisconnect: true,
      logger: captureLogger(),
    });
    let ended: unknown;
    void feed.closed().then((info) => (ended = info));
    await feed.close("done");
    expect(ended).toStrictEqual({ reason: "done" });
    const events: FeedEvent[] = [];
    for await (const ev of feed) events.push(ev);
    expect(kinds(events)).toStrictEqual(["connecting", "connected"]);
  });

  it("has no connector before one is attached, and says so", () => {
    const feed = new Feed("x", {
      core: { source: "x" },
      logger: silentLogger,
      dispatcher: new Dispatcher({ capacity: 4 }),
    });
    expect(() => feed.connector).toThrow(new Error("feed has no connector yet"));
  });
});
