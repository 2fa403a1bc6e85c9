/**
 * Where capture bytes come from: a pull interface over chunks, built from a Web
 * `ReadableStream` (a file opened by a runtime adapter, a `fetch` body, memory).
 *
 * @module
 */

/** A source of byte chunks, pulled one at a time. */
export interface ChunkSource {
  /**
   * Reads the next chunk.
   * @returns The chunk, or `undefined` at the end. May reject on an I/O error.
   */
  read(): Promise<Uint8Array | undefined>;
  /** Stops reading and releases the underlying resource. Never rejects. */
  cancel(): Promise<void>;
  /**
   * Whether a chunk is lent rather than given: valid only until the next
   * `read()`, after which the source reads into its memory again (a file
   * read into recycled buffers). A reader that keeps bytes longer copies them.
   * @default false
   */
  readonly lends?: boolean;
}

/**
 * A chunk source over a `ReadableStream`.
 *
 * @param stream Bytes (a `fetch` body, a file stream, ...).
 * @returns The source; `cancel()` cancels the stream.
 * @example
 * ```ts
 * import { streamSource } from "./source.ts";
 * const src = streamSource(new Response("hello").body!);
 * console.log((await src.read())?.length); // 5
 * ```
 */
export function streamSource(stream: ReadableStream<Uint8Array>): ChunkSource {
  const reader = stream.getReader();
  let done = false;
  return {
    async read(): Promise<Uint8Array | undefined> {
      if (done) return undefined;
      const r = await reader.read();
      if (r.done) {
        done = true;
        return undefined;
      }
      return r.value;
    },
    async cancel(): Promise<void> {
      if (done) return;
      done = true;
      try {
        await reader.cancel();
      } catch {
        // already errored or closed
      }
    },
  };
}

/**
 * A source that first yields `head`, then the rest of `rest`.
 *
 * @param head Bytes already read (yielded first unless empty).
 * @param rest The remaining source.
 * @returns The joined source.
 */
export function prependSource(head: Uint8Array, rest: ChunkSource): ChunkSource {
  let first: Uint8Array | undefined = head.length > 0 ? head : undefined;
  return {
    read(): Promise<Uint8Array | undefined> {
      if (first === undefined) return rest.read();
      const out = first;
      first = undefined;
      return Promise.resolve(out);
    },
    cancel: () => rest.cancel(),
    lends: rest.lends === true,
  };
}

/**
 * A source that gives what a lending source lends: each chunk copied, for a
 * reader that keeps chunks past the next read (the gzip decoder does).
 *
 * @param source The source.
 * @returns `source` itself when it does not lend; otherwise a copying source.
 */
export function ownedSource(source: ChunkSource): ChunkSource {
  if (source.lends !== true) return source;
  return {
    read: async () => (await source.read())?.slice(),
    cancel: () => source.cancel(),
  };
}

/**
 * Reads at least `n` bytes from the start of a source (fewer only at its end).
 *
 * @param source The source.
 * @param n Bytes wanted.
 * @returns The bytes read (joined, or copied from a lending source) and a source
 *   that yields them again, then the rest.
 */
export async function peekSource(
  source: ChunkSource,
  n: number,
): Promise<{ head: Uint8Array; source: ChunkSource }> {
  const owned = ownedSource(source);
  const parts: Uint8Array[] = [];
  let have = 0;
  while (have < n) {
    const chunk = await owned.read();
    if (chunk === undefined) break;
    parts.push(chunk);
    have += chunk.length;
  }
  const head = parts.length === 1 ? parts[0]! : join(parts, have);
  return { head, source: prependSource(head, source) };
}

function join(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
