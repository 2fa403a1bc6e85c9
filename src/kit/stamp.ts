/**
 * Stamping market events: the five receive-side fields every event carries
 * (`source`, `seq`, `recvTs`, `recvMono`, `epoch`), kept in one mutable
 * {@link Stamp} per connector.
 *
 * A hot-path decoder reads the stamp's fields straight into the one event
 * literal it builds; a simpler connector hands a body to
 * {@link Stamper.event} and gets the complete event back.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { MarketEvent, MarketEventBase } from "../events.ts";

/**
 * Receive-side fields stamped on every event of one connector. Decoders read it
 * and never keep it, so a connector holds one object and updates its fields for
 * each message instead of allocating a new one.
 */
export interface Stamp {
  /** Connector name stamped as `source`. */
  source: string;
  /** Sequence number of the next event. */
  seq: number;
  /** Receive time, epoch milliseconds. */
  recvTs: number;
  /** Receive time, monotonic milliseconds. */
  recvMono: number;
  /** Epoch of the current connection. */
  epoch: number;
  /**
   * The source a replayed payload was recorded from, stamped as `origin`;
   * absent live. Set here rather than added to each event afterwards, so that
   * a replayed event has the same shape as a live one.
   */
  origin?: string;
}

/** The fields a {@link Stamper} sets. */
export type StampedField = "source" | "seq" | "recvTs" | "recvMono" | "epoch";

/** A market event without the fields a {@link Stamper} sets: what a connector builds. */
export type EventBody<E extends MarketEvent = MarketEvent> = E extends MarketEvent
  ? Omit<E, StampedField>
  : never;

/** A body with its stamps: the market event it becomes. */
export type Stamped<B> = B & Pick<MarketEventBase, StampedField>;

/**
 * Owns a connector's {@link Stamp}: the sequence (strictly increasing across
 * reconnects), the epoch (set by the connector's `Lifecycle` on each
 * `connected`) and the receive times.
 *
 * @example Stamping a quote body
 * ```ts
 * import { ManualClock, Stamper } from "@tickwire/tickwire";
 * const stamper = new Stamper("my-venue", new ManualClock(1_000));
 * const q = stamper.event({
 *   type: "quote", symbol: "PTT", bid: 33, ask: 33.25, bidSize: 100, askSize: 200,
 *   bidFlag: "normal", askFlag: "normal",
 * });
 * console.log(q.source, q.seq, q.epoch); // my-venue 1 0
 * ```
 */
export class Stamper {
  /** The stamp itself, for decoders that read its fields directly. */
  readonly stamp: Stamp;
  readonly #clock: Clock;

  /**
   * Creates the stamper of one connector.
   * @param source Connector name stamped as `source`.
   * @param clock Time source for the receive times.
   * @param stamp A stamp object to adopt (a connector that keeps more fields
   *   beside it); its `source` is set. @default a new stamp whose first `seq` is 1
   */
  constructor(source: string, clock: Clock, stamp?: Stamp) {
    if (stamp === undefined) {
      this.stamp = { source, seq: 1, recvTs: 0, recvMono: 0, epoch: 0 };
    } else {
      stamp.source = source;
      this.stamp = stamp;
    }
    this.#clock = clock;
  }

  /**
   * Reads the clock into the stamp's receive times (once per received message).
   * @returns The stamp.
   */
  now(): Stamp {
    const s = this.stamp;
    s.recvTs = this.#clock.now();
    s.recvMono = this.#clock.mono();
    return s;
  }

  /**
   * Takes the next sequence number (for an event built by hand).
   * @returns The number.
   */
  nextSeq(): number {
    return this.stamp.seq++;
  }

  /**
   * Builds a complete event from a body: the next `seq`, the receive times read
   * now, the current epoch and `source` (and `origin` when the stamp has one).
   * One allocation: the event.
   *
   * @param body The event without its stamps.
   * @returns The stamped event.
   */
  event<B extends EventBody>(body: B): Stamped<B> {
    const s = this.now();
    return {
      ...body,
      source: s.source,
      seq: s.seq++,
      recvTs: s.recvTs,
      recvMono: s.recvMono,
      epoch: s.epoch,
      ...(s.origin === undefined ? {} : { origin: s.origin }),
    };
  }
}
