import { describe, expect, it } from "vitest";
import { createFeed } from "../mod.ts";
import { ManualClock } from "../src/clock.ts";
import { AuthError, isAuthError, isConfigError } from "../src/errors.ts";
import type { FeedEvent, QuoteEvent, StatusEvent } from "../src/events.ts";
import { captureLogger } from "./_helpers/capture-logger.ts";
import { lastScripted, scriptedConnector } from "./_helpers/scripted-connector.ts";

const capture = captureLogger;

describe("feed", () => {
  it("delivers connector events to pull consumers in order, status included", async () => {
    const feed = await createFeed({
      source: scriptedConnector,
      symbols: ["ptt"],
      logger: capture(),
    });
    const c = lastScripted();
    c.quote("PTT", 1);
    c.quote("PTT", 2);
    const got = feed.poll();
    expect(got.map((e) => e.type === "status" ? e.kind : (e as QuoteEvent).bid)).toEqual([
      "connecting",
      "connected",
      1,
      2,
    ]);
    await feed.close();
  });

  it("subscribes symbols upper-cased on the requested channels", async () => {
    const feed = await createFeed({
      source: scriptedConnector,
      symbols: ["ptt", "aot"],
      channels: ["quote", "book"],
      logger: capture(),
    });
    expect([...lastScripted().subs.keys()].sort()).toEqual([
      "book:AOT",
      "book:PTT",
      "quote:AOT",
      "quote:PTT",
    ]);
    await feed.unsubscribe("book", ["aot"]);
    expect([...lastScripted().subs.keys()].sort()).toEqual(["book:PTT", "quote:AOT", "quote:PTT"]);
    await expect(feed.subscribe("trade", ["PTT"])).rejects.toThrow(
      /does not serve channel "trade"/,
    );
    await feed.close();
  });

  it("sends a batch of subscriptions to the connector together, not one round trip each", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    const c = lastScripted();
    // A venue that acknowledges only once it has seen all three requests: one
    // awaited at a time would never finish.
    let pending: (() => void)[] = [];
    const original = c.subscribe.bind(c);
    c.subscribe = async (sub) => {
      await original(sub);
      await new Promise<void>((resolve) => {
        pending.push(resolve);
        if (pending.length === 3) {
          for (const r of pending) r();
          pending = [];
        }
      });
    };
    const done = feed.subscribe("book", ["AOT", "PTT", "SCB"]);
    const outcome = await Promise.race([
      done.then(() => "subscribed"),
      new Promise((r) => setTimeout(() => r("stuck"), 2_000)),
    ]);
    expect(outcome).toBe("subscribed");
    expect([...c.subs.keys()].filter((k) => k.startsWith("book:")).sort()).toEqual([
      "book:AOT",
      "book:PTT",
      "book:SCB",
    ]);
    await feed.close();
  });

  it("uses the connector's default symbols when none are given", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    expect([...lastScripted().subs.keys()]).toEqual(["quote:PTT"]);
    await feed.close();
  });

  it("uses the connector's preferred overflow policy and default channels unless told otherwise", async () => {
    const pausing = {
      ...scriptedConnector,
      preferredOverflow: () => "block" as const,
      defaultChannels: () => ["quote", "book"] as const,
    };
    const feed = await createFeed({ source: pausing, capacity: 4, logger: capture() });
    expect([...lastScripted().subs.keys()].sort()).toEqual(["book:PTT", "quote:PTT"]);
    const c = lastScripted();
    const accepted = Array.from({ length: 6 }, (_, i) => c.quote("PTT", i));
    // two status events are queued already: the third event fills the queue
    expect(accepted).toEqual([true, false, false, false, false, false]);
    expect(feed.health().queue).toMatchObject({ dropped: 0, size: 8 });
    await feed.close();

    const told = await createFeed({
      source: pausing,
      capacity: 4,
      overflow: "drop-oldest",
      channels: ["quote"],
      logger: capture(),
    });
    expect([...lastScripted().subs.keys()]).toEqual(["quote:PTT"]);
    for (let i = 0; i < 6; i++) lastScripted().quote("PTT", i);
    expect(told.health().queue.dropped).toBeGreaterThan(0);
    await told.close();
  });

  it("calls typed listeners synchronously and counts a listener that throws", async () => {
    const logger = capture();
    const feed = await createFeed({ source: scriptedConnector, logger, buffer: false });
    const seen: number[] = [];
    const all: string[] = [];
    feed.on("quote", (q) => {
      seen.push(q.bid);
      if (q.bid === 2) throw new Error("strategy bug");
    });
    feed.on("event", (e) => all.push(e.type));
    const c = lastScripted();
    c.quote("PTT", 1);
    expect(seen).toEqual([1]);
    c.quote("PTT", 2);
    c.quote("PTT", 3);
    expect(seen).toEqual([1, 2, 3]);
    // The failure is reported once every listener had the event: an `error` status.
    expect(all).toEqual(["quote", "quote", "status", "quote"]);
    expect(feed.health().listenerErrors).toBe(1);
    expect(logger.lines.some((l) => l.level === "error" && /listener threw/.test(l.message))).toBe(
      true,
    );
    await feed.close();
  });

  it("counts undecodable payloads and logs them at a limited rate", async () => {
    const logger = capture();
    const feed = await createFeed({ source: scriptedConnector, logger });
    const c = lastScripted();
    for (let i = 0; i < 2500; i++) c.malformed(`bad ${i}`);
    c.quote("PTT");
    expect(feed.health().decodeErrors).toBe(2500);
    expect(feed.health().listenerErrors).toBe(0);
    expect(logger.lines.filter((l) => /payload skipped/.test(l.message))).toHaveLength(12);
    expect(feed.poll().filter((e) => e.type === "quote")).toHaveLength(1);
    await feed.close();
  });

  it("keeps exact counters when the consumer is slower than the producer", async () => {
    const feed = await createFeed({ source: scriptedConnector, capacity: 8, logger: capture() });
    const c = lastScripted();
    let polled = 0;
    for (let i = 0; i < 1000; i++) {
      c.quote("PTT", i);
      if (i % 10 === 0) polled += feed.poll(3).length;
      const q = feed.health().queue;
      expect(q.pushed - q.dropped - q.polled).toBe(q.size);
    }
    const q = feed.health().queue;
    expect(q.polled).toBe(polled);
    expect(q.dropped).toBeGreaterThan(0);
    expect(q.pushed).toBe(1002);
    await feed.close();
  });

  it("ends async iteration when the connector ends, after the queue drains", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    const c = lastScripted();
    c.quote("PTT", 1);
    c.end();
    const got: FeedEvent[] = [];
    for await (const ev of feed) got.push(ev);
    expect(got.at(-1)).toMatchObject({ type: "status", kind: "end" });
    expect(got.filter((e) => e.type === "quote")).toHaveLength(1);
    expect(await feed.closed()).toEqual({ reason: "end" });
  });

  it("tracks connection state, epochs and reconnects in health()", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    const c = lastScripted();
    expect(feed.health()).toMatchObject({ connected: true, epoch: 0, reconnects: 0 });
    c.reconnect();
    c.reconnect();
    expect(feed.health()).toMatchObject({
      connected: true,
      epoch: 2,
      reconnects: 2,
      lastError: "test",
    });
    await feed.close();
  });

  it("logs trouble at warn and its own close at debug", async () => {
    const logger = capture();
    const feed = await createFeed({ source: scriptedConnector, logger });
    lastScripted().reconnect();
    await feed.close();
    const warns = logger.lines.filter((l) => l.level === "warn").map((l) => l.message);
    expect(warns).toEqual(["[scripted] disconnected: test"]);
    const infos = logger.lines.filter((l) => l.level === "info").map((l) => l.message);
    expect(infos).toEqual([
      "[scripted] connected",
      "[scripted] reconnecting",
      "[scripted] connected",
    ]);
  });

  it("logs a finite source's disconnect at info when its clean end follows at once", async () => {
    const logger = capture();
    await createFeed({ source: scriptedConnector, logger });
    const c = lastScripted();
    c.status("disconnected", { reason: "end of capture" });
    c.status("end", { reason: "end of capture" });
    const lines = logger.lines.map((l) => `${l.level} ${l.message}`);
    expect(lines).toContain("info [scripted] disconnected: end of capture");
    expect(lines.filter((l) => l.startsWith("warn"))).toEqual([]);
  });

  it("still warns of a disconnect that no end follows, or that ends a failed connector", async () => {
    const logger = capture();
    await createFeed({ source: scriptedConnector, logger });
    const c = lastScripted();
    c.status("disconnected", { reason: "socket closed" });
    await Promise.resolve();
    expect(logger.lines.map((l) => `${l.level} ${l.message}`)).toContain(
      "warn [scripted] disconnected: socket closed",
    );
    c.status("error", { reason: "gave up" });
    c.status("disconnected", { reason: "gave up" });
    c.status("end");
    const warns = logger.lines.filter((l) => l.level === "warn").map((l) => l.message);
    expect(warns).toEqual([
      "[scripted] disconnected: socket closed",
      "[scripted] disconnected: gave up",
    ]);
  });

  it("streams status events and ends the stream with the feed", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    const statuses = feed.status();
    const c = lastScripted();
    c.quote("PTT");
    c.reconnect();
    await feed.close("bye");
    const kinds: string[] = [];
    for await (const s of statuses) kinds.push(s.kind);
    expect(kinds).toEqual([
      "disconnected",
      "reconnecting",
      "connecting",
      "connected",
      "disconnected",
      "end",
    ]);
    expect(await feed.closed()).toEqual({ reason: "bye" });
  });

  it("closes idempotently and supports await using", async () => {
    let closedFeed: Awaited<ReturnType<typeof createFeed>> | undefined;
    {
      await using feed = await createFeed({ source: scriptedConnector, logger: capture() });
      closedFeed = feed;
    }
    const info = await closedFeed!.closed();
    expect(info.reason).toBe("closed");
    await closedFeed!.close();
    await closedFeed!.close("again");
    expect((await closedFeed!.closed()).reason).toBe("closed");
    const ends = closedFeed!.poll().filter((e) => e.type === "status" && e.kind === "end");
    expect(ends).toHaveLength(1);
  });

  it("reports a normal end after an error the connector recovered from", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    const c = lastScripted();
    c.status("error", { reason: "[scripted] one bad frame" });
    c.reconnect();
    c.end();
    expect(await feed.closed()).toEqual({ reason: "end" });
  });

  it("rejects when connecting fails", async () => {
    const p = createFeed({
      source: scriptedConnector,
      failConnect: "venue down",
      logger: capture(),
    });
    await expect(p).rejects.toThrow("venue down");
  });

  it("reports a connector that gives up mid-session as an error in closed()", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    const c = lastScripted();
    c.quote("PTT");
    c.status("error", { reason: "[scripted] login refused" });
    c.status("stale");
    c.end();
    const info = await feed.closed();
    expect(info.reason).toBe("error");
    expect(info.error?.message).toBe("[scripted] login refused");
    expect(feed.health().lastError).toBe("[scripted] login refused");
  });

  it("hands a connector's fatal error to consumers: for await throws it and closed() reports it", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    const c = lastScripted();
    c.quote("PTT", 1);
    const fatal = new AuthError("[scripted] login refused", { status: 401 });
    c.fail(fatal);
    const seen: FeedEvent[] = [];
    let thrown: unknown;
    try {
      for await (const ev of feed) seen.push(ev);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(fatal);
    expect(isAuthError(thrown)).toBe(true);
    // Every queued event was read before the error.
    expect(seen.map((e) => e.type === "status" ? e.kind : e.type)).toEqual([
      "connecting",
      "connected",
      "quote",
      "error",
      "disconnected",
      "end",
    ]);
    // closed() resolves, never rejects, with the error typed.
    const info = await feed.closed();
    expect(info.reason).toBe("error");
    expect(info.error).toBe(fatal);
    expect((await feed.closed()).error).toBe(fatal);
    // Closing afterwards stays quiet.
    await feed.close();
    await feed[Symbol.asyncDispose]();
  });

  it("keeps closed() resolving when the feed is closed before a fatal error", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: capture() });
    await feed.close();
    lastScripted().fail(new Error("too late"));
    expect(await feed.closed()).toEqual({ reason: "closed" });
  });

  it("shows the connector's delivery mode and how long it has been in it", async () => {
    const clock = new ManualClock();
    const feed = await createFeed({ source: scriptedConnector, logger: capture(), clock });
    const c = lastScripted();
    expect(feed.health().mode).toBeUndefined();
    c.mode("stream", "down");
    clock.advance(1_500);
    expect(feed.health()).toMatchObject({ mode: "stream", modeAgeMs: 1_500 });
    c.mode("poll", "stream");
    clock.advance(250);
    expect(feed.health()).toMatchObject({ mode: "poll", modeAgeMs: 250 });
    await feed.close();
  });

  it("lists every bad option in one ConfigError", async () => {
    try {
      await createFeed({
        source: scriptedConnector,
        capacity: 0,
        overflow: "sometimes" as never,
        colour: "red",
      });
      expect.unreachable();
    } catch (e) {
      expect(isConfigError(e)).toBe(true);
      const keys = (e as { issues: { key: string }[] }).issues.map((i) => i.key).sort();
      expect(keys).toEqual(["capacity", "colour", "overflow"]);
      expect((e as Error).message).toMatch(/"sometimes"/);
    }
  });

  it("emits stale and recovered for a silent symbol on the injected clock", async () => {
    const clock = new ManualClock();
    const feed = await createFeed({
      source: scriptedConnector,
      symbols: ["PTT", "AOT"],
      clock,
      health: { staleAfterMs: 1_000, feedStaleAfterMs: 60_000, checkIntervalMs: 100 },
      logger: capture(),
    });
    const c = lastScripted();
    for (let i = 0; i < 20; i++) {
      clock.advance(100);
      c.quote("AOT");
    }
    expect(feed.staleSymbols()).toEqual(["PTT"]);
    c.quote("PTT");
    expect(feed.staleSymbols()).toEqual([]);
    const statuses = feed.poll().filter((e): e is StatusEvent => e.type === "status");
    expect(
      statuses.flatMap((s) =>
        s.kind === "stale"
          ? s.symbols.map((symbol) => `stale:${symbol}`)
          : s.kind === "recovered"
          ? [`recovered:${s.symbol}`]
          : []
      ),
    )
      .toEqual(["stale:PTT", "recovered:PTT"]);
    await feed.close();
  });

  it("closes when its abort signal fires", async () => {
    const ac = new AbortController();
    const feed = await createFeed({
      source: scriptedConnector,
      signal: ac.signal,
      logger: capture(),
    });
    ac.abort();
    expect((await feed.closed()).reason).toBe("aborted");
  });

  it("does not connect when the signal is already aborted", async () => {
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    await expect(createFeed({ source: scriptedConnector, signal: ac.signal, logger: capture() }))
      .rejects.toThrow(
        "stop",
      );
  });
});
