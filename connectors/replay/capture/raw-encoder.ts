/**
 * The writing side of the raw capture format: encodes a header and records into
 * a growable buffer that the owner drains with {@link RawEncoder.take} and writes
 * wherever it likes (a file, a `WritableStream`, memory).
 *
 * @module
 */

import type { MarketEvent, StatusEvent } from "../../../src/events.ts";
import {
  CAPTURE_VERSION,
  type CaptureHeader,
  type CaptureVersion,
  encodeHeader,
  FRAME_OVERHEAD,
  type FrameChecksum,
  frameChecksum,
  KIND_CLOSE,
  KIND_EVENT,
  KIND_PAYLOAD,
  KIND_STATUS,
  KIND_TOPIC,
  MAX_BODY,
  RECORD_MARKER,
  TIMED_PREFIX,
} from "./raw-format.ts";

const INITIAL_CAPACITY = 64 * 1024;
/** Most buffers kept for use again (see {@link RawEncoder.recycle}). */
const MAX_SPARE = 8;

/**
 * Encodes a raw capture: call {@link RawEncoder.begin} once per file, then the record
 * methods, then {@link RawEncoder.close}; drain the bytes with {@link RawEncoder.take}
 * whenever you like (records are whole between calls).
 *
 * Topics are written once per file as `topic` records and referred to by number.
 * Payload bytes are copied, so the caller may reuse its buffer after the call.
 *
 * @example Encoding a small capture in memory
 * ```ts
 * import { RawEncoder } from "./raw-encoder.ts";
 * const enc = new RawEncoder();
 * enc.begin({ source: "settrade", created: Date.now(), part: 0, meta: {} });
 * enc.payload("proto/topic/bidofferv3/PTT", new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54]), Date.now(), performance.now(), 0);
 * enc.close(Date.now(), "closed");
 * const bytes = enc.take();
 * console.log(bytes.length > 0); // true
 * ```
 */
export class RawEncoder {
  #buf: Uint8Array = new Uint8Array(INITIAL_CAPACITY);
  #view: DataView = new DataView(this.#buf.buffer);
  #len = 0;
  #topics = new Map<string, number>();
  /** Buffers given back with {@link RawEncoder.recycle}, ready for use again. */
  #spare: Uint8Array[] = [];
  readonly #text = new TextEncoder();
  readonly #version: CaptureVersion;
  readonly #sum: FrameChecksum;
  /** Records encoded since the last {@link RawEncoder.begin} (topic records included). */
  records = 0;

  /**
   * Creates an encoder; call {@link RawEncoder.begin} to start a file.
   * @param version Format version to write: 2, or 1 for readers of an older
   *   tickwire (records checked with CRC-32C, about three times slower to
   *   verify on replay). @default CAPTURE_VERSION
   * @throws RangeError for a version this code does not write.
   */
  constructor(version: CaptureVersion = CAPTURE_VERSION) {
    if (version !== 1 && version !== 2) {
      throw new RangeError(`[capture] format version must be 1 or 2, got ${String(version)}`);
    }
    this.#version = version;
    this.#sum = frameChecksum(version);
  }

  /** Bytes encoded and not yet taken. */
  get pending(): number {
    return this.#len;
  }

  /**
   * Starts a file: writes its header and forgets the topic table.
   * @param header Source, creation time, part number and metadata.
   */
  begin(header: Omit<CaptureHeader, "version">): void {
    const bytes = encodeHeader(header, this.#version);
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
    this.#topics.clear();
    this.records = 0;
  }

  /**
   * Appends one wire payload (and, the first time its topic is seen in this file, a topic record).
   * @param topic Topic it arrived on.
   * @param bytes The bytes (copied).
   * @param recvTs Receive time, epoch ms.
   * @param recvMono Receive time, monotonic ms.
   * @param epoch Connection epoch.
   * @throws RangeError when the payload exceeds the format's record size.
   */
  payload(topic: string, bytes: Uint8Array, recvTs: number, recvMono: number, epoch: number): void {
    const size = TIMED_PREFIX + 4 + bytes.length;
    if (size > MAX_BODY) {
      throw new RangeError(
        `[capture] payload of ${bytes.length} bytes on topic ${
          JSON.stringify(topic)
        } exceeds the record limit of ${MAX_BODY} bytes`,
      );
    }
    let id = this.#topics.get(topic);
    if (id === undefined) id = this.#defineTopic(topic);
    const at = this.#open(KIND_PAYLOAD, size);
    this.#timed(at, recvTs, recvMono, epoch);
    this.#view.setUint32(at + TIMED_PREFIX, id, true);
    this.#buf.set(bytes, at + TIMED_PREFIX + 4);
    this.#seal(at, size);
  }

  /**
   * Appends a lifecycle status event.
   * @param ev The status event.
   */
  status(ev: StatusEvent): void {
    this.#json(KIND_STATUS, ev, ev.recvTs, ev.recvMono, ev.epoch);
  }

  /**
   * Appends a normalized market event (for sources without a wire format).
   * @param ev The market event.
   */
  event(ev: MarketEvent): void {
    this.#json(KIND_EVENT, ev, ev.recvTs, ev.recvMono, ev.epoch);
  }

  /**
   * Appends the `close` record that marks a cleanly closed file.
   * @param closedTs Time of closing, epoch ms.
   * @param reason Why the file was closed (`"closed"`, `"rotated"`, ...).
   */
  close(closedTs: number, reason: string): void {
    const text = this.#text.encode(reason.slice(0, 1024));
    const size = 8 + text.length;
    const at = this.#open(KIND_CLOSE, size);
    this.#view.setFloat64(at, closedTs, true);
    this.#buf.set(text, at + 8);
    this.#seal(at, size);
  }

  /**
   * Hands over every byte encoded so far; the encoder starts a fresh buffer.
   * @returns The bytes (possibly empty), owned by the caller.
   */
  take(): Uint8Array {
    const out = this.#buf.subarray(0, this.#len);
    const cap = this.#buf.length;
    let next = this.#spare.pop();
    while (next !== undefined && next.length < cap) next = this.#spare.pop();
    this.#buf = next ?? new Uint8Array(cap);
    this.#view = new DataView(this.#buf.buffer);
    this.#len = 0;
    return out;
  }

  /**
   * Gives back bytes returned by {@link RawEncoder.take} once they are written, so
   * that their buffer is used again instead of a new one being allocated and
   * cleared for every flush. Optional; the bytes must not be used afterwards.
   * @param bytes What `take` returned.
   */
  recycle(bytes: Uint8Array): void {
    if (bytes.byteOffset !== 0 || this.#spare.length >= MAX_SPARE) return;
    const buf = new Uint8Array(bytes.buffer);
    if (buf.length >= INITIAL_CAPACITY && buf !== this.#buf) this.#spare.push(buf);
  }

  #defineTopic(topic: string): number {
    const id = this.#topics.size + 1;
    const text = this.#text.encode(topic);
    if (text.length + 4 > MAX_BODY) {
      throw new RangeError(`[capture] topic of ${text.length} bytes exceeds the record limit`);
    }
    const at = this.#open(KIND_TOPIC, 4 + text.length);
    this.#view.setUint32(at, id, true);
    this.#buf.set(text, at + 4);
    this.#seal(at, 4 + text.length);
    this.#topics.set(topic, id);
    return id;
  }

  #json(kind: number, value: unknown, recvTs: number, recvMono: number, epoch: number): void {
    const json = JSON.stringify(value);
    const room = TIMED_PREFIX + json.length * 3;
    this.#ensure(FRAME_OVERHEAD + room);
    const bodyAt = this.#len + 6;
    const { written } = this.#text.encodeInto(
      json,
      this.#buf.subarray(bodyAt + TIMED_PREFIX, bodyAt + room),
    );
    const size = TIMED_PREFIX + written;
    if (size > MAX_BODY) {
      throw new RangeError(`[capture] event of ${written} bytes of JSON exceeds the record limit`);
    }
    const at = this.#open(kind, size);
    this.#timed(at, recvTs, recvMono, epoch);
    this.#seal(at, size);
  }

  /** Writes marker, kind and length; returns the offset of the body. */
  #open(kind: number, size: number): number {
    this.#ensure(FRAME_OVERHEAD + size);
    const start = this.#len;
    this.#buf[start] = RECORD_MARKER;
    this.#buf[start + 1] = kind;
    this.#view.setUint32(start + 2, size, true);
    return start + 6;
  }

  #timed(at: number, recvTs: number, recvMono: number, epoch: number): void {
    this.#view.setFloat64(at, recvTs, true);
    this.#view.setFloat64(at + 8, recvMono, true);
    this.#view.setUint32(at + 16, epoch >>> 0, true);
  }

  /** Writes the checksum after a body that starts at `at` and commits the record. */
  #seal(at: number, size: number): void {
    const start = at - 6;
    this.#view.setUint32(at + size, this.#sum(this.#view, start + 1, at + size), true);
    this.#len = at + size + 4;
    this.records++;
  }

  #ensure(extra: number): void {
    const need = this.#len + extra;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
}
