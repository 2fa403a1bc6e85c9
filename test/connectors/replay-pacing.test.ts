/**
 * Pacing: the replay reproduces the recorded `recvMono` gaps divided by `speed`,
 * on the context's clock. A ManualClock checks the schedule exactly; one short
 * run on the real clock checks it within a tolerance suited to timers.
 */
import { describe, expect, it } from "vitest";
import { type Clock, ManualClock, systemClock } from "../../src/clock.ts";
import { RawEncoder } from "../../connectors/replay/capture/raw-encoder.ts";
import type { MarketEvent } from "../../src/events.ts";
import { silentLogger } from "../../src/log.ts";
import { createReplayConnector } from "../../connectors/replay/mod.ts";
import { createRecordingSink } from "../conformance/mod.ts";
import { quote } from "./capture/_helpers.ts";
import { bytesStream, until } from "./_replay-helpers.ts";

/** A capture of quotes received at the given monotonic times. */
function capture(monos: readonly number[]): Uint8Array {
  const enc = new RawEncoder();
  enc.begin({ source: "synthetic", created: 0, part: 0, meta: {} });
  monos.forEach((m, i) =>
    enc.event({ ...quote(i + 1), recvMono: m, recvTs: 1_767_582_000_000 + m } as MarketEvent)
  );
  return enc.take();
}

const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

async function start(monos: readonly number[], speed: number | "max", clock: Clock) {
  const rec = createRecordingSink();
  const at: number[] = [];
  const sink = {
    ...rec.sink,
    event: (ev: MarketEvent) => (at.push(clock.mono()), rec.sink.event(ev)),
  };
  const connector = createReplayConnector({ stream: bytesStream(capture(monos), 64), speed }, {
    sink,
    logger: silentLogger,
    clock,
  });
  await connector.connect();
  return { connector, rec, at };
}

const RECORDED = [1000, 1100, 1250, 1260, 2000, 2000, 2600];

describe("replay pacing", () => {
  it("reproduces the recorded gaps at speed 1 on the given clock", async () => {
    const clock = new ManualClock(1_700_000_000_000, 50);
    const { connector, rec, at } = await start(RECORDED, 1, clock);
    await turns();
    expect(rec.events).toHaveLength(1);
    clock.advance(99);
    await turns();
    expect(rec.events).toHaveLength(1);
    clock.advance(1);
    await turns();
    expect(rec.events).toHaveLength(2);
    for (let t = 0; t < 1600 && rec.events.length < RECORDED.length; t += 10) {
      clock.advance(10);
      await turns(2);
    }
    await until(() => rec.statuses.some((s) => s.kind === "end"), "the end");
    expect(at.map((t) => t - at[0]!)).toEqual(RECORDED.map((m) => m - RECORDED[0]!));
    expect(rec.events.map((e) => e.recvMono - rec.events[0]!.recvMono)).toEqual(
      RECORDED.map((m) => m - RECORDED[0]!),
    );
    await connector.disconnect();
  });

  it("plays ten times faster at speed 10, keeping the recorded receive times", async () => {
    const clock = new ManualClock(1_700_000_000_000, 0);
    const { connector, rec, at } = await start(RECORDED, 10, clock);
    for (let t = 0; t < 200 && rec.events.length < RECORDED.length; t += 1) {
      clock.advance(1);
      await turns(2);
    }
    await until(() => rec.statuses.some((s) => s.kind === "end"), "the end");
    expect(at.map((t) => t - at[0]!)).toEqual(RECORDED.map((m) => (m - RECORDED[0]!) / 10));
    expect(rec.events.map((e) => e.recvTs)).toEqual(RECORDED.map((m) => 1_767_582_000_000 + m));
    expect(rec.events.map((e) => e.recvMono - rec.events[0]!.recvMono)).toEqual(
      RECORDED.map((m) => m - RECORDED[0]!),
    );
    await connector.disconnect();
  });

  it("waits for no timer at max", async () => {
    const clock = new ManualClock();
    const { connector, rec } = await start([0, 60_000, 3_600_000], "max", clock);
    await until(() => rec.statuses.some((s) => s.kind === "end"), "the end");
    expect(rec.events).toHaveLength(3);
    expect(clock.pending).toBe(0);
    await connector.disconnect();
  });

  it("stops waiting at once on disconnect", async () => {
    const clock = new ManualClock();
    const { connector, rec } = await start([0, 3_600_000], 1, clock);
    await turns();
    expect(clock.pending).toBe(1);
    await connector.disconnect("stop");
    await turns();
    expect(clock.pending).toBe(0);
    expect(rec.events).toHaveLength(1);
    expect(rec.statuses.map((s) => s.kind)).toEqual([
      "connecting",
      "connected",
      "disconnected",
      "end",
    ]);
  });

  it("keeps the recorded gaps on the real clock within timer tolerance, at speed 1 and 10", async () => {
    for (const [speed, gap] of [[1, 40], [10, 300]] as const) {
      const monos = Array.from({ length: 6 }, (_, i) => 10_000 + i * gap);
      const { connector, rec, at } = await start(monos, speed, systemClock);
      await until(() => rec.statuses.some((s) => s.kind === "end"), "the end", 5_000);
      await connector.disconnect();
      const expected = monos.map((m) => (m - monos[0]!) / speed);
      const actual = at.map((t) => t - at[0]!);
      for (const [i, want] of expected.entries()) {
        expect(actual[i]!).toBeGreaterThanOrEqual(want - 2);
        expect(actual[i]!).toBeLessThanOrEqual(want + 250);
      }
    }
  });
});
