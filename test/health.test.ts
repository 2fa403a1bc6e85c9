import { describe, expect, it } from "vitest";
import { clockQuote } from "./_helpers/clock-quote.ts";
import { healthRig, startConnected } from "./_helpers/health-rig.ts";
import type { StaleStatus } from "../src/events.ts";
import { validateEvent } from "../src/schemas.ts";
import { HealthMonitor, type HealthOptions } from "../src/health.ts";
import type { SessionQuiet, SessionSource } from "../src/session.ts";

const quote = clockQuote;

const setup = (options: HealthOptions = {}) => healthRig({ checkIntervalMs: 100, ...options });

describe("health monitor", () => {
  it("emits stale once per symbol and recovered once on the next event", () => {
    const { clock, statuses, monitor } = setup({ staleAfterMs: 1_000, feedStaleAfterMs: 60_000 });
    startConnected(monitor, "PTT", "AOT");
    let seq = 0;
    for (let i = 0; i < 30; i++) {
      clock.advance(100);
      monitor.onEvent(quote("AOT", clock, ++seq));
    }
    const stale = statuses.filter((s) => s.kind === "stale");
    expect(stale.map((s) => s.symbols)).toEqual([["PTT"]]);
    expect(stale[0]).toMatchObject({ scope: "symbols" });
    expect(stale[0]!.ageMs).toBeGreaterThan(1_000);
    expect(monitor.staleSymbols()).toEqual(["PTT"]);
    monitor.onEvent(quote("PTT", clock, ++seq));
    monitor.onEvent(quote("PTT", clock, ++seq));
    expect(statuses.flatMap((s) => s.kind === "recovered" ? [s.symbol] : [])).toEqual(["PTT"]);
    expect(monitor.staleSymbols()).toEqual([]);
    monitor.stop();
  });

  it("honours per-symbol overrides of the gap", () => {
    const { clock, statuses, monitor } = setup({
      staleAfterMs: 10_000,
      symbolStaleAfterMs: { ptt: 500 },
      feedStaleAfterMs: 60_000,
    });
    startConnected(monitor, "PTT", "AOT");
    clock.advance(1_000);
    expect(statuses).toMatchObject([{ kind: "stale", scope: "symbols", symbols: ["PTT"] }]);
    expect(monitor.snapshot().symbols.find((s) => s.symbol === "PTT")?.staleAfterMs).toBe(500);
    monitor.stop();
  });

  it("reports the whole feed stale when no symbol has events, and recovers", () => {
    const { clock, statuses, monitor } = setup({ staleAfterMs: 60_000, feedStaleAfterMs: 2_000 });
    monitor.setConnected(true, 3);
    monitor.start();
    clock.advance(2_500);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({
      kind: "stale",
      epoch: 3,
      source: "test",
      scope: "feed",
      symbols: [],
    });
    expect(monitor.snapshot().feedStale).toBe(true);
    monitor.onEvent(quote("PTT", clock, 1));
    expect(statuses[1]).toMatchObject({ kind: "recovered" });
    expect(monitor.snapshot().feedStale).toBe(false);
    monitor.stop();
  });

  it("pauses checks while disconnected and restarts ages on reconnect", () => {
    const { clock, statuses, monitor } = setup({ staleAfterMs: 1_000, feedStaleAfterMs: 1_000 });
    monitor.track("PTT");
    monitor.setConnected(false, 0);
    monitor.start();
    clock.advance(5_000);
    expect(statuses).toEqual([]);
    monitor.setConnected(true, 1);
    clock.advance(900);
    expect(statuses).toEqual([]);
    clock.advance(300);
    expect(statuses.map((s) => s.kind)).toEqual(["stale", "stale"]);
    monitor.stop();
  });

  it("measures event rates per symbol and overall", () => {
    const { clock, monitor } = setup({ rateAlpha: 1, feedStaleAfterMs: 60_000 });
    startConnected(monitor, "PTT");
    let seq = 0;
    for (let i = 0; i < 10; i++) {
      monitor.onEvent(quote("PTT", clock, ++seq));
      clock.advance(10);
    }
    expect(monitor.snapshot().eventsPerSec).toBeCloseTo(100, 5);
    expect(monitor.snapshot().symbols[0]).toMatchObject({ symbol: "PTT", events: 10 });
    expect(monitor.snapshot().symbols[0]!.eventsPerSec).toBeCloseTo(100, 5);
    monitor.stop();
  });

  it("stops its timer on stop", () => {
    const { clock, monitor } = setup();
    monitor.start();
    monitor.start();
    expect(clock.pending).toBe(1);
    monitor.stop();
    expect(clock.pending).toBe(0);
  });

  it("rejects a non-positive gap with a RangeError naming it", () => {
    expect(() => new HealthMonitor("t", { staleAfterMs: 0 }, () => {})).toThrow(/staleAfterMs/);
    expect(() => new HealthMonitor("t", { symbolStaleAfterMs: { PTT: -1 } }, () => {})).toThrow(
      /symbolStaleAfterMs\.PTT/,
    );
  });

  it("reports silence while the market is shut with its reason, not as stale, and counts from the opening", () => {
    let shut: SessionQuiet | undefined = undefined;
    const session: SessionSource = { quietReason: () => shut };
    const { clock, statuses, monitor } = setup({
      staleAfterMs: 1_000,
      feedStaleAfterMs: 1_500,
      session,
    });
    startConnected(monitor, "PTT");
    shut = "intermission";
    clock.advance(5_000);
    expect(statuses).toMatchObject([{
      kind: "stale",
      scope: "symbols",
      symbols: ["PTT"],
      quiet: "intermission",
    }]);
    expect(monitor.staleSymbols()).toEqual([]);
    expect(monitor.snapshot().symbols[0]).toMatchObject({ stale: false, quiet: "intermission" });
    expect(monitor.snapshot().feedStale).toBe(false);
    shut = undefined;
    clock.advance(900);
    expect(statuses).toHaveLength(1);
    expect(monitor.snapshot().symbols[0]!.quiet).toBeUndefined();
    clock.advance(300);
    expect(statuses.slice(1)).toMatchObject([{ kind: "stale", symbols: ["PTT"], quiet: "stale" }]);
    expect(monitor.staleSymbols()).toEqual(["PTT"]);
    clock.advance(500);
    expect(statuses.slice(2)).toMatchObject([{ kind: "stale", scope: "feed", quiet: "stale" }]);
    monitor.onEvent(quote("PTT", clock, 1));
    expect(statuses.slice(3).map((s) => s.kind)).toEqual(["recovered", "recovered"]);
    for (const s of statuses) expect(validateEvent(s)).toEqual([]);
    // A stale status of a capture written before sessions (no `quiet`) still reads.
    const { quiet: _, ...older } = statuses[1] as StaleStatus;
    expect(validateEvent(older)).toEqual([]);
    expect(validateEvent({ ...older, quiet: "asleep" })).not.toEqual([]);
    monitor.stop();
  });

  it("lets the user's session (or none) win over the connector's", () => {
    const connectorSession: SessionSource = { quietReason: () => "closed" };
    const { clock, statuses, monitor } = setup({
      staleAfterMs: 1_000,
      feedStaleAfterMs: 60_000,
      session: false,
    });
    monitor.useSession(connectorSession);
    startConnected(monitor, "PTT");
    clock.advance(1_200);
    expect(statuses).toMatchObject([{ kind: "stale", quiet: "stale" }]);
    monitor.stop();
  });
});
