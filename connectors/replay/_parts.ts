/**
 * A rotated recording read as one: the bytes of `capture.twr`, then of
 * `capture.1.twr`, `capture.2.twr`, ... for as long as the next part exists. Parts
 * joined end to end are one capture (FORMAT.md, "Concatenation"), raw or gzip.
 *
 * @module
 */

import { type ChunkSource, streamSource } from "./capture/source.ts";
import { type FileAdapter, files } from "./_files.ts";
import { partPath } from "./_rotating-file.ts";

/** One part, read into recycled memory where the runtime's adapter can. */
function openPart(fs: FileAdapter, path: string): Promise<ChunkSource> {
  return fs.openChunks?.(path) ?? fs.openRead(path).then(streamSource);
}

/**
 * Opens a capture file and the parts rotated after it.
 *
 * @param path The first part (a numbered part is read alone: its own next part
 *   would be `name.1.1.twr`).
 * @returns The parts' bytes, in order, as one source (cancelling it closes the
 *   open part); its chunks are lent when the runtime's adapter lends them.
 * @throws The runtime's error when the first part cannot be opened.
 */
export async function openParts(path: string): Promise<ChunkSource> {
  const fs = await files();
  let part = await openPart(fs, path);
  let n = 0;
  let done = false;
  return {
    lends: part.lends === true,
    async read(): Promise<Uint8Array | undefined> {
      while (!done) {
        const chunk = await part.read();
        if (chunk !== undefined) return chunk;
        const next = partPath(path, ++n);
        if (done || !(await fs.exists(next))) break;
        const opened = await openPart(fs, next);
        if (done) {
          await opened.cancel();
          break;
        }
        part = opened;
      }
      done = true;
      return undefined;
    },
    cancel(): Promise<void> {
      done = true;
      return part.cancel();
    },
  };
}
