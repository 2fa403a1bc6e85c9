import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isDecodeError } from "../../src/errors.ts";
import { silentLogger } from "../../src/log.ts";
import { type Clock, ManualClock, systemClock } from "../../src/clock.ts";
import { createRecordingSink } from "../conformance/mod.ts";
import type { MarketEvent } from "../../src/events.ts";
import { createSyntheticConnector } from "../../connectors/synthetic/mod.ts";
import { allChannels, fnv1a, runToEnd, startManual, strip } from "./_synthetic-helpers.ts";

const SUBS = allChannels(["AOT", "PTT", "KBANK"]);

/**
 * Hash of the first 3,000 events for seed 2026 (receive times aside). The same
 * test runs on Node, Bun and Deno, so a runtime that computes differently fails
 * it. Change it only together with a deliberate change to the generator.
 */
const FINGERPRINT = 654099861;

describe("synthetic connector: determinism", () => {
  it("gives identical events, receive times aside, for the same seed", async () => {
    const a = await runToEnd({ seed: 5, rate: "max", limit: 2_000 }, SUBS);
    const b = await runToEnd({ seed: 5, rate: "max", limit: 2_000 }, SUBS);
    expect(a.events).toHaveLength(2_000);
    expect(b.events.map(strip)).toEqual(a.events.map(strip));
  });

  it("gives identical events for any seed, symbols and rate pacing (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }),
        fc.uniqueArray(fc.stringMatching(/^[A-Z]{2,6}$/), { minLength: 1, maxLength: 4 }),
        fc.subarray(["quote", "book", "trade", "bar", "info"] as const, { minLength: 1 }),
        async (seed, symbols, channels) => {
          const subs = symbols.flatMap((symbol) =>
            channels.map((channel) => ({ channel, symbol }))
          );
          const a = await runToEnd({ seed, rate: "max", limit: 150 }, subs);
          const paced = startManual({ seed, rate: 500, limit: 150 }, subs);
          paced.advance(60_000);
          expect(a.events).toHaveLength(150);
          expect(paced.rec.events.map(strip)).toEqual(a.events.map(strip));
        },
      ),
      { numRuns: 25 },
    );
  });

  it("gives different events for a different seed", async () => {
    const a = await runToEnd({ seed: 5, rate: "max", limit: 500 }, SUBS);
    const b = await runToEnd({ seed: 6, rate: "max", limit: 500 }, SUBS);
    expect(b.events.map(strip)).not.toEqual(a.events.map(strip));
  });

  it("gives the same events at a paced rate as at max", async () => {
    const paced = startManual({ seed: 9, rate: 200, limit: 600 }, SUBS);
    paced.advance(10_000);
    const max = await runToEnd({ seed: 9, rate: "max", limit: 600 }, SUBS);
    expect(paced.rec.events).toHaveLength(600);
    expect(paced.rec.events.map(strip)).toEqual(max.events.map(strip));
  });

  it("produces the recorded fingerprint on every runtime", async () => {
    const rec = await runToEnd({ seed: 2026, rate: "max", limit: 3_000 }, SUBS);
    const text = rec.events.map((ev) => JSON.stringify(strip(ev))).join("\n");
    expect(fnv1a(text)).toBe(FINGERPRINT);
  });

  it("starts the exchange clock at startTs and advances it every update", async () => {
    const startTs = Date.UTC(2026, 2, 2, 3, 0, 0);
    const rec = await runToEnd({ startTs, rate: "max", limit: 300 }, SUBS);
    const ts = rec.events.map((ev) => ev.exchTs!);
    expect(ts[0]).toBeGreaterThan(startTs);
    expect(ts[0]).toBeLessThanOrEqual(startTs + 200);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]!);
  });
});

describe("synthetic connector: subscriptions", () => {
  it("emits events only for subscribed pairs", () => {
    const run = startManual({ rate: 100 }, [
      { channel: "quote", symbol: "ptt" },
      { channel: "trade", symbol: "AOT" },
    ]);
    run.advance(2_000);
    const pairs = new Set(run.rec.events.map((ev) => `${ev.type}:${ev.symbol}`));
    expect(pairs).toEqual(new Set(["quote:PTT", "trade:AOT"]));
  });

  it("advances subscribed symbols in round-robin order of first subscription", async () => {
    const run = startManual({ rate: 100 }, [
      { channel: "book", symbol: "SCB" },
      { channel: "book", symbol: "AOT" },
      { channel: "book", symbol: "PTT" },
    ]);
    run.advance(1_000);
    const symbols = run.rec.events.map((ev) => ev.symbol);
    expect(symbols.length).toBeGreaterThan(30);
    expect(symbols.slice(0, 6)).toEqual(["SCB", "AOT", "PTT", "SCB", "AOT", "PTT"]);
    for (let i = 3; i < symbols.length; i++) expect(symbols[i]).toBe(symbols[i - 3]);
    await run.connector.unsubscribe({ channel: "book", symbol: "SCB" });
    await run.connector.subscribe({ channel: "book", symbol: "SCB" });
    const mark = run.rec.events.length;
    run.advance(200);
    const order = run.rec.events.slice(mark).map((ev) => ev.symbol);
    expect(new Set(order.slice(0, 3))).toEqual(new Set(["SCB", "AOT", "PTT"]));
    for (let i = 3; i < order.length; i++) expect(order[i]).toBe(order[i - 3]);
  });

  it("stops a pair's events on unsubscribe and starts them on a later subscribe", async () => {
    const run = startManual({ rate: 100 }, [{ channel: "quote", symbol: "PTT" }]);
    run.advance(500);
    await run.connector.unsubscribe({ channel: "quote", symbol: "ptt" });
    await run.connector.subscribe({ channel: "book", symbol: "SCB" });
    const mark = run.rec.events.length;
    run.advance(1_000);
    const later = run.rec.events.slice(mark);
    expect(mark).toBeGreaterThan(0);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((ev) => ev.type === "book" && ev.symbol === "SCB")).toBe(true);
  });

  it("reports subscribe-error for a disabled channel or an unsupported bar interval", async () => {
    const run = startManual({ channels: ["quote", "bar"] }, []);
    await run.connector.subscribe({ channel: "trade", symbol: "PTT" });
    await run.connector.subscribe({ channel: "bar", symbol: "PTT", interval: "5m" });
    const errors = run.rec.statuses.filter((s) => s.kind === "subscribe-error");
    expect(errors.map((s) => s.symbol)).toEqual(["PTT", "PTT"]);
    expect(errors[0]!.reason).toContain('"trade"');
    expect(errors[1]!.reason).toContain('"5m"');
    expect(run.connector.capabilities).toEqual(["quote", "bar"]);
    expect(run.connector.health().subscriptions).toEqual([]);
  });

  it("rejects a subscription with an unknown channel or an empty symbol", async () => {
    const run = startManual({}, []);
    await expect(run.connector.subscribe({ channel: "nope" as "quote", symbol: "PTT" }))
      .rejects.toThrow(TypeError);
    await expect(run.connector.subscribe({ channel: "quote", symbol: " " })).rejects.toThrow(
      TypeError,
    );
  });
});

describe("synthetic connector: faults", () => {
  it("drops and restores the connection every disconnectEvery events, keeping subscriptions", () => {
    const run = startManual({ rate: 200, disconnectEvery: 50 }, SUBS.slice(0, 5));
    run.advance(3_000);
    const kinds = run.rec.statuses.slice(0, 10).map((s) => `${s.kind}:${s.epoch}`);
    expect(kinds).toEqual([
      "connecting:0",
      "connected:0",
      "disconnected:0",
      "reconnecting:0",
      "connecting:0",
      "connected:1",
      "disconnected:1",
      "reconnecting:1",
      "connecting:1",
      "connected:2",
    ]);
    const reconnecting = run.rec.statuses.find((s) => s.kind === "reconnecting")!;
    expect(reconnecting.attempt).toBe(1);
    expect(reconnecting.delayMs).toBeGreaterThan(0);
    expect(run.rec.statuses.find((s) => s.kind === "disconnected")!.reason).toContain("50");
    let epoch = -1;
    let count = 0;
    const perEpoch: number[] = [];
    for (const ev of run.rec.all) {
      if (ev.type === "status") {
        if (ev.kind === "connected") epoch = ev.epoch;
        if (ev.kind === "disconnected") {
          perEpoch.push(count);
          count = 0;
          epoch = -1;
        }
        continue;
      }
      expect(ev.epoch).toBe(epoch);
      count++;
    }
    expect(perEpoch.length).toBeGreaterThan(3);
    for (const n of perEpoch) expect(n).toBeGreaterThanOrEqual(50);
    for (const n of perEpoch) expect(n).toBeLessThan(55);
    expect(run.connector.health()).toMatchObject({ reconnects: perEpoch.length });
  });

  it("numbers events with a strictly increasing seq from 1 across reconnects", () => {
    const run = startManual({ rate: 200, disconnectEvery: 40 }, SUBS);
    run.advance(2_000);
    const seqs = run.rec.events.map((ev) => ev.seq);
    expect(seqs[0]).toBe(1);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
  });

  it("goes silent for stallMs after stallAfter events, then resumes", () => {
    const run = startManual({ rate: 100, stallAfter: 100, stallMs: 2_000 }, [
      { channel: "quote", symbol: "PTT" },
      { channel: "book", symbol: "PTT" },
    ]);
    run.advance(6_000);
    const times = run.rec.events.map((ev) => ev.recvMono);
    const gaps = times.slice(1).map((t, i) => ({ at: i + 1, gap: t - times[i]! }));
    const long = gaps.filter((g) => g.gap >= 1_000);
    expect(long).toHaveLength(1);
    expect(long[0]!.at).toBeGreaterThanOrEqual(100);
    expect(long[0]!.at).toBeLessThan(105);
    expect(long[0]!.gap).toBeGreaterThanOrEqual(2_000);
    expect(long[0]!.gap).toBeLessThan(2_100);
    expect(times.length).toBeGreaterThan(long[0]!.at + 100);
    expect(run.rec.statuses.map((s) => s.kind)).toEqual(["connecting", "connected"]);
  });

  it("reports malformedRate of the messages through decodeError and skips them", () => {
    const clean = startManual({ seed: 4, rate: 200 }, SUBS);
    const faulty = startManual({ seed: 4, rate: 200, malformedRate: 0.2 }, SUBS);
    clean.advance(3_000);
    faulty.advance(2_000);
    const errors = faulty.rec.decodeErrors;
    const total = errors.length + faulty.rec.events.length;
    expect(errors.length / total).toBeGreaterThan(0.1);
    expect(errors.length / total).toBeLessThan(0.3);
    expect(errors.every((e) => isDecodeError(e) && e.code === "injected")).toBe(true);
    expect(faulty.connector.health().decodeErrors).toBe(errors.length);
    const body = ({ seq: _seq, ...rest }: Record<string, unknown>) => JSON.stringify(rest);
    const cleanBodies = clean.rec.events.map((ev) => body(strip(ev)));
    let j = 0;
    for (const ev of faulty.rec.events) {
      const b = body(strip(ev));
      while (j < cleanBodies.length && cleanBodies[j] !== b) j++;
      expect(j).toBeLessThan(cleanBodies.length);
      j++;
    }
  });

  it("ends after limit events with disconnected and end", async () => {
    const rec = await runToEnd({ rate: "max", limit: 123 }, SUBS);
    expect(rec.events).toHaveLength(123);
    expect(rec.statuses.slice(-2).map((s) => s.kind)).toEqual(["disconnected", "end"]);
    expect(rec.all.at(-1)).toMatchObject({ type: "status", kind: "end" });
  });
});

/** One turn of the event loop: every timer of delay 0 queued before it has run. */
const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe("synthetic connector: pacing", () => {
  it("emits about rate events per second per symbol on the given clock", () => {
    const run = startManual({ rate: 50 }, [{ channel: "quote", symbol: "PTT" }, {
      channel: "book",
      symbol: "AOT",
    }]);
    run.advance(10_000);
    expect(run.rec.events.length).toBeGreaterThan(800);
    expect(run.rec.events.length).toBeLessThan(1_200);
  });

  it("waits for drain() at max when the sink reports a full queue", async () => {
    const events: MarketEvent[] = [];
    let release!: () => void;
    let drains = 0;
    const connector = createSyntheticConnector({ rate: "max" }, {
      sink: {
        event: (ev) => events.push(ev) < 100,
        status: () => {},
        decodeError: () => {},
        drain: () => {
          drains++;
          return new Promise<void>((resolve) => (release = resolve));
        },
      },
      logger: silentLogger,
      clock: systemClock,
    });
    await connector.subscribe({ channel: "quote", symbol: "PTT" });
    await connector.connect();
    for (let i = 0; i < 200 && drains === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const paused = events.length;
    // A pump that went on without waiting would have queued its next batch as a
    // macrotask before this one (timers of equal delay run in order): one turn shows it.
    await macrotask();
    expect(drains).toBe(1);
    expect(events.length).toBe(paused);
    release();
    for (let i = 0; i < 200 && drains < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(events.length).toBeGreaterThan(paused);
    await connector.disconnect();
    const final = events.length;
    release();
    // Released after the disconnect: the pump resumes from its drain() in a microtask and
    // must stop there; a pump that went on would step in that turn or queue a batch before this.
    await macrotask();
    expect(events.length).toBe(final);
  });
});

describe("synthetic connector: pacing", () => {
  /** Events of a run of 10 s at 100 a second whose timers fire `lateMs` after they are due. */
  function eventsIn10s(lateMs: number): number {
    const manual = new ManualClock();
    const clock: Clock = {
      now: () => manual.now(),
      mono: () => manual.mono(),
      setTimeout: (fn, ms) => manual.setTimeout(fn, ms + lateMs),
      clearTimeout: (h) => manual.clearTimeout(h),
    };
    const rec = createRecordingSink();
    const connector = createSyntheticConnector({ rate: 100 }, {
      sink: rec.sink,
      logger: silentLogger,
      clock,
    });
    void connector.subscribe({ channel: "quote", symbol: "PTT" });
    void connector.connect();
    for (let t = 0; t < 10_000; t += 5) manual.advance(5);
    return rec.events.length;
  }

  it("keeps its rate when its timers fire late (a busy machine)", () => {
    const punctual = eventsIn10s(0);
    expect(punctual).toBeGreaterThan(100);
    const late = eventsIn10s(15);
    expect(late).toBeGreaterThanOrEqual(punctual * 0.95);
    expect(late).toBeLessThanOrEqual(punctual * 1.05);
  });
});
