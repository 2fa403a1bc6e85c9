/**
 * The stream → poll fallback against the Settrade emulator (real HTTP and MQTT
 * over WebSocket on 127.0.0.1): a realtime outage served by polling the quote
 * endpoint within the server's rate limits (counted by the emulator per
 * second), deduplicated, stopped per symbol at its first streamed event with
 * no duplicate and no gap in `seq`; the cap on a polling spell; polling off.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createFeed } from "../../mod.ts";
import type { MarketEvent, QuoteEvent } from "../../src/events.ts";
import { validateEvent } from "../../src/schemas.ts";
import {
  capturingLogger,
  disconnectAll,
  emulatorOptions,
  emulatorsForFile,
  harness,
  lifecycleProblems,
  until,
} from "./_connector-harness.ts";

const emulator = emulatorsForFile({ seed: 11 });
const optionsOf = emulatorOptions;

afterEach(disconnectAll);

const sameQuote = (a: QuoteEvent, b: QuoteEvent): boolean =>
  a.bid === b.bid && a.ask === b.ask && a.bidSize === b.bidSize && a.askSize === b.askSize &&
  a.bidFlag === b.bidFlag && a.askFlag === b.askFlag;

describe("the Settrade connector while the stream is down", () => {
  it("polls quotes within the rate limits, then hands back to the stream with no duplicate and no gap in seq", async () => {
    const SYMBOLS = ["PTT", "AOT", "KBANK"];
    const PER_SECOND = 6;
    const emu = await emulator({ rate: 1, symbols: SYMBOLS, rateLimit: { perSecond: PER_SECOND } });
    const h = harness(optionsOf(emu, {
      poll: { intervalMs: 50, graceMs: 1_500 },
      reconnect: { initialDelayMs: 200, maxDelayMs: 400, jitter: 0.2 },
    }));
    for (const symbol of SYMBOLS) await h.connector.subscribe({ channel: "quote", symbol });
    await h.connector.connect();
    await until(
      () => SYMBOLS.every((s) => h.rec.events.some((e) => e.symbol === s)),
      "a streamed quote of every symbol",
    );
    expect(h.modes()).toEqual(["stream"]);
    expect(emu.outage(120_000)).toBeGreaterThan(0);
    await until(() => h.connector.health().mode === "poll", "poll mode", 5_000);
    await until(
      () => SYMBOLS.every((s) => h.rec.events.some((e) => e.symbol === s && e.via === "poll")),
      "a polled quote of every symbol",
      10_000,
    );
    emu.outage(0); // the stream may come back
    await until(
      () => h.modes().at(-1) === "stream" && h.connector.health().epoch >= 1,
      "stream",
      15_000,
    );
    const from = h.rec.events.length;
    await until(() => h.rec.events.length > from + SYMBOLS.length, "streamed quotes", 10_000);

    expect(h.modes()).toEqual(["stream", "poll", "stream"]);
    const events: readonly MarketEvent[] = h.rec.events;
    // No gap and no duplicate in seq, across streamed and polled quotes.
    for (let i = 1; i < events.length; i++) expect(events[i]!.seq).toBe(events[i - 1]!.seq + 1);
    expect(lifecycleProblems(h.rec.all)).toEqual([]);
    // Polled quotes and mode statuses are valid events (`via`, `mode` in the schemas).
    for (const ev of h.rec.all) expect(validateEvent(ev)).toEqual([]);
    const polled = events.filter((e) => e.via === "poll");
    expect(polled.every((e) => e.type === "quote" && e.source === "settrade")).toBe(true);
    for (const symbol of SYMBOLS) {
      const mine = events.filter((e): e is QuoteEvent => e.symbol === symbol && e.type === "quote");
      // Once a symbol streams on the new connection, it is polled no more.
      const back = mine.findIndex((e) => e.epoch >= 1 && e.via === undefined);
      expect(back).toBeGreaterThan(0);
      expect(mine.slice(back).some((e) => e.via === "poll")).toBe(false);
      // A poll that says nothing new emits nothing.
      for (let i = 1; i < mine.length; i++) {
        if (mine[i]!.via === "poll") expect(sameQuote(mine[i]!, mine[i - 1]!)).toBe(false);
      }
    }
    // Never more requests than the server's headers allow, counted by the server.
    const seconds = emu.requestsPerSecond();
    expect(seconds.length).toBeGreaterThan(2);
    expect(Math.max(...seconds.map((s) => s.requests))).toBeLessThanOrEqual(PER_SECOND);
    expect(emu.stats().rateLimited).toBe(0);
  });

  it("stops polling after maxDurationMs and reports the outage as down until the stream returns", async () => {
    const emu = await emulator({ rate: 20, symbols: ["PTT"] });
    const lines: Parameters<typeof capturingLogger>[0] = [];
    const feed = await createFeed({
      source: "settrade",
      symbols: ["PTT"],
      channels: ["quote"],
      logger: capturingLogger(lines),
      ...optionsOf(emu, { poll: { intervalMs: 50, graceMs: 100, maxDurationMs: 400 } }),
    });
    try {
      const modes: string[] = [];
      const events: MarketEvent[] = [];
      feed.on("status", (s) => s.kind === "mode" && modes.push(s.mode));
      feed.on("quote", (q) => events.push(q));
      await until(() => feed.health().mode === "stream" && events.length > 0, "streaming");
      emu.outage(2_500);
      await until(() => feed.health().mode === "down", "down after the cap", 5_000);
      expect(modes).toEqual(["poll", "down"]);
      expect(feed.health().modeAgeMs).toBeGreaterThanOrEqual(0);
      const polled = events.filter((e) => e.via === "poll").length;
      expect(polled).toBeGreaterThan(0);
      await until(() => feed.health().mode === "stream", "the stream back", 10_000);
      // Nothing was polled between the cap and the stream's return.
      expect(events.filter((e) => e.via === "poll").length).toBe(polled);
      expect(lines.some((l) => /polling stopped/.test(l.message))).toBe(true);
    } finally {
      await feed.close();
    }
  });

  it("reports the outage as down and polls nothing when polling is off", async () => {
    const emu = await emulator({ rate: 20, symbols: ["PTT"] });
    const h = harness(optionsOf(emu, { poll: { enabled: false, graceMs: 100 } }));
    await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
    await h.connector.connect();
    await until(() => h.rec.events.length > 0, "a quote");
    emu.outage(1_000);
    await until(() => h.modes().length >= 3, "down, then the stream back", 10_000);
    expect(h.modes()).toEqual(["stream", "down", "stream"]);
    expect(h.rec.events.some((e) => e.via === "poll")).toBe(false);
    expect(emu.stats().quoteRequests).toBe(0);
  });
});
