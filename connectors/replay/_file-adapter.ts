/**
 * What the replay connector and the recorder need from a runtime's file system:
 * one small interface, implemented once per runtime (`_files-node.ts`,
 * `_files-deno.ts`, `_files-web.ts`) and chosen by package conditions (see
 * `_files.ts`).
 *
 * @module
 */

import type { ChunkSource } from "./capture/source.ts";

/** A file opened for writing. */
export interface FileWriter {
  /** Writes every byte (looping over partial writes); resolves once the OS has them. */
  write(bytes: Uint8Array): Promise<void>;
  /** Writes the chunks one after the other (with one call where the runtime can). */
  writev(chunks: readonly Uint8Array[]): Promise<void>;
  /** Asks the OS to put what was written on the disk (fsync); resolves once it has. */
  sync(): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** What the connector needs from the runtime's file system. */
export interface FileAdapter {
  /**
   * Opens a file for reading into memory the reader recycles: each chunk is
   * lent (valid until the next `read()`), so a long replay neither allocates
   * nor zeroes a buffer per chunk. Optional: {@link FileAdapter.openRead} serves
   * where it is missing.
   * @param path File path.
   * @returns Its bytes, as a lending chunk source (`cancel()` closes the file).
   */
  openChunks?(path: string): Promise<ChunkSource>;
  /**
   * Opens a file for reading.
   * @param path File path.
   * @returns Its bytes as a stream (cancelling it closes the file).
   */
  openRead(path: string): Promise<ReadableStream<Uint8Array>>;
  /**
   * Creates a file for writing.
   * @param path File path.
   * @param overwrite Replace an existing file; otherwise an existing file is an error.
   * @returns The writer.
   */
  openWrite(path: string, overwrite: boolean): Promise<FileWriter>;
  /**
   * Whether a file exists (the replay of a rotated set looks for the next part).
   * @param path File path. @returns `false` when it does not, or cannot be read.
   */
  exists(path: string): Promise<boolean>;
}
