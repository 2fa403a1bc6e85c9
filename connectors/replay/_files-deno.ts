/**
 * The file adapter for Deno (`Deno.open`).
 *
 * @module
 */

import type { FileAdapter, FileWriter } from "./_file-adapter.ts";

interface DenoFile {
  readonly readable: ReadableStream<Uint8Array>;
  write(bytes: Uint8Array): Promise<number>;
  sync(): Promise<void>;
  close(): void;
}

interface DenoOpenOptions {
  read?: boolean;
  write?: boolean;
  create?: boolean;
  createNew?: boolean;
  truncate?: boolean;
}

interface DenoLike {
  open(path: string, options: DenoOpenOptions): Promise<DenoFile>;
  stat(path: string): Promise<unknown>;
}

function deno(): DenoLike {
  return (globalThis as unknown as { Deno: DenoLike }).Deno;
}

/** Files through `Deno.open`. */
export const fileAdapter: FileAdapter = {
  async openRead(path: string): Promise<ReadableStream<Uint8Array>> {
    const file = await deno().open(path, { read: true });
    return file.readable;
  },

  async openWrite(path: string, overwrite: boolean): Promise<FileWriter> {
    const file = await deno().open(
      path,
      overwrite ? { write: true, create: true, truncate: true } : { write: true, createNew: true },
    );
    return {
      async write(bytes: Uint8Array): Promise<void> {
        let at = 0;
        while (at < bytes.length) at += await file.write(bytes.subarray(at));
      },
      async writev(chunks: readonly Uint8Array[]): Promise<void> {
        for (const bytes of chunks) {
          let at = 0;
          while (at < bytes.length) at += await file.write(bytes.subarray(at));
        }
      },
      sync: () => file.sync(),
      close(): Promise<void> {
        file.close();
        return Promise.resolve();
      },
    };
  },

  async exists(path: string): Promise<boolean> {
    try {
      await deno().stat(path);
      return true;
    } catch {
      return false;
    }
  },
};
