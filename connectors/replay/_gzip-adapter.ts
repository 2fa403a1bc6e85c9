/**
 * What the recorder needs from its runtime to write a compressed capture: one
 * flush compressed into one gzip member carrying its length (`capture/gzip.ts`).
 * The adapter is chosen by package conditions (the import `#replay-gzip`, see
 * `_gzip.ts`), so a browser or worker bundle never sees `node:zlib`:
 *
 * | condition | adapter |
 * | --- | --- |
 * | `node`, `bun`, `deno` | `_gzip-node.ts` (`node:zlib`, on its thread pool, fastest level) |
 * | `default` (browsers, workers) | `_gzip-web.ts` (the Web `CompressionStream`) |
 *
 * Both write the same format; any gzip reader reads either.
 *
 * @module
 */

/** The runtime's gzip compressor. */
export interface GzipAdapter {
  /**
   * Compresses bytes into one gzip member carrying its own length.
   * @param bytes Uncompressed data.
   * @returns The member.
   */
  member(bytes: Uint8Array): Promise<Uint8Array>;
}
