/**
 * CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`), the checksum of every
 * record of a raw capture. Table-driven ("slicing by 8": eight bytes per step);
 * the tables are built on first use, not at import.
 *
 * @module
 */

let tables: Uint32Array | undefined;

function buildTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
}

/**
 * Computes the CRC-32C of `bytes[start..end)`, or continues one.
 *
 * @param bytes The data.
 * @param start First byte included. @default 0
 * @param end Byte after the last one included. @default bytes.length
 * @param previous A CRC returned by an earlier call, to continue over more data. @default 0
 * @returns The CRC as an unsigned 32-bit integer.
 * @example Checking the standard test vector
 * ```ts
 * import { crc32c } from "./crc32c.ts";
 * const crc = crc32c(new TextEncoder().encode("123456789"));
 * console.log(crc.toString(16)); // "e3069283"
 * ```
 */
export function crc32c(
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
  previous = 0,
): number {
  return crc32cView(
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    start,
    end,
    previous,
  );
}

/**
 * {@link crc32c} over a `DataView`: what the capture parser and encoder call
 * with the view they keep of their buffer, so that no view is made per
 * record. Each step reads eight bytes as two little-endian words, a quarter
 * of the loads of a byte-wise loop.
 *
 * @param view The data.
 * @param start First byte included.
 * @param end Byte after the last one included.
 * @param previous A CRC returned by an earlier call, to continue over more data. @default 0
 * @returns The CRC as an unsigned 32-bit integer.
 * @example
 * ```ts
 * import { crc32cView } from "./crc32c.ts";
 * const bytes = new TextEncoder().encode("123456789");
 * console.log(crc32cView(new DataView(bytes.buffer), 0, 9).toString(16)); // "e3069283"
 * ```
 */
export function crc32cView(view: DataView, start: number, end: number, previous = 0): number {
  const t = tables ??= buildTables();
  let crc = ~previous;
  let i = start;
  for (const last8 = end - 8; i <= last8; i += 8) {
    crc ^= view.getInt32(i, true);
    const w = view.getInt32(i + 4, true);
    crc = t[1792 + (crc & 0xff)]! ^ t[1536 + ((crc >>> 8) & 0xff)]! ^
      t[1280 + ((crc >>> 16) & 0xff)]! ^ t[1024 + (crc >>> 24)]! ^
      t[768 + (w & 0xff)]! ^ t[512 + ((w >>> 8) & 0xff)]! ^ t[256 + ((w >>> 16) & 0xff)]! ^
      t[w >>> 24]!;
  }
  for (; i < end; i++) crc = t[(crc ^ view.getUint8(i)) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
