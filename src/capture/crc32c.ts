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
 * import { crc32c } from "@tickwire/tickwire/connectors/replay";
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
  const t = tables ??= buildTables();
  let crc = ~previous;
  let i = start;
  for (const last8 = end - 8; i <= last8; i += 8) {
    crc ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    crc = t[1792 + (crc & 0xff)]! ^ t[1536 + ((crc >>> 8) & 0xff)]! ^
      t[1280 + ((crc >>> 16) & 0xff)]! ^ t[1024 + (crc >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^ t[512 + bytes[i + 5]!]! ^ t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < end; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
