/**
 * What a decoder needs besides the payload to stamp a normalized event.
 *
 * @module
 */

/**
 * Receive-side fields stamped on every decoded event. Decoders read it and never
 * keep it, so a connector may hold one object and update its fields for each
 * message instead of allocating a new one.
 *
 * @example A reusable meta object
 * ```ts
 * import type { DecodeMeta } from "./meta.ts";
 * const meta: DecodeMeta = { source: "settrade", seq: 1, recvTs: Date.now(), recvMono: performance.now(), epoch: 0 };
 * meta.seq += 1;
 * ```
 */
export interface DecodeMeta {
  /** Connector name stamped as `source`. */
  source: string;
  /** Sequence number of the (first) event produced. */
  seq: number;
  /** Receive time, epoch milliseconds. */
  recvTs: number;
  /** Receive time, monotonic milliseconds. */
  recvMono: number;
  /** Connection epoch. */
  epoch: number;
  /**
   * The source a replayed payload was recorded from, stamped as `origin`;
   * absent live. Set here rather than added to each event afterwards, so that
   * a replayed event has the same shape as a live one and costs no extra
   * allocation.
   */
  origin?: string;
}
