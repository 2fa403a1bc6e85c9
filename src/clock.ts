/**
 * Clocks and timers, injectable so that tests control time without faking globals
 * (Bun's own test runner has no `vi.setSystemTime`).
 *
 * @module
 */

/** Opaque timer handle. */
export type TimerHandle = unknown;

/** Options of {@link Clock.setTimeout}. */
export interface TimerOptions {
  /** Do not keep the process alive for this timer. @default false */
  readonly unref?: boolean;
}

/** Wall and monotonic time plus timers. Every time-dependent part takes one. */
export interface Clock {
  /** Wall time, epoch milliseconds (may carry a fraction). */
  now(): number;
  /** Monotonic time, milliseconds (`performance.now()`). */
  mono(): number;
  /**
   * Schedules `fn` after `ms`. A timer keeps the process alive (like an open
   * socket) unless `unref` is set: housekeeping timers (health checks) set it.
   */
  setTimeout(fn: () => void, ms: number, options?: TimerOptions): TimerHandle;
  /** Cancels a timer from {@link Clock.setTimeout}. */
  clearTimeout(handle: TimerHandle): void;
}

function unref(handle: unknown): unknown {
  const h = handle as { unref?: () => void } | number;
  if (typeof h === "object" && h !== null && typeof h.unref === "function") h.unref();
  return handle;
}

/**
 * The real clock: `performance.timeOrigin + performance.now()` for wall time (so
 * wall and monotonic readings agree to the sub-millisecond), `performance.now()`
 * for monotonic time, and the host's timers (unref'd on request).
 *
 * @example
 * ```ts
 * import { systemClock } from "@tickwire/tickwire";
 * const t = systemClock.mono();
 * console.log(systemClock.mono() >= t); // true
 * ```
 */
export const systemClock: Clock = {
  now: (): number => performance.timeOrigin + performance.now(),
  mono: (): number => performance.now(),
  setTimeout: (fn: () => void, ms: number, options?: TimerOptions): TimerHandle =>
    options?.unref === true ? unref(setTimeout(fn, ms)) : setTimeout(fn, ms),
  clearTimeout: (handle: TimerHandle): void =>
    clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A clock that only moves when told to: for tests of staleness, backoff and pacing.
 *
 * @example Advancing time by hand
 * ```ts
 * import { ManualClock } from "@tickwire/tickwire";
 * const clock = new ManualClock();
 * let fired = false;
 * clock.setTimeout(() => { fired = true; }, 100);
 * clock.advance(100);
 * console.log(fired); // true
 * ```
 */
export class ManualClock implements Clock {
  #mono: number;
  #wallOffset: number;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  /**
   * Creates a clock stopped at the given times; wall and monotonic time then move together.
   * @param startWall Initial wall time, epoch ms. @default 1_700_000_000_000
   * @param startMono Initial monotonic time, ms. @default 0
   */
  constructor(startWall = 1_700_000_000_000, startMono = 0) {
    this.#mono = startMono;
    this.#wallOffset = startWall - startMono;
  }

  /**
   * Reads the wall time: the start wall time plus the time advanced since.
   * @returns Wall time, epoch ms.
   */
  now(): number {
    return this.#wallOffset + this.#mono;
  }

  /**
   * Reads the monotonic time: the start monotonic time plus the time advanced since.
   * @returns Monotonic time, ms.
   */
  mono(): number {
    return this.#mono;
  }

  /**
   * Schedules `fn` to run when {@link ManualClock.advance} reaches `ms` from now.
   * @param fn Callback.
   * @param ms Delay, milliseconds; negative counts as 0.
   * @returns Handle for {@link ManualClock.clearTimeout}.
   */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#mono + Math.max(0, ms), fn });
    return id;
  }

  /**
   * Cancels a pending timer; a handle that already fired or was cancelled is ignored.
   * @param handle From {@link ManualClock.setTimeout}.
   */
  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.#timers.size;
  }

  /**
   * Moves time forward, firing due timers in order (including ones they schedule).
   * @param ms Milliseconds to advance.
   */
  advance(ms: number): void {
    const target = this.#mono + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.#timers) {
        if (t.at <= target && t.at < nextAt) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId < 0) break;
      const t = this.#timers.get(nextId)!;
      this.#timers.delete(nextId);
      this.#mono = Math.max(this.#mono, t.at);
      t.fn();
    }
    this.#mono = target;
  }
}
