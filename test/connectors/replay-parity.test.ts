/**
 * Parity: a session recorded raw and as NDJSON at the same time, replayed from
 * the raw capture at "max", gives the NDJSON's events field for field, apart from
 * what a replay changes by design (documented in connectors/replay/mod.ts):
 * `source` ("replay", the recorded one in `origin`), `seq` (renumbered from 1) and
 * `recvMono` (shifted by one constant, gaps kept).
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Subscription } from "../../src/connector.ts";
import { createFeed } from "../../mod.ts";
import type { FeedEvent, MarketEvent, StatusEvent } from "../../src/events.ts";
import { silentLogger } from "../../src/log.ts";
import { createRecorder } from "../../connectors/replay/mod.ts";
import { SettradeDecoder, WANT_BOTH } from "../../connectors/settrade/decode/mod.ts";
import { settradeConnector } from "../../connectors/settrade/mod.ts";
import {
  type SettradeEmulator,
  startSettradeEmulator,
} from "../../connectors/settrade/emulator/mod.ts";
import { lifecycleProblems } from "../conformance/_checks.ts";
import {
  bidOfferBytes,
  candlestickBytes,
  equityMarketBytes,
  infoBytes,
  realisticBook,
} from "../settrade/_fixtures.ts";
import {
  bytesStream,
  comparable,
  memoryRecorder,
  parseLines,
  recordSynthetic,
  replayToEnd,
  tempDir,
  until,
} from "./_replay-helpers.ts";
import { makeStatus } from "../_helpers/status.ts";

const markets = (evs: readonly FeedEvent[]): MarketEvent[] =>
  evs.filter((e): e is MarketEvent => e.type !== "status");

/** Checks everything a replay keeps, and what it changes by design. */
function expectParity(
  replayed: readonly MarketEvent[],
  recorded: readonly MarketEvent[],
  origin: string,
): void {
  expect(replayed.length).toBe(recorded.length);
  expect(replayed.map(comparable)).toEqual(recorded.map(comparable));
  expect(replayed.map((e) => e.seq)).toEqual(replayed.map((_, i) => i + 1));
  expect(new Set(replayed.map((e) => e.source))).toEqual(new Set(["replay"]));
  expect(new Set(replayed.map((e) => e.origin))).toEqual(new Set([origin]));
  const shift = replayed[0]!.recvMono - recorded[0]!.recvMono;
  for (const [i, ev] of replayed.entries()) {
    expect(ev.recvMono - recorded[i]!.recvMono).toBeCloseTo(shift, 6);
  }
}

describe("replay parity", () => {
  it("replays a raw capture of the synthetic feed at max to the events recorded as NDJSON", async () => {
    const { raw, ndjson } = await recordSynthetic({ disconnectEvery: 110 });
    const recorded = parseLines(ndjson);
    expect(markets(recorded)).toHaveLength(300);
    const run = await replayToEnd({ stream: bytesStream(raw), speed: "max" });
    expectParity(run.rec.events, markets(recorded), "synthetic");
    const kinds = (evs: readonly FeedEvent[]) =>
      evs.filter((e): e is StatusEvent => e.type === "status").map((s) => `${s.kind}:${s.epoch}`);
    expect(kinds(run.rec.all)).toEqual(kinds(recorded));
    expect(lifecycleProblems(run.rec.all)).toEqual([]);
    expect(run.rec.decodeErrors).toEqual([]);
  });

  it("delivers every event through a feed with the block policy, a tiny queue and a slow consumer", async () => {
    const { raw, ndjson } = await recordSynthetic();
    const feed = await createFeed({
      source: "replay",
      stream: bytesStream(raw, 512),
      speed: "max",
      overflow: "block",
      capacity: 4,
      logLevel: "silent",
    });
    const got: FeedEvent[] = [];
    for await (const ev of feed) {
      got.push(ev);
      if (got.length % 16 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(feed.health().queue.dropped).toBe(0);
    expectParity(markets(got), markets(parseLines(ndjson)), "synthetic");
    expect(got.at(-1)).toMatchObject({ type: "status", kind: "end" });
  });

  it("replays compressed capture files written by the recorder", async () => {
    const tmp = tempDir();
    try {
      const rec = await createRecorder({
        out: tmp.path("s.twr.gz"),
        events: tmp.path("s.ndjson.gz"),
        flushBytes: 4096,
        logger: silentLogger,
      });
      await createFeed({
        source: rec.connector(
          (await import("../../connectors/synthetic/mod.ts")).syntheticConnector,
        ),
        symbols: ["PTT", "AOT"],
        channels: ["quote", "trade", "book"],
        seed: 9,
        rate: "max",
        limit: 250,
        buffer: false,
        logLevel: "silent",
      });
      await rec.closed();
      const raw = await replayToEnd({ file: tmp.path("s.twr.gz"), speed: "max" });
      const nd = await replayToEnd({ file: tmp.path("s.ndjson.gz"), speed: "max" });
      expect(raw.rec.events).toHaveLength(250);
      expect(raw.rec.events.map(comparable)).toEqual(nd.rec.events.map(comparable));
      expect([...raw.connector.issues, ...nd.connector.issues]).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  });

  it("decodes raw Settrade payloads with the live decoder, as live decoding produced them", async () => {
    const { rec, raw, nd } = await memoryRecorder({ source: "settrade" });
    const decoder = new SettradeDecoder();
    const meta = { source: "settrade", seq: 1, recvTs: 1_767_582_000_000, recvMono: 500, epoch: 0 };
    const status = (kind: StatusEvent["kind"], extra: Record<string, unknown> = {}): void =>
      rec.status(makeStatus(kind, {
        source: "settrade",
        epoch: 0,
        recvTs: meta.recvTs,
        recvMono: meta.recvMono,
      }, extra));
    status("connecting");
    status("connected");
    const wire: [string, Uint8Array][] = [];
    for (let i = 0; i < 40; i++) {
      wire.push([
        `proto/topic/bidofferv3/${i % 2 ? "PTT" : "AOT"}`,
        bidOfferBytes(realisticBook(i % 2 ? "PTT" : "AOT", 30 + i / 4, { seed: i + 1 })),
      ]);
      if (i % 10 === 0) {
        wire.push([
          "proto/topic/infov3/PTT",
          infoBytes({
            symbol: "PTT",
            last: "34.25",
            change: "-0.75",
            totalVolume: 1000 + i,
            marketStatus: 2,
          }),
        ]);
      }
      if (i % 13 === 0) {
        wire.push([
          "proto/topic/cdlv3/KBANK/1m",
          candlestickBytes({
            symbol: "KBANK",
            interval: "1m",
            timeMs: 1_767_582_000_000 + i * 60_000,
            open: "140.5",
            high: "141",
            low: "140",
            close: "140.5",
            volume: 300 + i,
            lastSequence: i,
          }),
        ]);
      }
      if (i % 17 === 0) {
        wire.push([
          "proto/topic/exchinfoeqv3/SET",
          equityMarketBytes({ name: "SET", marketStatus: 2, current: "1389.12", change: "-3.4" }),
        ]);
      }
    }
    wire.splice(7, 0, ["proto/topic/bidofferv3/PTT", Uint8Array.of(0x0a, 0x09, 0x50)]);
    wire.splice(9, 0, [
      "$sys/u/_broker/_uref/error/subscribe",
      new TextEncoder().encode('{"topic":"proto/topic/infov3/NOPE","code":"E404"}'),
    ]);
    for (const [topic, payload] of wire) {
      meta.recvTs += 7.25;
      meta.recvMono += 7.25;
      rec.payload(topic, payload, meta.recvTs, meta.recvMono, 0);
      if (topic.startsWith("$sys/")) {
        status("subscribe-error", { symbol: "NOPE", reason: "[settrade] subscription refused" });
        continue;
      }
      try {
        meta.seq += decoder.decode(topic, payload, meta, WANT_BOTH, (ev) => rec.event(ev));
      } catch {
        // a malformed payload: counted and skipped live, as in the replay
      }
    }
    status("disconnected", { reason: "closed" });
    status("end");
    await rec.close();
    const recorded = parseLines(nd.text());
    expect(markets(recorded).length).toBeGreaterThan(80);
    const run = await replayToEnd({ stream: bytesStream(raw.bytes(), 1000), speed: "max" });
    expectParity(run.rec.events, markets(recorded), "settrade");
    expect(run.rec.decodeErrors.map((e) => e.topic)).toEqual(["proto/topic/bidofferv3/PTT"]);
    expect(run.rec.statuses.filter((s) => s.kind === "subscribe-error")).toMatchObject([{
      symbol: "NOPE",
      origin: "settrade",
    }]);
    expect(new Set(markets(run.rec.all).map((e) => e.type))).toEqual(
      new Set(["quote", "book", "info", "bar", "market"]),
    );
  });

  describe("with the Settrade emulator", () => {
    let emulator: SettradeEmulator | undefined;
    afterAll(async () => {
      await emulator?.stop();
    });

    it("replays a recorded emulator session to the events recorded as NDJSON", async () => {
      emulator = await startSettradeEmulator({
        seed: 3,
        rate: 50,
        symbols: ["PTT", "AOT", "KBANK"],
      });
      const { rec, raw, nd } = await memoryRecorder();
      const subscriptions: Subscription[] = [
        { channel: "quote", symbol: "PTT" },
        { channel: "book", symbol: "PTT" },
        { channel: "quote", symbol: "AOT" },
        { channel: "info", symbol: "KBANK" },
        { channel: "market", symbol: "SET" },
      ];
      const feed = await createFeed({
        source: rec.connector(settradeConnector),
        subscriptions,
        buffer: false,
        logLevel: "silent",
        ...emulator.connectorOptions(),
      });
      await until(() => rec.stats().events >= 150, "150 events from the emulator", 15_000);
      await feed.close();
      await rec.closed();
      expect(rec.stats().payloads).toBeGreaterThan(0);
      // Secrets never reach a recorded file, raw or NDJSON.
      const secret = emulator.appSecretBase64!;
      expect(new TextDecoder("latin1").decode(raw.bytes())).not.toContain(secret);
      expect(nd.text()).not.toContain(secret);
      const recorded = markets(parseLines(nd.text()));
      const run = await replayToEnd(
        { stream: bytesStream(raw.bytes()), speed: "max" },
        subscriptions,
      );
      expectParity(run.rec.events, recorded, "settrade");
      expect(lifecycleProblems(run.rec.all)).toEqual([]);
    }, 30_000);
  });
});
