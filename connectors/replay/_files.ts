/**
 * File access for the replay connector and the recorder, behind one small
 * interface. The adapter is chosen at run time: `Deno.open` on Deno, `node:fs` on
 * Node and Bun, each loaded only when a file is first opened. Everything else in
 * the connector works on Web streams and runs anywhere.
 *
 * @module
 */

/** A file opened for writing. */
export interface FileWriter {
  /** Writes every byte (looping over partial writes); resolves once the OS has them. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** What the connector needs from the runtime's file system. */
export interface FileAdapter {
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
}

let adapter: Promise<FileAdapter> | undefined;

/**
 * The file adapter of the current runtime (loaded on first use).
 * @returns The adapter.
 * @throws Error on a runtime without a file system (use `stream` there).
 */
export function files(): Promise<FileAdapter> {
  adapter ??= "Deno" in globalThis
    ? import("./_files-deno.ts").then((m) => m.denoFiles)
    : import("./_files-node.ts").then((m) => m.nodeFiles);
  return adapter;
}
