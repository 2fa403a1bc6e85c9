/**
 * The clock the conformance suite hands a connector: the system clock, which
 * also knows which of the timers set through it are still pending. After
 * `disconnect()` resolves a connector must hold none: a timer left behind is
 * how a connector emits after its end, and a pending count of zero says so at
 * once, where watching for stray events would have to wait an arbitrary time.
 *
 * @module
 */

import { type Clock, systemClock, type TimerHandle, type TimerOptions } from "../../src/clock.ts";

/** A {@link Clock} that counts the timers set through it and neither fired nor cleared. */
export class TimerClock implements Clock {
  readonly #live = new Set<TimerHandle>();

  /** Timers set through this clock that have neither fired nor been cleared. */
  get pending(): number {
    return this.#live.size;
  }

  /** @returns Wall-clock milliseconds. */
  now(): number {
    return systemClock.now();
  }

  /** @returns Monotonic milliseconds. */
  mono(): number {
    return systemClock.mono();
  }

  /**
   * @param fn Callback. @param ms Delay. @param options `unref`.
   * @returns The handle, for {@link TimerClock.clearTimeout}.
   */
  setTimeout(fn: () => void, ms: number, options?: TimerOptions): TimerHandle {
    const handle: TimerHandle = systemClock.setTimeout(
      () => {
        this.#live.delete(handle);
        fn();
      },
      ms,
      options,
    );
    this.#live.add(handle);
    return handle;
  }

  /** @param handle A handle from {@link TimerClock.setTimeout}. */
  clearTimeout(handle: TimerHandle): void {
    this.#live.delete(handle);
    systemClock.clearTimeout(handle);
  }
}
