/**
 * Checks on raw record frames at a position in a buffer, for the parser's
 * validation and resynchronisation.
 *
 * @module
 */

import {
  CAPTURE_MAGIC,
  FRAME_OVERHEAD,
  type FrameChecksum,
  isKnownKind,
  MAX_BODY,
  RECORD_MARKER,
  TIMED_PREFIX,
} from "./raw-format.ts";

/** Smallest body of each record kind (index = kind). */
export const MIN_BODY: readonly number[] = [
  0,
  TIMED_PREFIX + 4,
  TIMED_PREFIX + 2,
  TIMED_PREFIX + 2,
  4,
  8,
];

/**
 * @param buf Bytes. @param at Offset.
 * @returns The little-endian u32 at `at`.
 */
export function u32(buf: Uint8Array, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
}

/**
 * @param kind Record kind. @param len Body length.
 * @returns Whether a frame header with these values is plausible.
 */
export function plausible(kind: number, len: number): boolean {
  return isKnownKind(kind) && len <= MAX_BODY && len >= MIN_BODY[kind]!;
}

/**
 * Whether a valid frame starts at `s`.
 * @param buf Bytes. @param view A view of the same bytes, for the checksum.
 * @param s Candidate start. @param end End of valid bytes.
 * @param eof Whether no more bytes will come.
 * @param sum The checksum of the part's format version.
 * @returns 1 for a valid frame, 0 for none, -1 when more bytes are needed to tell.
 */
export function frameAt(
  buf: Uint8Array,
  view: DataView,
  s: number,
  end: number,
  eof: boolean,
  sum: FrameChecksum,
): number {
  const avail = end - s;
  if (buf[s] !== RECORD_MARKER) return 0;
  if (avail < 6) return eof ? 0 : -1;
  const len = u32(buf, s + 2);
  if (!plausible(buf[s + 1]!, len)) return 0;
  if (avail < len + FRAME_OVERHEAD) return eof ? 0 : -1;
  return sum(view, s + 1, s + 6 + len) === u32(buf, s + 6 + len) ? 1 : 0;
}

/**
 * @param buf Bytes. @param from First candidate. @param end End of valid bytes.
 * @param sum The checksum of the part's format version.
 * @param budget Bytes it may checksum (`left` is decreased); candidates past it are
 *   not checked, so crafted damage costs linear time.
 * @returns Offset of the first complete valid frame at or after `from`, or -1.
 */
export function findValid(
  buf: Uint8Array,
  from: number,
  end: number,
  sum: FrameChecksum,
  budget: { left: number } = { left: Infinity },
): number {
  const bytes = buf.subarray(0, end);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (
    let s = bytes.indexOf(RECORD_MARKER, from);
    s >= 0;
    s = bytes.indexOf(RECORD_MARKER, s + 1)
  ) {
    if (end - s >= 6) {
      const len = u32(buf, s + 2);
      if (plausible(buf[s + 1]!, len) && end - s >= len + FRAME_OVERHEAD) {
        if (budget.left < len + 5) continue;
        budget.left -= len + 5;
      }
    }
    if (frameAt(buf, view, s, end, true, sum) === 1) return s;
  }
  return -1;
}

/**
 * @param buf Bytes. @param p Offset. @param end End of valid bytes.
 * @returns Whether the capture magic (a concatenated part's header) starts at `p`.
 */
export function isMagicAt(buf: Uint8Array, p: number, end: number): boolean {
  if (end - p < CAPTURE_MAGIC.length) return false;
  for (let i = 0; i < CAPTURE_MAGIC.length; i++) if (buf[p + i] !== CAPTURE_MAGIC[i]) return false;
  return true;
}
