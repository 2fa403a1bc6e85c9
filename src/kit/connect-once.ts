/**
 * The start and stop of a connector's run: `connect()` starts one run, and
 * later calls get the same promise; the run sees one signal that aborts when
 * the caller's signal does or when the connector stops; a run that fails, the
 * first or one started after a drop, ends the connector through one callback.
 *
 * @module
 */

/**
 * Starts a connector's run once and stops it once.
 *
 * @example A connector's connect, reconnect and disconnect
 * ```ts
 * import { ConnectOnce } from "@tickwire/tickwire";
 *
 * const ended: unknown[] = [];
 * const runs = new ConnectOnce((e) => ended.push(e));
 * const run = (signal: AbortSignal) => Promise.resolve(void signal);
 * await runs.connect(undefined, run);
 * await runs.connect(undefined, run); // the same run: started once
 * runs.again(() => Promise.reject(new Error("refused"))); // a reconnect that fails
 * await Promise.resolve();
 * runs.stop(); // disconnect: the run's signal aborts
 * console.log(ended.length, runs.signal.aborted); // 1 true
 * ```
 */
export class ConnectOnce {
  readonly #stop = new AbortController();
  readonly #end: (e: unknown) => void;
  #running: Promise<void> | undefined;

  /**
   * Creates the gate of one connector.
   * @param end Called with the error of a run that failed (report it, then
   *   disconnect); not called for a run that fails after {@link stop}.
   */
  constructor(end: (e: unknown) => void) {
    this.#end = end;
  }

  /** Aborts when {@link stop} is called: the connector is closing. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /**
   * Starts the run, once: later calls return the first call's promise.
   * @param signal The caller's signal, combined with {@link signal}.
   * @param run The run (connect with retries, subscribe, ...).
   * @returns The run's promise; a failure reaches `end` and is also thrown.
   */
  connect(
    signal: AbortSignal | undefined,
    run: (signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    if (this.#running !== undefined) return this.#running;
    const both = signal === undefined
      ? this.#stop.signal
      : AbortSignal.any([signal, this.#stop.signal]);
    return (this.#running = run(both).catch((e) => {
      this.#fail(e);
      throw e;
    }));
  }

  /**
   * Runs a later attempt in the background (a reconnect after a drop); its
   * failure reaches `end`.
   * @param run The attempt.
   */
  again(run: () => Promise<void>): void {
    run().catch((e) => this.#fail(e));
  }

  /** Aborts {@link signal}; idempotent. */
  stop(): void {
    this.#stop.abort();
  }

  #fail(e: unknown): void {
    if (!this.#stop.signal.aborted) this.#end(e);
  }
}
