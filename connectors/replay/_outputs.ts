/**
 * The recorder's two outputs, each with its own buffer, flush threshold and
 * rotation: {@link RawOutput} (the raw capture, through a `RawEncoder`) and
 * {@link LinesOutput} (NDJSON). A new part starts before the record that crosses
 * the size limit or the day boundary; a raw part ends with a `close` record
 * (`"rotated"`) and the next one starts with its own header and topic table, so
 * every part is a complete capture.
 *
 * @module
 */

import type { Clock } from "../../src/clock.ts";
import { RawEncoder } from "./capture/raw-encoder.ts";
import { FRAME_OVERHEAD, TIMED_PREFIX } from "./capture/raw-format.ts";
import type { FeedEvent } from "../../src/events.ts";
import type { RotatingFile } from "./_rotating-file.ts";

const DAY_MS = 86_400_000;

/** When outputs flush and rotate. */
export interface OutputPolicy {
  readonly flushBytes: number;
  readonly rotateBytes: number | undefined;
  /** Longest span of a part, ms of `recvTs`. */
  readonly rotateMs: number | undefined;
  readonly rotateDaily: boolean;
  /** Offset of the day boundary from UTC midnight, ms. */
  readonly dayOffsetMs: number;
}

/** Bookkeeping shared by both outputs. */
abstract class Output {
  readonly file: RotatingFile;
  protected readonly policy: OutputPolicy;
  protected part = 0;
  protected begun = false;
  #partBytes = 0;
  #day = 0;
  #partStart = 0;

  constructor(file: RotatingFile, policy: OutputPolicy) {
    this.file = file;
    this.policy = policy;
  }

  /** Bytes pending in the buffer. */
  protected abstract pending(): number;
  /** Takes the pending bytes. */
  protected abstract take(): Uint8Array;
  /** Ends a part before rotating (raw: the `close` record). */
  protected abstract endPart(): void;
  /** Starts a part (raw: the header). */
  protected abstract beginPart(): void;

  /** Gives taken bytes back once written (raw: their buffer is used again). */
  protected readonly release: ((bytes: Uint8Array) => void) | undefined = undefined;

  /** Writes out the pending bytes. */
  flush(): void {
    const bytes = this.take();
    if (bytes.length === 0) return;
    this.#partBytes += bytes.length;
    this.file.write(bytes, this.release);
  }

  /**
   * Before each record: starts the first part, or a new one when due; flushes first
   * when the record would take the buffer past `flushBytes`, so that the buffer never
   * holds more (unless one record is larger).
   * @param recvTs The record's receive time. @param size Its size in bytes, if known.
   */
  protected before(recvTs: number, size = 0): void {
    if (size > 0 && this.begun) {
      const pending = this.pending();
      if (pending > 0 && pending + size > this.policy.flushBytes) this.flush();
    }
    const day = Math.floor((recvTs + this.policy.dayOffsetMs) / DAY_MS);
    if (!this.begun) {
      this.#day = day;
      this.#partStart = recvTs;
      this.begun = true;
      this.beginPart();
      return;
    }
    const limit = this.policy.rotateBytes;
    const bySize = limit !== undefined && this.#partBytes + this.pending() >= limit;
    const span = this.policy.rotateMs;
    const byTime = span !== undefined && recvTs - this.#partStart >= span;
    if (!bySize && !byTime && !(this.policy.rotateDaily && day !== this.#day)) return;
    this.endPart();
    this.flush();
    this.file.rotate();
    this.part++;
    this.#partBytes = 0;
    this.#day = day;
    this.#partStart = recvTs;
    this.beginPart();
  }

  /** After each record: flushes past the size threshold. */
  protected after(): void {
    if (this.pending() >= this.policy.flushBytes) this.flush();
  }
}

/** The raw capture output. */
export class RawOutput extends Output {
  readonly #enc = new RawEncoder();
  protected override readonly release = (bytes: Uint8Array): void => this.#enc.recycle(bytes);
  readonly #clock: Clock;
  readonly #header: () => { source: string; meta: Readonly<Record<string, unknown>> };

  /**
   * @param file Where bytes go.
   * @param policy Flush and rotation.
   * @param clock For creation and close times.
   * @param header Source and metadata for each part's header (read when a part starts).
   */
  constructor(
    file: RotatingFile,
    policy: OutputPolicy,
    clock: Clock,
    header: () => { source: string; meta: Readonly<Record<string, unknown>> },
  ) {
    super(file, policy);
    this.#clock = clock;
    this.#header = header;
  }

  /**
   * Appends one record.
   * @param recvTs Its receive time (for day rotation).
   * @param write Encodes it.
   */
  record(recvTs: number, write: (enc: RawEncoder) => void): void {
    this.before(recvTs);
    write(this.#enc);
    this.after();
  }

  /**
   * Appends one wire payload (see `RawEncoder.payload`); the recorder's hot path,
   * without a closure per record.
   * @param topic Topic. @param bytes Bytes (copied). @param recvTs Receive time.
   * @param recvMono Monotonic receive time. @param epoch Connection epoch.
   */
  payload(topic: string, bytes: Uint8Array, recvTs: number, recvMono: number, epoch: number): void {
    this.before(recvTs, FRAME_OVERHEAD + TIMED_PREFIX + 4 + bytes.length);
    this.#enc.payload(topic, bytes, recvTs, recvMono, epoch);
    this.after();
  }

  /**
   * Ends the capture: a `close` record (after a header if nothing was written), flushed.
   * @param reason Written in the `close` record.
   */
  end(reason: string): void {
    if (!this.begun) this.before(this.#clock.now());
    this.#enc.close(this.#clock.now(), reason);
    this.flush();
  }

  protected pending(): number {
    return this.#enc.pending;
  }

  protected take(): Uint8Array {
    return this.#enc.take();
  }

  protected endPart(): void {
    this.#enc.close(this.#clock.now(), "rotated");
  }

  protected beginPart(): void {
    const { source, meta } = this.#header();
    this.#enc.begin({ source, created: this.#clock.now(), part: this.part, meta });
  }
}

/** The NDJSON output. */
export class LinesOutput extends Output {
  readonly #text = new TextEncoder();
  #lines: string[] = [];
  #chars = 0;

  /** @param ev One event, written as one line. */
  line(ev: FeedEvent): void {
    this.before(ev.recvTs);
    const line = `${JSON.stringify(ev)}\n`;
    this.#lines.push(line);
    this.#chars += line.length;
    this.after();
  }

  protected pending(): number {
    return this.#chars;
  }

  protected take(): Uint8Array {
    if (this.#lines.length === 0) return new Uint8Array(0);
    const bytes = this.#text.encode(this.#lines.join(""));
    this.#lines = [];
    this.#chars = 0;
    return bytes;
  }

  protected endPart(): void {}

  protected beginPart(): void {}
}
