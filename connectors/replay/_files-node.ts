/**
 * The file adapter for Node and Bun (`node:fs/promises`).
 *
 * @module
 */

import { access, open } from "node:fs/promises";
import type { ChunkSource } from "./capture/source.ts";
import type { FileAdapter, FileWriter } from "./_file-adapter.ts";

/**
 * Bytes read per call. 256 KiB rather than 1 MiB: replaying at full speed, a
 * chunk this size is read into memory the allocator reuses and that stays in
 * the processor's cache while the parser copies and checksums it; 1 MiB chunks
 * came in fresh pages each time (page faults, the kernel zeroing them) and cost
 * about a tenth more processor time for the same capture.
 */
const CHUNK = 256 * 1024;

/** Files through `node:fs/promises`. */
export const fileAdapter: FileAdapter = {
  /**
   * Two buffers, used in turn: while the reader parses the chunk in one, the
   * next chunk is read into the other (the read goes on in libuv's thread
   * pool, so the replay does not wait for it), and a chunk is lent until the
   * next `read()`. A new buffer per chunk cost the kernel's page faults and
   * zeroing on every chunk, about a third of the replay's own processor time.
   */
  async openChunks(path: string): Promise<ChunkSource> {
    const fh = await open(path, "r");
    const bufs = [new Uint8Array(CHUNK), new Uint8Array(CHUNK)] as const;
    let turn = 0;
    let closed = false;
    const readInto = (buf: Uint8Array): Promise<number> => {
      const p = fh.read(buf, 0, CHUNK, null).then((r) => r.bytesRead);
      // A read ahead that fails after a cancel is nobody's error.
      p.catch(() => {});
      return p;
    };
    let ahead: Promise<number> | undefined = readInto(bufs[0]);
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      const pending = ahead;
      ahead = undefined;
      await pending?.catch(() => {});
      await fh.close();
    };
    return {
      lends: true,
      async read(): Promise<Uint8Array | undefined> {
        if (ahead === undefined) return undefined;
        let n: number;
        try {
          n = await ahead;
        } catch (e) {
          ahead = undefined;
          await close().catch(() => {});
          throw e;
        }
        if (closed) return undefined;
        if (n === 0) {
          ahead = undefined;
          await close();
          return undefined;
        }
        const buf = bufs[turn]!;
        turn ^= 1;
        ahead = readInto(bufs[turn]!);
        return buf.subarray(0, n);
      },
      cancel: () => close().catch(() => {}),
    };
  },

  async openRead(path: string): Promise<ReadableStream<Uint8Array>> {
    const fh = await open(path, "r");
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await fh.close();
    };
    return new ReadableStream<Uint8Array>({
      async pull(controller): Promise<void> {
        const buf = new Uint8Array(CHUNK);
        let n: number;
        try {
          n = (await fh.read(buf, 0, CHUNK, null)).bytesRead;
        } catch (e) {
          await close().catch(() => {});
          throw e;
        }
        if (n === 0) {
          await close();
          controller.close();
        } else controller.enqueue(buf.subarray(0, n));
      },
      cancel: close,
    }, { highWaterMark: 1 });
  },

  async openWrite(path: string, overwrite: boolean): Promise<FileWriter> {
    const fh = await open(path, overwrite ? "w" : "wx");
    return {
      async write(bytes: Uint8Array): Promise<void> {
        let at = 0;
        while (at < bytes.length) {
          at += (await fh.write(bytes, at, bytes.length - at)).bytesWritten;
        }
      },
      async writev(chunks: readonly Uint8Array[]): Promise<void> {
        let rest = chunks;
        while (rest.length > 0) {
          let n = (await fh.writev(rest as Uint8Array[])).bytesWritten;
          // A partial write: go on from the first byte not written.
          let i = 0;
          while (i < rest.length && n >= rest[i]!.length) n -= rest[i++]!.length;
          rest = i < rest.length ? [rest[i]!.subarray(n), ...rest.slice(i + 1)] : [];
        }
      },
      sync: () => fh.sync(),
      close: () => fh.close(),
    };
  },

  exists: (path: string): Promise<boolean> => access(path).then(() => true, () => false),
};
