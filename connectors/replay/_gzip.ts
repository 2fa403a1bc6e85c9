/**
 * Gzip compression for the recorder. The adapter is chosen by package conditions,
 * not at run time, so a bundler for a browser or a worker never sees `node:zlib`:
 * the import `#replay-gzip` resolves (package.json `imports`, deno.json `imports`) to
 *
 * | condition | adapter |
 * | --- | --- |
 * | `node`, `bun`, `deno` | `_gzip-node.ts` (`node:zlib`, level 1, on the thread pool) |
 * | `default` (browsers, workers) | `_gzip-web.ts` (the Web `CompressionStream`) |
 *
 * @module
 */

import { gzipAdapter } from "#replay-gzip";
import type { GzipAdapter } from "./_gzip-adapter.ts";

export type { GzipAdapter } from "./_gzip-adapter.ts";

/**
 * The gzip adapter of the current runtime.
 * @returns The adapter.
 */
export function gzip(): GzipAdapter {
  return gzipAdapter;
}
