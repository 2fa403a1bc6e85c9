/**
 * The recorder's output: a file (or a `WritableStream`) written by one serialized
 * queue of operations, optionally gzip-compressed block by block, and rotated to
 * numbered parts on request (`capture.twr`, `capture.1.twr`, `capture.2.twr`, ...).
 *
 * @module
 */

import { gzipBlock } from "./capture/gzip.ts";
import type { Logger } from "../../src/log.ts";
import { files, type FileWriter } from "./_files.ts";

/**
 * The path of part `n` of a rotated output: the part number goes before the
 * extension (`.gz` and one more are kept at the end).
 *
 * @param path Path of the first part.
 * @param n Part number (0 = the path itself).
 * @returns The part's path.
 * @example
 * ```ts
 * import { partPath } from "./_rotating-file.ts";
 * console.log(partPath("data/s.twr.gz", 2)); // "data/s.2.twr.gz"
 * ```
 */
export function partPath(path: string, n: number): string {
  if (n === 0) return path;
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const dir = path.slice(0, slash + 1);
  let base = path.slice(slash + 1);
  let ext = "";
  if (base.endsWith(".gz")) {
    ext = ".gz";
    base = base.slice(0, -3);
  }
  const dot = base.lastIndexOf(".");
  if (dot > 0) {
    ext = base.slice(dot) + ext;
    base = base.slice(0, dot);
  }
  return `${dir}${base}.${n}${ext}`;
}

/** When the recorder asks the OS to put written bytes on the disk (fsync). */
export type FsyncPolicy = "none" | "interval" | "every-flush";

/** Options of {@link RotatingFile}. */
export interface RotatingFileOptions {
  readonly gzip: boolean;
  /** When to fsync: never, after a write at most every `fsyncMs`, or after every write. */
  readonly fsync: FsyncPolicy;
  readonly fsyncMs: number;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  readonly overwrite: boolean;
  readonly logger: Logger;
}

/** A serialized writer over a path or a stream. */
export class RotatingFile {
  /** Paths opened so far (empty for a stream). */
  readonly paths: string[] = [];
  /** Bytes written so far (compressed when compressing), all parts together. */
  bytes = 0;
  /** The first write or open error; later writes are skipped. */
  error: Error | undefined;
  /** fsync calls made. */
  syncs = 0;
  /** Uncompressed bytes handed to {@link RotatingFile.write} and not written yet. */
  queued = 0;
  #waiters: { below: number; resolve: () => void }[] = [];
  readonly #target: string | WritableStream<Uint8Array>;
  readonly #o: RotatingFileOptions;
  #part = 0;
  #writer: FileWriter | undefined;
  #synced = 0;
  #queue: Promise<void> = Promise.resolve();

  /**
   * @param target Path, or a stream (never rotated; closed on `close()`).
   * @param options Compression, overwrite policy, logger.
   */
  constructor(target: string | WritableStream<Uint8Array>, options: RotatingFileOptions) {
    this.#target = target;
    this.#o = options;
  }

  /** Name for messages. */
  get label(): string {
    return typeof this.#target === "string" ? this.#target : "stream";
  }

  /**
   * Opens the first part now, so that a bad path fails before recording starts.
   * @throws The runtime's error (the file exists, a directory is missing, ...).
   */
  async open(): Promise<void> {
    await this.#run(() => this.#ensureOpen());
    if (this.error !== undefined) throw this.error;
  }

  /** @param bytes Uncompressed bytes, queued for writing (owned by the file from now on). */
  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.queued += bytes.length;
    void this.#run(async () => {
      try {
        const writer = await this.#ensureOpen();
        const data = this.#o.gzip ? await gzipBlock(bytes) : bytes;
        await writer.write(data);
        this.bytes += data.length;
        await this.#maybeSync(writer, false);
      } finally {
        this.queued -= bytes.length;
        this.#wake();
      }
    });
  }

  /**
   * Waits until fewer than `below` bytes are queued (at once if they are, or after an
   * error, since nothing more will be written).
   * @param below Bytes. @returns Resolves then; never rejects.
   */
  whenBelow(below: number): Promise<void> {
    if (this.queued < below || this.error !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ below, resolve }));
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const failed = this.error !== undefined;
    this.#waiters = this.#waiters.filter((w) => {
      if (!failed && this.queued >= w.below) return true;
      w.resolve();
      return false;
    });
  }

  /** Closes the current part; the next write opens the next one. */
  rotate(): void {
    void this.#run(async () => {
      const w = this.#writer;
      this.#writer = undefined;
      this.#part++;
      if (w !== undefined) await this.#maybeSync(w, true);
      await w?.close();
    });
  }

  /** Closes the output once everything queued is written. Never rejects (see `error`). */
  close(): Promise<void> {
    return this.#run(async () => {
      const w = this.#writer;
      this.#writer = undefined;
      if (w !== undefined) await this.#maybeSync(w, true);
      await w?.close();
    });
  }

  /** Syncs per the policy; `closing` syncs under every policy but `none`. */
  async #maybeSync(w: FileWriter, closing: boolean): Promise<void> {
    const policy = this.#o.fsync;
    if (policy === "none" || typeof this.#target !== "string") return;
    const now = this.#o.now();
    if (policy === "interval" && !closing && now - this.#synced < this.#o.fsyncMs) return;
    this.#synced = now;
    this.syncs++;
    await w.sync();
  }

  #run(op: () => Promise<unknown>): Promise<void> {
    this.#queue = this.#queue.then(async () => {
      if (this.error !== undefined) {
        this.#wake();
        return;
      }
      try {
        await op();
      } catch (e) {
        this.error = e instanceof Error ? e : new Error(String(e));
        this.#o.logger.error(
          `[recorder] cannot write ${JSON.stringify(this.label)}: ${this.error.message}`,
        );
        this.#wake();
      }
    });
    return this.#queue;
  }

  async #ensureOpen(): Promise<FileWriter> {
    if (this.#writer !== undefined) return this.#writer;
    const target = this.#target;
    if (typeof target !== "string") {
      if (this.#part > 0) throw new Error("[recorder] a stream output cannot be rotated");
      const w = target.getWriter();
      this.#writer = {
        write: (b) => w.write(b),
        sync: () => Promise.resolve(),
        close: () => w.close(),
      };
      return this.#writer;
    }
    const path = partPath(target, this.#part);
    this.#writer = await (await files()).openWrite(path, this.#o.overwrite);
    this.paths.push(path);
    return this.#writer;
  }
}
