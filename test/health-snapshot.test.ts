import { describe, expect, it } from "vitest";
import { clockQuote } from "./_helpers/clock-quote.ts";
import { healthRig, startConnected } from "./_helpers/health-rig.ts";
import type { ManualClock } from "../src/clock.ts";
import type { HealthMonitor, HealthOptions } from "../src/health.ts";

/** The numbers of a health snapshot (rates, ages, order) and the monitor's timer. */

const quote = clockQuote;

const setup = (options: HealthOptions = {}) =>
  healthRig({ feedStaleAfterMs: 600_000, staleAfterMs: 600_000, ...options });

/** Sends `n` quotes for `symbol`, then lets one second pass and checks. */
function second(monitor: HealthMonitor, clock: ManualClock, symbol: string, n: number): void {
  for (let i = 0; i < n; i++) monitor.onEvent(quote(symbol, clock));
  clock.advance(1_000);
  monitor.check();
}

describe("health snapshot", () => {
  it("smooths the event rate with rateAlpha: the first sample as is, then an EMA", () => {
    const { clock, monitor } = setup({ rateAlpha: 0.5 });
    monitor.track("PTT");
    second(monitor, clock, "PTT", 10);
    expect(monitor.snapshot().eventsPerSec).toBe(10);
    second(monitor, clock, "PTT", 30);
    expect(monitor.snapshot().eventsPerSec).toBe(20); // 0.5 × 30 + 0.5 × 10
    second(monitor, clock, "PTT", 0);
    expect(monitor.snapshot().eventsPerSec).toBe(10); // 0.5 × 0 + 0.5 × 20
    expect(monitor.snapshot().symbols[0]!.eventsPerSec).toBe(10);
    // A check with no time since the last one changes nothing (no division by zero).
    monitor.check();
    expect(monitor.snapshot().eventsPerSec).toBe(10);
    expect(monitor.snapshot().symbols[0]!.eventsPerSec).toBe(10);
  });

  it("smooths with 0.3 by default", () => {
    const { clock, monitor } = setup();
    second(monitor, clock, "PTT", 10);
    second(monitor, clock, "PTT", 30);
    expect(monitor.snapshot().eventsPerSec).toBeCloseTo(16, 10); // 0.3 × 30 + 0.7 × 10
    expect(monitor.snapshot().symbols[0]!.eventsPerSec).toBeCloseTo(16, 10);
  });

  it("reports the age of the last event, overall and per symbol", () => {
    const { clock, monitor } = setup();
    clock.advance(100);
    monitor.track("AOT");
    clock.advance(400);
    monitor.onEvent(quote("PTT", clock));
    clock.advance(250);
    const snap = monitor.snapshot();
    expect(snap.lastEventAgeMs).toBe(250);
    expect(snap.symbols.map((s) => [s.symbol, s.lastEventAgeMs, s.events])).toEqual([
      ["AOT", 650, 0], // tracked with no event yet: its age counts from tracking
      ["PTT", 250, 1],
    ]);
  });

  it("lists symbols in symbol order, whatever the order they came in", () => {
    const { clock, monitor } = setup({ staleAfterMs: 100, checkIntervalMs: 50 });
    for (const s of ["PTT", "AOT", "SCB", "BBL"]) monitor.track(s);
    monitor.onEvent(quote("CPALL", clock));
    monitor.onEvent(quote("AAV", clock));
    expect(monitor.snapshot().symbols.map((s) => s.symbol)).toEqual([
      "AAV",
      "AOT",
      "BBL",
      "CPALL",
      "PTT",
      "SCB",
    ]);
    startConnected(monitor);
    clock.advance(200);
    expect(monitor.staleSymbols()).toEqual(["AOT", "BBL", "PTT", "SCB"]);
    monitor.stop();
  });

  it("checks again when started after a stop", () => {
    const { clock, statuses, monitor } = setup({ staleAfterMs: 1_000, checkIntervalMs: 100 });
    startConnected(monitor, "PTT");
    monitor.stop();
    clock.advance(2_000);
    expect(statuses).toEqual([]);
    monitor.start();
    expect(clock.pending).toBe(1);
    clock.advance(100);
    expect(statuses).toMatchObject([{ kind: "stale", symbols: ["PTT"] }]);
    monitor.stop();
    expect(clock.pending).toBe(0);
  });

  it("never reports a symbol stale that was only seen in events, never subscribed", () => {
    const { clock, statuses, monitor } = setup({ staleAfterMs: 1_000, checkIntervalMs: 100 });
    startConnected(monitor, "PTT");
    monitor.onEvent(quote("XYZ", clock));
    clock.advance(5_000);
    expect(statuses.map((s) => s.kind === "stale" ? s.symbols : [])).toEqual([["PTT"]]);
    expect(monitor.staleSymbols()).toEqual(["PTT"]);
    const xyz = monitor.snapshot().symbols.find((s) => s.symbol === "XYZ");
    expect(xyz).toMatchObject({ stale: false, events: 1, lastEventAgeMs: 5_000 });
    expect(xyz).not.toHaveProperty("quiet");
    monitor.stop();
  });
});
