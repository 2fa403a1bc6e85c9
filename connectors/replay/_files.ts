/**
 * File access for the replay connector and the recorder. The adapter is chosen
 * by package conditions, not at run time, so a bundler for a browser or a worker
 * never sees `node:fs`: the import `#replay-files` resolves (package.json
 * `imports`, deno.json `imports`) to
 *
 * | condition | adapter |
 * | --- | --- |
 * | `deno` | `_files-deno.ts` (`Deno.open`) |
 * | `node` (Node, Bun) | `_files-node.ts` (`node:fs/promises`) |
 * | `default` (browsers, workers) | `_files-web.ts`: no paths; replay from a stream, a `Response`, a `Blob` or bytes |
 *
 * @module
 */

import { fileAdapter } from "#replay-files";
import type { FileAdapter } from "./_file-adapter.ts";

export type { FileAdapter, FileWriter } from "./_file-adapter.ts";

/**
 * The file adapter of the current runtime.
 * @returns The adapter.
 */
export function files(): Promise<FileAdapter> {
  return Promise.resolve(fileAdapter);
}
