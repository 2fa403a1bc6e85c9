/**
 * The recorder's output: a file (or a `WritableStream`) written by one serialized
 * queue of operations, optionally gzip-compressed block by block, and rotated to
 * numbered parts on request (`capture.twr`, `capture.1.twr`, `capture.2.twr`, ...).
 *
 * @module
 */

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
  /** Compresses one flush into one gzip member carrying its length (when `gzip`). */
  readonly compress: (bytes: Uint8Array) => Promise<Uint8Array>;
  /**
   * Most bytes (uncompressed) of queued flushes written by one call. The recorder
   * gives half of `maxPendingBytes`: a paused producer resumes when half of it is
   * written, so the first write to end lets it go on while the next one runs.
   */
  readonly batchBytes: number;
  /** When to fsync: never, after a write at most every `fsyncMs`, or after every write. */
  readonly fsync: FsyncPolicy;
  readonly fsyncMs: number;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  readonly overwrite: boolean;
  readonly logger: Logger;
}

/** Most compressions under way at once (each holds a deflate state of about 300 KiB). */
const MAX_COMPRESSING = 4;

/** One flush handed to {@link RotatingFile.write}, waiting to be written. */
interface Flush {
  readonly op: undefined;
  /** Uncompressed bytes. */
  readonly bytes: Uint8Array;
  /** Takes the bytes back once they are written (or compressed). */
  readonly release: ((bytes: Uint8Array) => void) | undefined;
  /** Its gzip member (gzip only), settled once compressed. */
  member: Promise<Uint8Array> | undefined;
  /** Starts compressing it (gzip only); never rejects (the member does). */
  begin: (() => Promise<void>) | undefined;
}

/** An operation queued between flushes (open, rotate, close). */
interface Op {
  readonly op: () => Promise<void>;
  /** Runs instead of `op` once a write has failed. */
  readonly skipped: (() => Promise<unknown>) | undefined;
  readonly done: () => void;
}

/**
 * A serialized writer over a path or a stream.
 *
 * Flushes and operations (rotate, close) are done in order, by one loop. A flush is
 * written as soon as nothing else is being written; flushes queued meanwhile are
 * written together by the next call (a vectored write where the runtime has one,
 * never more than were queued, so what a crash can lose is still what was queued).
 * Compressed, each flush is still its own gzip member; members are compressed as
 * soon as they are queued, several at once (on Node, Bun and Deno, zlib works on a
 * thread pool, beside the producer), and written in order.
 *
 * An fsync under the `interval` policy runs beside the writes that follow it instead
 * of holding them up: it covers what was written before it began, as the policy
 * promises, and the next one begins only after it ends. A part's last fsync and its
 * close also run beside the next part's writes; `close()` waits for all of them.
 */
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
  /** Flushes and operations in order; the loop takes them from the front. */
  #entries: (Flush | Op)[] = [];
  #looping = false;
  /** Flushes not yet given to the compressor, in order (gzip). */
  #toCompress: Flush[] = [];
  #compressing = 0;
  /** The interval fsync under way, if any. */
  #syncing: Promise<void> | undefined;
  /** Parts being synced and closed beside the writes to the next one. */
  readonly #closing = new Set<Promise<void>>();

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
    await this.#run(async () => {
      await this.#ensureOpen();
    });
    if (this.error !== undefined) throw this.error;
  }

  /**
   * Queues bytes for writing.
   * @param bytes Uncompressed bytes, owned by the file from now on.
   * @param release Given the bytes back once they are no longer needed (written, or
   *   compressed), so that their buffer can be used again.
   */
  write(bytes: Uint8Array, release?: (bytes: Uint8Array) => void): void {
    // After an error nothing more is written: nor compressed, nor counted as queued.
    if (bytes.length === 0 || this.error !== undefined) return;
    // A stream's sink may keep the chunks it is given: they are never reused.
    if (typeof this.#target !== "string") release = undefined;
    this.queued += bytes.length;
    const flush: Flush = { op: undefined, bytes, release, member: undefined, begin: undefined };
    if (this.#o.gzip) {
      flush.member = new Promise<Uint8Array>((resolve, reject) => {
        flush.begin = async () => {
          try {
            resolve(await this.#o.compress(bytes));
          } catch (e) {
            reject(e);
          }
          release?.(bytes);
        };
      });
      // The member of a flush skipped after an error is never awaited.
      flush.member.catch(() => {});
      this.#toCompress.push(flush);
      this.#compressMore();
    }
    this.#push(flush);
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

  /** Closes the current part; the next write opens the next one. */
  rotate(): void {
    void this.#run(() => {
      const w = this.#writer;
      this.#writer = undefined;
      this.#part++;
      if (w !== undefined) {
        // The old part is synced and closed beside the first writes to the next one.
        const done = this.#finish(w).catch((e) => this.#fail(e));
        this.#closing.add(done);
        void done.then(() => this.#closing.delete(done));
      }
      return Promise.resolve();
    });
  }

  /** Closes the output once everything queued is written. Never rejects (see `error`). */
  close(): Promise<void> {
    return this.#run(async () => {
      const w = this.#writer;
      this.#writer = undefined;
      await Promise.all(this.#closing);
      if (w !== undefined) await this.#finish(w);
    }, () => Promise.all(this.#closing));
  }

  /** Starts compressing queued flushes, in order, up to {@link MAX_COMPRESSING} at once. */
  #compressMore(): void {
    while (this.#compressing < MAX_COMPRESSING && this.#toCompress.length > 0) {
      const flush = this.#toCompress.shift()!;
      this.#compressing++;
      void flush.begin!().then(this.#compressed);
    }
  }

  readonly #compressed = (): void => {
    this.#compressing--;
    this.#compressMore();
  };

  #run(op: () => Promise<void>, skipped?: () => Promise<unknown>): Promise<void> {
    return new Promise((done) => this.#push({ op, skipped, done }));
  }

  #push(entry: Flush | Op): void {
    this.#entries.push(entry);
    if (!this.#looping) {
      this.#looping = true;
      void this.#loop();
    }
  }

  /** Does the queued flushes and operations, in order, until none is left. */
  async #loop(): Promise<void> {
    const entries = this.#entries;
    while (entries.length > 0) {
      const head = entries[0]!;
      if (head.op !== undefined) {
        entries.shift();
        if (this.error !== undefined) await head.skipped?.();
        else {
          try {
            await head.op();
          } catch (e) {
            this.#fail(e);
          }
        }
        head.done();
        continue;
      }
      let n = 1;
      let size = head.bytes.length;
      // Under `every-flush`, each flush is written and synced on its own.
      const most = this.#o.fsync === "every-flush" ? 0 : this.#o.batchBytes;
      for (; n < entries.length; n++) {
        const next = entries[n]!;
        if (next.op !== undefined || size + next.bytes.length > most) break;
        size += next.bytes.length;
      }
      const flushes = entries.splice(0, n) as Flush[];
      if (this.error === undefined) {
        try {
          await this.#writeFlushes(flushes);
        } catch (e) {
          this.#fail(e);
        }
      } else if (this.#o.gzip) {
        this.#toCompress = this.#toCompress.filter((f) => !flushes.includes(f));
      }
      this.queued -= size;
      this.#wake();
    }
    this.#looping = false;
  }

  /** Writes flushes (or their members) with one call. */
  async #writeFlushes(flushes: readonly Flush[]): Promise<void> {
    const writer = this.#writer ?? await this.#ensureOpen();
    const chunks = this.#o.gzip
      ? await Promise.all(flushes.map((f) => f.member!))
      : flushes.map((f) => f.bytes);
    if (chunks.length === 1) await writer.write(chunks[0]!);
    else await writer.writev(chunks);
    for (const c of chunks) this.bytes += c.length;
    if (!this.#o.gzip) { for (const f of flushes) f.release?.(f.bytes); }
    await this.#maybeSync(writer, false);
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

  /** Waits for an interval fsync under way, syncs per the policy on closing, closes. */
  async #finish(w: FileWriter): Promise<void> {
    await this.#syncing;
    await this.#maybeSync(w, true);
    await w.close();
  }

  /**
   * Syncs per the policy; `closing` syncs under every policy but `none`. Under
   * `interval`, the sync runs beside the next writes (see the class docs).
   */
  async #maybeSync(w: FileWriter, closing: boolean): Promise<void> {
    const policy = this.#o.fsync;
    if (policy === "none" || typeof this.#target !== "string") return;
    const now = this.#o.now();
    if (policy === "interval" && !closing) {
      if (this.#syncing !== undefined || now - this.#synced < this.#o.fsyncMs) return;
      this.#synced = now;
      this.syncs++;
      const syncing = w.sync().catch((e) => this.#fail(e)).finally(() => {
        if (this.#syncing === syncing) this.#syncing = undefined;
      });
      this.#syncing = syncing;
      return;
    }
    this.#synced = now;
    this.syncs++;
    await w.sync();
  }

  /** Keeps the first error and logs it; later writes are skipped. */
  #fail(e: unknown): void {
    if (this.error !== undefined) return;
    this.error = e instanceof Error ? e : new Error(String(e));
    this.#o.logger.error(
      `[recorder] cannot write ${JSON.stringify(this.label)}: ${this.error.message}`,
    );
    this.#wake();
  }

  async #ensureOpen(): Promise<FileWriter> {
    if (this.#writer !== undefined) return this.#writer;
    const target = this.#target;
    if (typeof target !== "string") {
      if (this.#part > 0) throw new Error("[recorder] a stream output cannot be rotated");
      const w = target.getWriter();
      this.#writer = {
        write: (b) => w.write(b),
        async writev(chunks): Promise<void> {
          for (const c of chunks) await w.write(c);
        },
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
