/**
 * The stamp the end-to-end publisher appends to every payload: two unknown
 * `fixed64` fields (numbers 100 and 101, which `BidOfferV3` does not use), the
 * send time in nanoseconds on the machine's monotonic clock and the publisher's
 * sequence number, both as little-endian doubles. Decoders skip unknown fields,
 * so the payload still decodes to the same event; the subscriber reads the
 * stamp from the raw bytes.
 *
 * @module
 */

/** Bytes the stamp adds to a payload. */
export const STAMP_BYTES = 20;

/** Tag of field 100, wire type 1 (fixed64), as a varint. */
const TIME_TAG = [0xa1, 0x06];
/** Tag of field 101, wire type 1 (fixed64), as a varint. */
const SEQ_TAG = [0xa9, 0x06];

const f64 = new Float64Array(1);
const b64 = new Uint8Array(f64.buffer);

/**
 * Appends an empty stamp (tags, zero values) to a payload.
 * @param payload A protobuf message.
 * @returns A new array: the payload followed by the stamp.
 * @example
 * ```ts
 * import { withStampSpace } from "./_wire-stamp.ts";
 * console.log(withStampSpace(new Uint8Array(3)).length); // 23
 * ```
 */
export function withStampSpace(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + STAMP_BYTES);
  out.set(payload, 0);
  out.set(TIME_TAG, payload.length);
  out.set(SEQ_TAG, payload.length + 10);
  return out;
}

/**
 * Writes the send time and sequence number into the stamp at the end of `buf[0, end)`.
 * @param buf Bytes holding a stamped payload ending at `end`.
 * @param end End of the payload (exclusive).
 * @param sendNs Send time, ns. @param seq Publisher sequence number.
 */
export function writeStamp(buf: Uint8Array, end: number, sendNs: number, seq: number): void {
  f64[0] = sendNs;
  buf.set(b64, end - 18);
  f64[0] = seq;
  buf.set(b64, end - 8);
}

/**
 * Reads the send time of a stamped payload.
 * @param payload A stamped payload.
 * @returns Send time, ns.
 */
export function readSendNs(payload: Uint8Array): number {
  const at = payload.length - 18;
  for (let i = 0; i < 8; i++) b64[i] = payload[at + i];
  return f64[0];
}

/**
 * Reads the publisher sequence number of a stamped payload.
 * @param payload A stamped payload.
 * @returns Sequence number.
 */
export function readSeq(payload: Uint8Array): number {
  const at = payload.length - 8;
  for (let i = 0; i < 8; i++) b64[i] = payload[at + i];
  return f64[0];
}
