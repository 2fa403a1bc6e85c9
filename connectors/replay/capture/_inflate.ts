/**
 * Decompression helpers of the gzip reader, with the Web `DecompressionStream`.
 *
 * @module
 */

import type { GzipIssueHandler } from "./issues.ts";
import type { ChunkSource } from "./source.ts";

/**
 * Decompresses one gzip member, keeping what came out before an error.
 * @param bytes The member.
 * @returns The output chunks, and the error message if decompression failed.
 */
export async function inflate(bytes: Uint8Array): Promise<{ out: Uint8Array[]; error?: string }> {
  const ds = new DecompressionStream("gzip");
  const writer = ds.writable.getWriter();
  void writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
  void writer.close().catch(() => {});
  const reader = ds.readable.getReader();
  const out: Uint8Array[] = [];
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return { out };
      out.push(r.value);
    }
  } catch (e) {
    return { out, error: e instanceof Error ? e.message : String(e) };
  }
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
  let done = false;
  return {
    async read(): Promise<Uint8Array | undefined> {
      if (done) return undefined;
      try {
        const r = await reader.read();
        if (!r.done) return r.value;
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        onIssue("gzip", `holds compressed data that ends early or is damaged (${why})`, at, true);
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
