import { ManualClock } from "../../src/clock.ts";
import type { StatusEvent } from "../../src/events.ts";
import { HealthMonitor, type HealthOptions } from "../../src/health.ts";

/** A health monitor on a manual clock, with every status it emitted. */
export interface HealthRig<C extends ManualClock> {
  readonly clock: C;
  readonly statuses: StatusEvent[];
  readonly monitor: HealthMonitor;
}

/**
 * A monitor of source `"test"` whose statuses the test reads back.
 * @param options The monitor's options. @param clock The test's clock (a new one by default).
 * @returns The clock, the statuses so far and the monitor.
 */
export function healthRig<C extends ManualClock = ManualClock>(
  options: HealthOptions,
  clock: C = new ManualClock() as C,
): HealthRig<C> {
  const statuses: StatusEvent[] = [];
  const monitor = new HealthMonitor("test", options, (s) => statuses.push(s), clock);
  return { clock, statuses, monitor };
}

/**
 * Tracks `symbols`, marks the monitor connected at epoch 0 and starts its checks.
 * @param monitor The monitor. @param symbols Symbols to track first.
 */
export function startConnected(monitor: HealthMonitor, ...symbols: string[]): void {
  for (const symbol of symbols) monitor.track(symbol);
  monitor.setConnected(true, 0);
  monitor.start();
}
