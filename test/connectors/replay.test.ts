import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { createFeed, resolveConnector, resolveEnvConfig } from "../../mod.ts";
import { ManualClock } from "../../src/clock.ts";
import { isConfigError, isConnectionError } from "../../src/errors.ts";
import type { FeedEvent, MarketEvent, QuoteEvent, StatusEvent } from "../../src/events.ts";
import { RawEncoder } from "../../connectors/replay/capture/raw-encoder.ts";
import { eventLine } from "../../connectors/replay/capture/ndjson.ts";
import { parseReplayOptions, replayConnector } from "../../connectors/replay/mod.ts";
import { lifecycleProblems, seqProblems } from "../conformance/_checks.ts";
import { quote, status } from "./capture/_helpers.ts";
import { bidOfferBytes, realisticBook } from "../settrade/_fixtures.ts";
import {
  bytesStream,
  parseLines,
  recordSynthetic,
  replayToEnd,
  startReplay,
  tempDir,
  until,
} from "./_replay-helpers.ts";

/** Bid size in lots of 100: the quote helpers number their quotes this way. */
const lots = (e: MarketEvent): number => (e as QuoteEvent).bidSize / 100;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const recording = recordSynthetic({ disconnectEvery: 100 });

const kinds = (evs: readonly FeedEvent[]): string[] =>
  evs.filter((e): e is StatusEvent => e.type === "status").map((s) => `${s.kind}:${s.epoch}`);

describe("replay connector", () => {
  it("is the built-in source named replay, with its environment variables", async () => {
    const def = await resolveConnector("replay");
    expect(def).toBe(replayConnector);
    expect(def.env.map((v) => v.name)).toEqual([
      "REPLAY_FILE",
      "REPLAY_SPEED",
      "REPLAY_FROM",
      "REPLAY_TO",
      "REPLAY_SYMBOLS",
      "REPLAY_LOOP",
      "REPLAY_ON_CORRUPT",
      "REPLAY_STRICT",
    ]);
    const cfg = await resolveEnvConfig({
      DATA_SOURCE: "replay",
      REPLAY_FILE: "s.twr",
      REPLAY_SPEED: "MAX",
      REPLAY_FROM: "2026-01-05T03:00:00Z",
      REPLAY_TO: "1767589200000",
      REPLAY_LOOP: "yes",
      REPLAY_ON_CORRUPT: "skip",
      REPLAY_STRICT: "true",
    });
    expect(cfg.connectorOptions).toMatchObject({
      file: "s.twr",
      speed: "max",
      from: Date.UTC(2026, 0, 5, 3),
      to: 1_767_589_200_000,
      loop: true,
      onCorrupt: "skip",
      strict: true,
    });
  });

  it("lists every invalid option at once", async () => {
    const err = (() => {
      try {
        parseReplayOptions({
          speed: 0,
          from: "yesterday",
          loop: "sure",
          onCorrupt: "ignore",
          colour: "red",
        });
      } catch (e) {
        return e;
      }
    })();
    expect(isConfigError(err)).toBe(true);
    const keys = (err as { issues: { key: string }[] }).issues.map((i) => i.key).sort();
    expect(keys).toEqual(["colour", "from", "loop", "onCorrupt", "speed"]);
    expect(() => parseReplayOptions({})).toThrow(/give exactly one of file or stream/);
    expect(() => parseReplayOptions({ stream: new Response("x").body, loop: true })).toThrow(
      /loop needs a file/,
    );
    expect(() => parseReplayOptions({ file: "a", from: 10, to: 5 })).toThrow(
      /from must not be after to/,
    );
    await expect(
      resolveEnvConfig({ DATA_SOURCE: "replay", REPLAY_FILE: "s.twr", REPLAY_SPEED: "fast" }),
    )
      .rejects.toThrow(/REPLAY_SPEED: expected a positive number or "max", got "fast"/);
  });

  it("emits its own connecting and connected, then end, so a feed loop finishes by itself", async () => {
    const { raw } = await recording;
    const feed = await createFeed({
      source: "replay",
      stream: bytesStream(raw),
      speed: "max",
      overflow: "block",
      logLevel: "silent",
    });
    const got: FeedEvent[] = [];
    for await (const ev of feed) got.push(ev);
    expect(got[0]).toMatchObject({ type: "status", kind: "connecting", source: "replay" });
    expect(got[1]).toMatchObject({
      type: "status",
      kind: "connected",
      source: "replay",
      epoch: 0,
      origin: "synthetic",
    });
    expect(got.at(-1)).toMatchObject({ type: "status", kind: "end", reason: "end of capture" });
    expect(lifecycleProblems(got)).toEqual([]);
    expect((await feed.closed()).reason).toBe("end");
  });

  it("replays recorded reconnects with the next epoch each time", async () => {
    const { raw, ndjson } = await recording;
    const run = await replayToEnd({ stream: bytesStream(raw), speed: "max" });
    expect(kinds(run.rec.all)).toEqual(kinds(parseLines(ndjson)));
    expect(kinds(run.rec.all)).toContain("connected:2");
    expect(run.connector.health()).toMatchObject({ connected: false, epoch: 2, reconnects: 2 });
    expect(lifecycleProblems(run.rec.all)).toEqual([]);
  });

  it("makes up the reconnect when the epoch changes in a capture without statuses", async () => {
    const text = [quote(1), quote(2), { ...quote(3), epoch: 1 }, { ...quote(4), epoch: 3 }].map((
      e,
    ) => eventLine(e)).join("");
    const run = await replayToEnd({
      stream: bytesStream(new TextEncoder().encode(text)),
      speed: "max",
    });
    expect(run.rec.events.map((e) => e.epoch)).toEqual([0, 0, 1, 2]);
    expect(lifecycleProblems(run.rec.all)).toEqual([]);
    expect(run.rec.statuses.find((s) => s.kind === "disconnected")?.reason).toBe(
      "connection epoch changed in the capture",
    );
  });

  it("delivers each recorded event with its own fields, restamped as replayed, in the recorded order", async () => {
    const recorded = [
      { ...quote(1), epoch: 0, exchTs: 5, streamSeq: 9 },
      { ...quote(2), origin: "settrade" },
    ];
    const text = recorded.map((e) => eventLine(e)).join("");
    const run = await replayToEnd({
      stream: bytesStream(new TextEncoder().encode(text)),
      speed: "max",
    });
    const got = run.rec.events;
    expect(got).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      const want = {
        ...recorded[i],
        source: "replay",
        origin: recorded[i]!.origin ?? "synthetic",
        seq: got[i]!.seq,
        recvMono: got[i]!.recvMono,
        epoch: 0,
      };
      expect(got[i]).toStrictEqual(want);
      expect(Object.keys(got[i]!)).toEqual(Object.keys(want));
    }
    expect(got.map((e) => e.seq)).toEqual([got[0]!.seq, got[0]!.seq + 1]);
  });

  it("delivers every event until the first subscription, then only subscribed pairs", async () => {
    const { raw } = await recording;
    const all = await replayToEnd({ stream: bytesStream(raw), speed: "max" });
    expect(new Set(all.rec.events.map((e) => e.type)).size).toBeGreaterThanOrEqual(5);
    const some = await replayToEnd({ stream: bytesStream(raw), speed: "max" }, [
      { channel: "trade", symbol: "ptt" },
      { channel: "bar", symbol: "AOT", interval: "1m" },
    ]);
    const pairs = new Set(some.rec.events.map((e) => `${e.type}:${e.symbol}`));
    expect(pairs).toEqual(new Set(["trade:PTT", "bar:AOT"]));
    expect(some.rec.events.length).toBe(
      all.rec.events.filter((e) =>
        (e.type === "trade" && e.symbol === "PTT") || (e.type === "bar" && e.symbol === "AOT")
      ).length,
    );
    expect(seqProblems(some.rec.events)).toEqual([]);
    expect(some.rec.events[0]!.seq).toBe(1);
  });

  it("applies a subscription made mid-replay to the payloads that follow", async () => {
    const enc = new RawEncoder();
    enc.begin({ source: "settrade", created: 0, part: 0, meta: {} });
    enc.status(status("connected"));
    const payloads = (from: number) => {
      for (let i = from; i < from + 5; i++) {
        for (const symbol of ["PTT", "AOT"]) {
          const book = realisticBook(symbol, 34.25, { seed: i });
          enc.payload(`proto/topic/bidofferv3/${symbol}`, bidOfferBytes(book), i, i, 0);
        }
      }
    };
    payloads(0);
    const first = enc.take();
    payloads(5);
    // Cut short: a payload the subscription no longer wants is skipped, not decoded.
    enc.payload("proto/topic/bidofferv3/AOT", Uint8Array.of(0x0a, 9, 0x41), 11, 11, 0);
    enc.close(100, "closed");
    const rest = enc.take();
    let feed!: ReadableStreamDefaultController<Uint8Array>;
    const stream = new ReadableStream<Uint8Array>({ start: (c) => void (feed = c) });
    feed.enqueue(first);
    const run = await startReplay({ stream, speed: "max" });
    try {
      await until(() => run.rec.events.length === 20, "a quote and a book per payload");
      expect(new Set(run.rec.events.map((e) => `${e.type}:${e.symbol}`))).toEqual(
        new Set(["quote:PTT", "book:PTT", "quote:AOT", "book:AOT"]),
      );
      await run.connector.subscribe({ channel: "quote", symbol: "PTT" });
      feed.enqueue(rest);
      feed.close();
      await until(() => run.rec.statuses.some((s) => s.kind === "end"), "the end");
      const after = run.rec.events.slice(20);
      expect(after.map((e) => `${e.type}:${e.symbol}`)).toEqual(Array(5).fill("quote:PTT"));
      expect(run.rec.decodeErrors).toEqual([]);
    } finally {
      await run.connector.disconnect();
    }
  });

  it("filters a payload by the symbol it carries, not only by its topic", async () => {
    const enc = new RawEncoder();
    enc.begin({ source: "settrade", created: 0, part: 0, meta: {} });
    enc.status(status("connected"));
    const put = (topicSymbol: string, symbol: string, i: number) =>
      enc.payload(
        `proto/topic/bidofferv3/${topicSymbol}`,
        bidOfferBytes(realisticBook(symbol, 34.25, { seed: i })),
        i,
        i,
        0,
      );
    put("PTT", "PTT", 1);
    put("PTT", "AOT", 2); // on PTT's topic, but AOT's book
    put("PTT", "PTT", 3);
    enc.close(10, "closed");
    const run = await replayToEnd({ stream: bytesStream(enc.take()), speed: "max" }, [
      { channel: "quote", symbol: "PTT" },
    ]);
    expect(run.rec.events.map((e) => `${e.type}:${e.symbol}:${e.recvTs}`)).toEqual([
      "quote:PTT:1",
      "quote:PTT:3",
    ]);
  });

  it("filters by symbols on every channel, and by a time window on recvTs", async () => {
    const { raw, ndjson } = await recording;
    const recorded = parseLines(ndjson).filter((e): e is MarketEvent => e.type !== "status");
    const bySymbol = await replayToEnd({
      stream: bytesStream(raw),
      speed: "max",
      symbols: ["kbank", "SET"],
    });
    expect(new Set(bySymbol.rec.events.map((e) => e.symbol))).toEqual(new Set(["KBANK", "SET"]));
    expect(bySymbol.rec.events.length).toBe(
      recorded.filter((e) => e.symbol === "KBANK" || e.symbol === "SET").length,
    );
    const from = recorded[50]!.recvTs;
    const to = recorded[149]!.recvTs;
    const window = await replayToEnd({
      stream: bytesStream(raw),
      speed: "max",
      from,
      to: new Date(Math.ceil(to)).toISOString(),
    });
    expect(window.rec.events.map((e) => e.recvTs)).toEqual(
      recorded.filter((e) => e.recvTs >= from && e.recvTs <= Math.ceil(to)).map((e) => e.recvTs),
    );
    expect(window.rec.statuses.at(-1)).toMatchObject({
      kind: "end",
      reason: "end of the time window",
    });
    expect(lifecycleProblems(window.rec.all)).toEqual([]);
  });

  it("loops over a file as reconnects, with seq and recvMono still increasing", async () => {
    const enc = new RawEncoder();
    enc.begin({ source: "synthetic", created: 0, part: 0, meta: {} });
    enc.status(status("connected"));
    for (let i = 1; i <= 5; i++) enc.event(quote(i) as MarketEvent);
    const file = tmp.path("loop.twr");
    writeFileSync(file, enc.take());
    const run = await startReplay({ file, speed: "max", loop: true });
    await until(() => run.rec.events.length >= 17, "three passes and more");
    await run.connector.disconnect();
    expect(run.rec.events.slice(0, 15).map((e) => lots(e) * 100)).toEqual(
      [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5].map((i) => 100 * i),
    );
    expect(seqProblems(run.rec.events)).toEqual([]);
    expect(run.rec.events.every((e, i, a) => i === 0 || e.recvMono >= a[i - 1]!.recvMono)).toBe(
      true,
    );
    expect(run.rec.events[5]!.epoch).toBe(1);
    expect(run.rec.statuses.find((s) => s.kind === "disconnected")?.reason).toBe(
      "replay starts again from the beginning",
    );
    expect(lifecycleProblems(run.rec.all)).toEqual([]);
  });

  it("loops over the time window when both are given", async () => {
    const enc = new RawEncoder();
    enc.begin({ source: "synthetic", created: 0, part: 0, meta: {} });
    for (let i = 1; i <= 5; i++) enc.event(quote(i) as MarketEvent);
    const file = tmp.path("window.twr");
    writeFileSync(file, enc.take());
    const run = await startReplay({
      file,
      speed: "max",
      loop: true,
      from: quote(2).recvTs,
      to: quote(3).recvTs,
    });
    await until(() => run.rec.events.length >= 6, "three passes");
    await run.connector.disconnect();
    expect(run.rec.events.slice(0, 6).map(lots)).toEqual([2, 3, 2, 3, 2, 3]);
    expect(lifecycleProblems(run.rec.all)).toEqual([]);
  });

  it("refuses to connect to a missing file, naming it, and ends", async () => {
    const run = startReplay({ file: tmp.path("nope.twr") });
    const err = await run.then(() => undefined, (e: unknown) => e);
    expect(isConnectionError(err)).toBe(true);
    expect((err as Error).message).toMatch(/\[replay\] cannot open ".*nope\.twr"/);
  });

  it("reports a payload topic it has no decoder for, and goes on", async () => {
    const enc = new RawEncoder();
    enc.begin({ source: "venue", created: 0, part: 0, meta: {} });
    enc.payload("venue/ticks/PTT", Uint8Array.of(1, 2, 3), 1, 1, 0);
    enc.event(quote(1) as MarketEvent);
    const run = await replayToEnd({ stream: bytesStream(enc.take()), speed: "max" });
    expect(run.rec.events).toHaveLength(1);
    expect(run.rec.decodeErrors).toHaveLength(1);
    expect(run.rec.decodeErrors[0]).toMatchObject({ code: "topic", topic: "venue/ticks/PTT" });
    expect(run.rec.decodeErrors[0]!.message).toMatch(
      /no decoder for topic "venue\/ticks\/PTT" \(record 2 at byte \d+\)/,
    );
    expect(run.connector.health().decodeErrors).toBe(1);
  });

  it("stops on disconnect with nothing after end", async () => {
    const { raw } = await recording;
    // Paced on a manual clock: the replay waits on it for its events, so a stop that
    // left its pacing timer behind would show as a pending timer, and advancing the
    // clock (an hour of recording) would fire it.
    const clock = new ManualClock();
    const run = await startReplay({ stream: bytesStream(raw), speed: 1 }, [], clock);
    await until(() => clock.pending > 0, "the replay to wait on its clock");
    await run.connector.disconnect("enough");
    const n = run.rec.all.length;
    expect(clock.pending).toBe(0);
    clock.advance(3_600_000);
    expect(run.rec.all.length).toBe(n);
    expect(run.rec.all.at(-1)).toMatchObject({ kind: "end", reason: "enough" });
    expect(run.rec.afterEnd).toEqual([]);
  });
});
