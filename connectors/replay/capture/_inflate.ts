/**
 * Decompression helpers of the gzip reader, with the Web `DecompressionStream`.
 *
 * @module
 */

import type { GzipIssueHandler } from "./issues.ts";
import type { ChunkSource } from "./source.ts";

/** Compressed bytes given to the decompressor at a time. */
const SLICE = 16_384;

/** One gzip member being decompressed, chunk by chunk (never held whole). */
export interface MemberSource {
  /** The next output chunk, or `undefined` at the end or after an error (see `error`). */
  read(): Promise<Uint8Array | undefined>;
  /** Why decompression failed, once it has. */
  readonly error: string | undefined;
  /** Stops decompressing. Never rejects. */
  cancel(): Promise<void>;
}

/**
 * Decompresses one gzip member as its output is read, keeping what came out before
 * an error: memory stays at a chunk, whatever the member inflates to.
 * @param bytes The member.
 * @returns Its output, pulled.
 */
export function inflate(bytes: Uint8Array): MemberSource {
  const ds = new DecompressionStream("gzip");
  const writer = ds.writable.getWriter();
  // Fed a slice at a time, as its output is read: a decompressor that inflates all
  // of what it is given at once (Deno's) then holds at most a slice's output (about
  // 1,000 times the slice for a gzip bomb), not the whole member's.
  void (async () => {
    for (let at = 0; at < bytes.length; at += SLICE) {
      await writer.write(bytes.subarray(at, at + SLICE) as Uint8Array<ArrayBuffer>);
    }
    await writer.close();
  })().catch(() => {});
  let error: string | undefined;
  const output = untilFirstError(ds.readable.getReader(), (why) => {
    error = why;
  });
  return {
    get error() {
      return error;
    },
    read: () => output.read(),
    cancel: () => output.cancel(),
  };
}

/**
 * A gzip stream without block lengths, decompressed as one stream.
 * @param head Bytes already read. @param src The rest. @param onIssue Problems.
 * @param at File offset of the stream.
 * @returns Decompressed chunks.
 */
export function wholeStream(
  head: Uint8Array,
  src: ChunkSource,
  onIssue: GzipIssueHandler,
  at: number,
): ChunkSource {
  let first = true;
  const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller): Promise<void> {
      if (first) {
        first = false;
        if (head.length > 0) return controller.enqueue(head as Uint8Array<ArrayBuffer>);
      }
      const chunk = await src.read();
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
    },
    cancel: () => src.cancel(),
  });
  const reader = body.pipeThrough(new DecompressionStream("gzip")).getReader();
  return untilFirstError(reader, (why) => {
    onIssue("gzip", `holds compressed data that ends early or is damaged (${why})`, at, true);
  });
}

/**
 * Decompressed output up to its end or its first error, after which it reads
 * as ended: what came out before the error is kept, nothing after it.
 * @param reader The decompressed stream.
 * @param onError Told why, when an error ends it.
 * @returns The output, pulled.
 */
function untilFirstError(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  onError: (why: string) => void,
): ChunkSource {
  let done = false;
  return {
    async read(): Promise<Uint8Array | undefined> {
      if (done) return undefined;
      try {
        const r = await reader.read();
        if (!r.done) return r.value;
      } catch (e) {
        onError(e instanceof Error ? e.message : String(e));
      }
      done = true;
      return undefined;
    },
    async cancel(): Promise<void> {
      done = true;
      await reader.cancel().catch(() => {});
    },
  };
}
