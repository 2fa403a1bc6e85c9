/**
 * The file adapter for runtimes without a file system (browsers, workers): it
 * opens nothing, and says what to do instead.
 *
 * @module
 */

import { ConfigError } from "../../src/errors.ts";
import type { FileAdapter, FileWriter } from "./_file-adapter.ts";

function noFiles(what: string, path: string): ConfigError {
  return new ConfigError(`[replay] cannot ${what} ${JSON.stringify(path)}`, [{
    key: "file",
    message: "this runtime has no file system: give the capture as `stream` (a " +
      "ReadableStream, a Response, a Blob or a Uint8Array) instead of a file path",
  }]);
}

/** No files: every call rejects with a ConfigError naming the option to use instead. */
export const fileAdapter: FileAdapter = {
  openRead(path: string): Promise<ReadableStream<Uint8Array>> {
    return Promise.reject(noFiles("read", path));
  },
  openWrite(path: string): Promise<FileWriter> {
    return Promise.reject(noFiles("write", path));
  },
  exists: (): Promise<boolean> => Promise.resolve(false),
};
