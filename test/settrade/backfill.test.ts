/**
 * Bar backfill against the Settrade emulator (real HTTP and MQTT over WebSocket
 * on 127.0.0.1), whose candlestick endpoint answers the very bars its stream
 * produced: a stream outage of several bar intervals, after which every bar
 * arrives exactly once and in order; bars at start-up with `backfill: N`; and a
 * failed backfill that is reported while live bars go on.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { BarEvent } from "../../src/events.ts";
import type { SettradeEmulator } from "../../connectors/settrade/emulator/mod.ts";
import type { SettradeOptionsInput } from "../../connectors/settrade/mod.ts";
import {
  disconnectAll,
  emulatorOptions,
  emulatorsForFile,
  harness,
  lifecycleProblems,
  pause,
  until,
} from "./_connector-harness.ts";

const MINUTE = 60_000;
/** A market fast enough for a one-minute bar to close about every second. */
const emulator = emulatorsForFile({ seed: 5, rate: 600, symbols: ["PTT"] });

function optionsOf(emu: SettradeEmulator, extra: Partial<SettradeOptionsInput> = {}) {
  return emulatorOptions(emu, { poll: false, ...extra });
}

afterEach(disconnectAll);

const bars = (events: readonly { type: string }[]): BarEvent[] =>
  events.filter((e): e is BarEvent => e.type === "bar");

const distinctOpens = (list: readonly BarEvent[]): number[] => [
  ...new Set(list.map((b) => b.openTs)),
];

/** The bars the emulator recorded (their latest versions), from a connector of its own. */
async function recorded(emu: SettradeEmulator): Promise<Map<number, BarEvent>> {
  const probe = harness(optionsOf(emu));
  const all = await probe.connector.fetchCandlesticks("PTT", "1m", 1_000);
  return new Map(all.map((b) => [b.openTs, b]));
}

function ohlcv(b: BarEvent | undefined): number[] | undefined {
  return b === undefined ? undefined : [b.open, b.high, b.low, b.close, b.volume];
}

describe("the Settrade connector's bar backfill", () => {
  it("delivers every bar exactly once and in order across an outage of several bar intervals", async () => {
    const emu = await emulator();
    const h = harness(optionsOf(emu, { backfillWindowMs: 30 * MINUTE }));
    await h.connector.subscribe({ channel: "bar", symbol: "PTT", interval: "1m" });
    await h.connector.connect();
    await until(() => distinctOpens(bars(h.rec.events)).length >= 2, "two live bars");
    const beforeDrop = distinctOpens(bars(h.rec.events));
    // The stream stays down until the market has moved on by four bar intervals.
    emu.outage(120_000);
    const probe = harness(optionsOf(emu));
    for (let i = 0;; i++) {
      const newest = (await probe.connector.fetchCandlesticks("PTT", "1m", 1)).at(-1)!.openTs;
      if (newest >= beforeDrop.at(-1)! + 4 * MINUTE) break;
      if (i >= 300) throw new Error("the market did not move on by four bars in 30 s");
      await pause(100);
    }
    // A slow chart service: live bars arrive while the backfill is on its way.
    emu.slowMarket(400);
    emu.outage(0);
    await until(() => h.connector.health().epoch >= 1, "the reconnect", 20_000);
    await until(
      () => bars(h.rec.events).some((b) => b.via === "backfill"),
      "backfilled bars",
      10_000,
    );
    const afterBackfill = bars(h.rec.events).length;
    await until(
      () => distinctOpens(bars(h.rec.events.slice(afterBackfill))).length >= 2,
      "live bars after the backfill",
      10_000,
    );
    const got = bars(h.rec.events);
    const truth = await recorded(emu);

    // In order: opening times never go back.
    for (let i = 1; i < got.length; i++) {
      expect(got[i]!.openTs).toBeGreaterThanOrEqual(got[i - 1]!.openTs);
    }
    const opens = distinctOpens(got);
    const closed = opens.slice(0, -1); // the newest bar is still open
    // Several bar intervals were missed, and every bar of the span arrived.
    const missed = closed.filter((t) => !beforeDrop.includes(t));
    expect(missed.length).toBeGreaterThanOrEqual(3);
    const span = [...truth.keys()].filter((t) => t >= opens[0]! && t <= closed.at(-1)!);
    expect(closed).toEqual(span);
    // Each bar's last version is the exchange's final one.
    for (const t of closed) {
      const last = got.filter((b) => b.openTs === t).at(-1);
      expect(ohlcv(last)).toEqual(ohlcv(truth.get(t)));
    }
    // Backfilled once each, and never a bar already delivered in its final form.
    const backfilled = got.filter((b) => b.via === "backfill");
    expect(distinctOpens(backfilled)).toHaveLength(backfilled.length);
    for (const t of missed.slice(1)) {
      expect(got.filter((b) => b.openTs === t && b.epoch === 0)).toEqual([]);
    }
    // Backfilled bars come before the live ones of the new connection.
    const firstLive = got.findIndex((b) => b.epoch >= 1 && b.via === undefined);
    const lastFill = got.findLastIndex((b) => b.via === "backfill");
    expect(lastFill).toBeLessThan(firstLive);
    const events = h.rec.events;
    for (let i = 1; i < events.length; i++) expect(events[i]!.seq).toBe(events[i - 1]!.seq + 1);
    expect(lifecycleProblems(h.rec.all)).toEqual([]);
  });

  it("delivers the last N bars first at start-up with backfill: N", async () => {
    const emu = await emulator();
    // Let the market run with the interval known, so the history is the stream's own.
    const warm = harness(optionsOf(emu));
    await warm.connector.subscribe({ channel: "bar", symbol: "PTT", interval: "1m" });
    await warm.connector.connect();
    await until(() => distinctOpens(bars(warm.rec.events)).length >= 6, "six bars");
    await warm.connector.disconnect();

    const h = harness(optionsOf(emu, { backfill: 5 }));
    await h.connector.subscribe({ channel: "bar", symbol: "PTT", interval: "1m" });
    await h.connector.connect();
    await until(() => bars(h.rec.events).filter((b) => b.via === undefined).length >= 3, "live");
    const got = bars(h.rec.events);
    const filled = got.filter((b) => b.via === "backfill");
    expect(filled).toHaveLength(5);
    expect(got.slice(0, 5)).toEqual(filled);
    expect(distinctOpens(filled)).toHaveLength(5);
    for (let i = 1; i < got.length; i++) {
      expect(got[i]!.openTs).toBeGreaterThanOrEqual(got[i - 1]!.openTs);
    }
  });

  it("reports a failed backfill and goes on with the live bars", async () => {
    const emu = await emulator();
    emu.refuse("candlesticks", true, { status: 503, message: "chart service down" });
    const h = harness(optionsOf(emu, { backfill: 3 }));
    await h.connector.subscribe({ channel: "bar", symbol: "PTT", interval: "1m" });
    await h.connector.connect();
    await until(() => bars(h.rec.events).length >= 3, "live bars");
    const err = h.rec.statuses.find((s) => s.kind === "error");
    expect(err).toMatchObject({ code: "backfill" });
    expect(err!.reason).toMatch(/PTT 1m.*503/);
    expect(bars(h.rec.events).some((b) => b.via === "backfill")).toBe(false);
    expect(h.connector.isConnected()).toBe(true);
  });
});
