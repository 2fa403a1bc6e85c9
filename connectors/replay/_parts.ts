/**
 * A rotated recording read as one: the bytes of `capture.twr`, then of
 * `capture.1.twr`, `capture.2.twr`, ... for as long as the next part exists. Parts
 * joined end to end are one capture (FORMAT.md, "Concatenation"), raw or gzip.
 *
 * @module
 */

import { files } from "./_files.ts";
import { partPath } from "./_rotating-file.ts";

/**
 * Opens a capture file and the parts rotated after it.
 *
 * @param path The first part (a numbered part is read alone: its own next part
 *   would be `name.1.1.twr`).
 * @returns The parts' bytes, in order, as one stream (cancelling it closes the open part).
 * @throws The runtime's error when the first part cannot be opened.
 */
export async function openParts(path: string): Promise<ReadableStream<Uint8Array>> {
  const fs = await files();
  let reader = (await fs.openRead(path)).getReader();
  let n = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      for (;;) {
        const r = await reader.read();
        if (!r.done) {
          controller.enqueue(r.value);
          return;
        }
        const next = partPath(path, ++n);
        if (!(await fs.exists(next))) {
          controller.close();
          return;
        }
        reader = (await fs.openRead(next)).getReader();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 1 });
}
