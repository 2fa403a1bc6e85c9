/**
 * The raw capture format (`.twr`): constants, the header, and the record layout.
 * The full specification is `connectors/replay/FORMAT.md`; in short:
 *
 * ```
 * header  magic(8) version:u16 flags:u16 created:f64 jsonLength:u32 json sum:u32
 * record  0xD5 kind:u8 length:u32 body(length) sum:u32      (sum over kind, length, body)
 * ```
 *
 * `sum` is XXH32 (seed 0) from version 2 on, CRC-32C in version 1; this code
 * reads both and writes version 2 unless asked for version 1.
 *
 * Every integer and float is little-endian. Record bodies:
 *
 * | kind | name | body |
 * | --- | --- | --- |
 * | 1 | payload | recvTs:f64 recvMono:f64 epoch:u32 topicId:u32 bytes |
 * | 2 | status | recvTs:f64 recvMono:f64 epoch:u32 JSON of the status event |
 * | 3 | event | recvTs:f64 recvMono:f64 epoch:u32 JSON of the market event |
 * | 4 | topic | topicId:u32 UTF-8 topic name |
 * | 5 | close | closedTs:f64 UTF-8 reason |
 *
 * @module
 */

import { DecodeError } from "../../../src/errors.ts";
import { crc32cView } from "./crc32c.ts";
import { xxh32View } from "./xxh32.ts";

/** The eight bytes every raw capture starts with: `\x89TWR\r\n\x1a\n`. */
export const CAPTURE_MAGIC: Uint8Array = Uint8Array.of(
  0x89,
  0x54,
  0x57,
  0x52,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
);

/** The format version this code writes by default and the newest it reads. */
export const CAPTURE_VERSION = 2;

/** A format version this code can write: 2, or 1 for readers that know no newer one. */
export type CaptureVersion = 1 | 2;

/** The checksum of a header or record: `view[start..end)` to an unsigned 32-bit integer. */
export type FrameChecksum = (view: DataView, start: number, end: number) => number;

/**
 * The checksum a format version puts on its header and records.
 * @param version A format version, 1 or more.
 * @returns CRC-32C for version 1, XXH32 (seed 0) from version 2 on.
 * @example
 * ```ts
 * import { frameChecksum } from "./raw-format.ts";
 * const bytes = new TextEncoder().encode("abc");
 * console.log(frameChecksum(2)(new DataView(bytes.buffer), 0, 3).toString(16)); // "32d153ff"
 * ```
 */
export function frameChecksum(version: number): FrameChecksum {
  return version === 1 ? crc32cView : xxh32View;
}

/** First byte of every record frame. */
export const RECORD_MARKER = 0xd5;

/** Bytes of a frame around its body: marker, kind, length, checksum. */
export const FRAME_OVERHEAD = 10;

/** Largest record body, and largest header JSON, in bytes; a longer length is corruption. */
export const MAX_BODY: number = 1 << 20;

/** Bytes of the fixed part of the header before its JSON. */
export const HEADER_FIXED = 24;

/** Bytes of the receive-side prefix of payload, status and event bodies. */
export const TIMED_PREFIX = 20;

/** Record kind: a wire payload. */
export const KIND_PAYLOAD = 1;
/** Record kind: a lifecycle status event (JSON). */
export const KIND_STATUS = 2;
/** Record kind: a normalized market event (JSON). */
export const KIND_EVENT = 3;
/** Record kind: a topic name for the payload records that follow. */
export const KIND_TOPIC = 4;
/** Record kind: the file was closed cleanly. */
export const KIND_CLOSE = 5;

/** Kinds a reader of this version knows. */
export function isKnownKind(kind: number): boolean {
  return kind >= KIND_PAYLOAD && kind <= KIND_CLOSE;
}

/** The header of a raw capture. */
export interface CaptureHeader {
  /** Format version of the file. */
  readonly version: number;
  /** When the file was created, epoch ms. */
  readonly created: number;
  /** Connector that was recorded (`"settrade"`, `"synthetic"`, ...). */
  readonly source: string;
  /** Part number when the recorder rotates files: 0 for the first file. */
  readonly part: number;
  /** Free-form metadata given to the recorder (never secrets). */
  readonly meta: Readonly<Record<string, unknown>>;
}

/**
 * Encodes a header.
 *
 * @param header Source, creation time, part and metadata.
 * @param version Format version to write. @default CAPTURE_VERSION
 * @returns The header bytes.
 * @throws RangeError when the metadata is not JSON or its encoding exceeds {@link MAX_BODY},
 *   or the version is not one this code writes.
 * @example
 * ```ts
 * import { encodeHeader } from "./raw-format.ts";
 * const bytes = encodeHeader({ source: "synthetic", created: Date.now(), part: 0, meta: {} });
 * console.log(bytes[1] === 0x54); // true ("T")
 * ```
 */
export function encodeHeader(
  header: Omit<CaptureHeader, "version">,
  version: CaptureVersion = CAPTURE_VERSION,
): Uint8Array {
  if (version !== 1 && version !== 2) {
    throw new RangeError(`[capture] format version must be 1 or 2, got ${String(version)}`);
  }
  let json: string;
  try {
    json = JSON.stringify({ source: header.source, part: header.part, meta: header.meta ?? {} });
  } catch (e) {
    throw new RangeError(`[capture] header metadata is not JSON: ${(e as Error).message}`);
  }
  const body = new TextEncoder().encode(json);
  if (body.length > MAX_BODY) {
    throw new RangeError(`[capture] header metadata is ${body.length} bytes; at most ${MAX_BODY}`);
  }
  const out = new Uint8Array(HEADER_FIXED + body.length + 4);
  const view = new DataView(out.buffer);
  out.set(CAPTURE_MAGIC, 0);
  view.setUint16(8, version, true);
  view.setUint16(10, 0, true);
  view.setFloat64(12, header.created, true);
  view.setUint32(20, body.length, true);
  out.set(body, HEADER_FIXED);
  const sum = frameChecksum(version)(view, 0, HEADER_FIXED + body.length);
  view.setUint32(HEADER_FIXED + body.length, sum, true);
  return out;
}

/**
 * Hex rendering of the first bytes of a buffer, for error messages.
 * @param bytes The data. @param max Most bytes shown. @default 8
 * @returns Like `"89 54 57 52"`.
 */
export function hexBytes(bytes: Uint8Array, max = 8): string {
  return Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Whether `bytes` starts with (a prefix of) the capture magic. */
export function startsWithMagic(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, CAPTURE_MAGIC.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== CAPTURE_MAGIC[i]) return false;
  return n > 0;
}

/**
 * Parses a header from the start of `bytes`.
 *
 * @param bytes The first bytes of a capture (at least the whole header, or all there is).
 * @param eof Whether `bytes` is everything there is.
 * @param name The file name or `"stream"`, for messages.
 * @returns The header and its length, or `undefined` when more bytes are needed.
 * @throws DecodeError with code `"magic"`, `"version"`, `"header"` or `"truncated"`, offset set.
 */
export function parseHeader(
  bytes: Uint8Array,
  eof: boolean,
  name: string,
): { header: CaptureHeader; length: number } | undefined {
  const where = JSON.stringify(name);
  if (bytes.length < HEADER_FIXED) {
    if (!startsWithMagic(bytes) && bytes.length > 0) throw wrongMagic(bytes, where);
    if (!eof) return undefined;
    throw new DecodeError(
      `[capture] ${where} is truncated inside its header: ${bytes.length} of at least ${HEADER_FIXED} bytes`,
      { code: "truncated", offset: bytes.length },
    );
  }
  if (!startsWithMagic(bytes)) throw wrongMagic(bytes, where);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (version > CAPTURE_VERSION) {
    throw new DecodeError(
      `[capture] ${where} has format version ${version}, newer than this reader (version ${CAPTURE_VERSION}); upgrade tickwire to read it`,
      { code: "version", offset: 8 },
    );
  }
  if (version === 0) {
    throw new DecodeError(`[capture] ${where} has format version 0, which does not exist`, {
      code: "version",
      offset: 8,
    });
  }
  const jsonLength = view.getUint32(20, true);
  if (jsonLength > MAX_BODY) {
    throw new DecodeError(
      `[capture] ${where} has a corrupt header: metadata length ${jsonLength} at byte 20 exceeds ${MAX_BODY}`,
      { code: "header", offset: 20 },
    );
  }
  const length = HEADER_FIXED + jsonLength + 4;
  if (bytes.length < length) {
    if (!eof) return undefined;
    throw new DecodeError(
      `[capture] ${where} is truncated inside its header: ${bytes.length} of ${length} bytes`,
      { code: "truncated", offset: bytes.length },
    );
  }
  const stored = view.getUint32(HEADER_FIXED + jsonLength, true);
  if (frameChecksum(version)(view, 0, HEADER_FIXED + jsonLength) !== stored) {
    throw new DecodeError(`[capture] ${where} has a corrupt header: checksum mismatch at byte 0`, {
      code: "header",
      offset: 0,
    });
  }
  let info: { source?: unknown; part?: unknown; meta?: unknown };
  try {
    info = JSON.parse(
      new TextDecoder().decode(bytes.subarray(HEADER_FIXED, HEADER_FIXED + jsonLength)),
    );
  } catch {
    info = {};
  }
  return {
    length,
    header: {
      version,
      created: view.getFloat64(12, true),
      source: typeof info.source === "string" ? info.source : "unknown",
      part: typeof info.part === "number" ? info.part : 0,
      meta: typeof info.meta === "object" && info.meta !== null
        ? info.meta as Record<string, unknown>
        : {},
    },
  };
}

function wrongMagic(bytes: Uint8Array, where: string): DecodeError {
  return new DecodeError(
    `[capture] ${where} is not a tickwire capture: wrong magic at byte 0 (expected ${
      hexBytes(CAPTURE_MAGIC)
    }, got ${hexBytes(bytes)})`,
    { code: "magic", offset: 0 },
  );
}
