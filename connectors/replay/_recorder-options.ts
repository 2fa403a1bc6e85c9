/**
 * Options and counters of the recorder, and the check of its numeric options.
 *
 * @module
 */

import type { Clock } from "../../src/clock.ts";
import type { Logger } from "../../src/log.ts";
import type { FsyncPolicy } from "./_rotating-file.ts";

export type { FsyncPolicy } from "./_rotating-file.ts";

/** The fsync policies, in order of cost. */
export const FSYNC_POLICIES: readonly FsyncPolicy[] = ["none", "interval", "every-flush"];

/** Default size of a rotated part: 25 MiB. */
export const DEFAULT_ROTATE_BYTES: number = 25 * 1_048_576;

/**
 * The part size in effect: the option, the default for paths, none for streams or `false`.
 * @param o Options. @returns Bytes, or undefined for no rotation by size.
 */
export function rotateBytes(o: RecorderOptions): number | undefined {
  if (o.rotateBytes === false) return undefined;
  if (o.rotateBytes !== undefined) return positive("rotateBytes", o.rotateBytes, undefined);
  const paths = (o.out === undefined || typeof o.out === "string") &&
    (o.events === undefined || typeof o.events === "string");
  return paths ? DEFAULT_ROTATE_BYTES : undefined;
}

/** Options of {@link createRecorder}. At least one of `out` and `events` is required. */
export interface RecorderOptions {
  /** Raw capture: a path (`.gz` at the end compresses) or a `WritableStream`. */
  readonly out?: string | WritableStream<Uint8Array>;
  /** NDJSON event capture: a path (`.gz` at the end compresses) or a `WritableStream`. */
  readonly events?: string | WritableStream<Uint8Array>;
  /** Compress outputs given as streams (paths decide by their name). @default false */
  readonly gzip?: boolean;
  /** Source named in the raw header. @default the wrapped connector's name */
  readonly source?: string;
  /** Free-form JSON metadata for the raw header. Never put secrets here. @default {} */
  readonly meta?: Readonly<Record<string, unknown>>;
  /**
   * Market events in the raw capture: `"auto"` records them until the connector has
   * delivered a first raw payload (sources without a wire format, like `synthetic`),
   * `"always"`, or `"never"`. @default "auto"
   */
  readonly rawEvents?: "auto" | "always" | "never";
  /** Write status events to the NDJSON capture too. @default true */
  readonly statuses?: boolean;
  /**
   * Flush when this many bytes are pending. @default 65_536
   *
   * A compressed output (`.gz`) writes each flush as one gzip member: larger flushes
   * give zlib longer runs to match and fewer members to finish, so a smaller file for
   * less CPU (Settrade books at 256 KiB: 0.41 of the raw size instead of 0.44, and
   * about a tenth less CPU per payload), at the price of what a crash can lose (see
   * `maxPendingBytes`) and of a longer wait before bytes reach the file.
   */
  readonly flushBytes?: number;
  /** Flush pending bytes at least this often, ms. @default 1_000 */
  readonly flushMs?: number;
  /**
   * Bytes written to an output but not yet on disk (including compression) at which
   * the recorder asks the producer to pause (`sink.event` returns `false`; `sink.drain()`
   * waits until half of it is written). A producer that cannot pause (a live socket)
   * keeps delivering, up to `dropAboveBytes`. Raised to `flushBytes` if lower.
   * What a crash can lose is the buffer (`flushBytes`) plus this.
   * @default twice `flushBytes` (128 KiB)
   */
  readonly maxPendingBytes?: number;
  /**
   * Bytes waiting to be written at which market records (payloads, events, NDJSON
   * lines) are dropped and counted (`stats().dropped`, one warning) until the output
   * catches up; statuses are always kept. Raised to twice `maxPendingBytes` if lower.
   * @default 16 MiB
   */
  readonly dropAboveBytes?: number;
  /**
   * Start a new file part when a part reaches this many (uncompressed) bytes; `false`
   * never does. Outputs given as streams are never rotated.
   * @default 26_214_400 (25 MiB) for paths
   */
  readonly rotateBytes?: number | false;
  /** Start a new file part when a part spans this many milliseconds (of `recvTs`). @default no */
  readonly rotateMs?: number;
  /**
   * When written bytes are put on the disk (fsync): `"none"` (the OS decides; a power
   * loss can take more than a crash of the process), `"interval"` (after a write, at
   * most every `fsyncMs`, and when a part closes), `"every-flush"` (after every write).
   * Paths only. @default "interval"
   */
  readonly fsync?: FsyncPolicy;
  /** Milliseconds between fsyncs under `fsync: "interval"`. @default 1_000 */
  readonly fsyncMs?: number;
  /** Start a new file part at each day boundary (of `recvTs`). @default false */
  readonly rotateDaily?: boolean;
  /** Where days start for `rotateDaily`, minutes east of UTC (420 for Bangkok). @default 0 */
  readonly dayOffsetMinutes?: number;
  /** Replace existing files instead of refusing to. @default false */
  readonly overwrite?: boolean;
  /** Close when the recorded connector emits `end`. @default true */
  readonly closeOnEnd?: boolean;
  /** Aborting it closes the recorder. */
  readonly signal?: AbortSignal;
  /** Clock for the flush timer and file times. @default systemClock */
  readonly clock?: Clock;
  /** Where write errors are logged. @default a console logger at "warn" */
  readonly logger?: Logger;
}

/** Counters of a {@link Recorder}. */
export interface RecorderStats {
  /** Market events seen. */
  readonly events: number;
  /** Status events seen. */
  readonly statuses: number;
  /** Raw payloads seen. */
  readonly payloads: number;
  /**
   * Market records (a payload, an event, an NDJSON line: each output counts its own)
   * not written because the output's queue held `dropAboveBytes`.
   */
  readonly dropped: number;
  /** fsync calls made, every file together. */
  readonly syncs: number;
  /** Bytes handed to the outputs and not written yet (uncompressed). */
  readonly pendingBytes: number;
  /** Bytes written to disk so far (compressed where compressing), every file together. */
  readonly bytes: number;
  /** Files written so far, in order. */
  readonly files: readonly string[];
  /** The first write error, if any (recording stops there). */
  readonly error?: string;
}

/**
 * Checks a positive numeric option.
 * @param name Option name. @param value Given value. @param fallback Default.
 * @returns The value or the default.
 * @throws RangeError naming the option and quoting the value.
 */
export function positive(
  name: string,
  value: number | undefined,
  fallback: number | undefined,
): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `[recorder] ${name} must be a positive number, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
