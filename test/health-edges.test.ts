import { describe, expect, it } from "vitest";
import { clockQuote } from "./_helpers/clock-quote.ts";
import { healthRig, startConnected } from "./_helpers/health-rig.ts";
import { RecordingClock } from "./_helpers/recording-clock.ts";
import { HealthMonitor, type HealthOptions } from "../src/health.ts";
import type { SessionSource } from "../src/session.ts";

/** The health monitor's boundaries, reasons, sessions without symbols and its timer. */

const quote = clockQuote;

const setup = (options: HealthOptions = {}) =>
  healthRig(
    { staleAfterMs: 600_000, feedStaleAfterMs: 1_000, checkIntervalMs: 100, ...options },
    new RecordingClock(),
  );

describe("health edges", () => {
  it("reports the feed stale only past its gap, with the age in the reason, and says why it recovered", () => {
    const { clock, statuses, monitor } = setup();
    startConnected(monitor);
    clock.advance(1_000); // exactly the gap: not yet
    expect(statuses).toEqual([]);
    clock.advance(100);
    expect(statuses).toMatchObject([
      { kind: "stale", scope: "feed", ageMs: 1_100, reason: "no event for 1100 ms" },
    ]);
    monitor.onEvent(quote("PTT", clock));
    expect(statuses[1]).toMatchObject({ kind: "recovered", reason: "events flowing again" });
    monitor.stop();
  });

  it("says why a symbol recovered", () => {
    const { clock, statuses, monitor } = setup({ staleAfterMs: 500, feedStaleAfterMs: 60_000 });
    startConnected(monitor, "PTT");
    clock.advance(600);
    monitor.onEvent(quote("PTT", clock));
    expect(statuses.at(-1)).toMatchObject({
      kind: "recovered",
      symbol: "PTT",
      reason: "events flowing again",
    });
    monitor.stop();
  });

  it("with a session but no symbol tracked, the feed still goes stale", () => {
    const closed: SessionSource = { quietReason: () => "closed" };
    const { clock, statuses, monitor } = setup({ session: closed });
    startConnected(monitor);
    clock.advance(1_200);
    expect(statuses).toMatchObject([{ kind: "stale", scope: "feed" }]);
    monitor.stop();
  });

  it("keeps what it knows of a symbol seen in events when it is then tracked", () => {
    const { clock, monitor } = setup();
    monitor.onEvent(quote("PTT", clock));
    monitor.onEvent(quote("PTT", clock));
    clock.advance(300);
    monitor.track("PTT");
    expect(monitor.snapshot().symbols).toMatchObject([
      { symbol: "PTT", events: 2, lastEventAgeMs: 300 },
    ]);
  });

  it("checks on an unref'd timer, and a stop from inside a check ends the checks", () => {
    const { clock, statuses, monitor } = setup();
    startConnected(monitor);
    expect(clock.options).toEqual([{ unref: true }]);
    // The consumer stops the monitor when it hears of the stale feed.
    const stopOnStale = new HealthMonitor(
      "test",
      { feedStaleAfterMs: 1_000, checkIntervalMs: 100 },
      (s) => {
        statuses.push(s);
        stopOnStale.stop();
      },
      clock,
    );
    monitor.stop();
    stopOnStale.setConnected(true, 0);
    stopOnStale.start();
    clock.advance(1_100);
    expect(statuses).toMatchObject([{ kind: "stale", scope: "feed" }]);
    clock.advance(10_000);
    expect(clock.pending).toBe(0);
    expect(statuses).toHaveLength(1);
  });
});
