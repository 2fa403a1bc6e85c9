/**
 * The gzip adapter for runtimes without `node:zlib` (browsers, workers): the Web
 * `CompressionStream`.
 *
 * @module
 */

import { gzipBlock } from "./capture/gzip.ts";
import type { GzipAdapter } from "./_gzip-adapter.ts";

/** Members through `CompressionStream` (its default level). */
export const gzipAdapter: GzipAdapter = { member: gzipBlock };
