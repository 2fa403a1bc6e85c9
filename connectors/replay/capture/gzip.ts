/**
 * Compressed captures, with the Web `CompressionStream` / `DecompressionStream`.
 *
 * A compressed capture is a series of gzip blocks (members), one per flush of the
 * recorder, so that a crash loses at most the block being written. That is a valid
 * gzip file (`gzip -d`, `zcat` read it). Each block's header carries an extra field
 * `TW` (4 bytes, little-endian) with the block's total length, so a reader can split
 * blocks without decompressing: it decompresses them one by one (portable: not every
 * runtime's `DecompressionStream` reads several members), reports a truncated or
 * damaged block with its file offset, and, with `onCorrupt: "skip"`, goes on at the next
 * block. A gzip file without that field (made by another tool) is read as one stream.
 *
 * @module
 */

import { DecodeError } from "../../../src/errors.ts";
import { ChunkBuffer } from "./_chunk-buffer.ts";
import type { CaptureIssueCode, GzipIssueHandler, OnCorrupt } from "./issues.ts";
import { inflate, type MemberSource, wholeStream } from "./_inflate.ts";

/** Default of `maxInflatedBytes`: the most bytes a compressed capture may decompress to. */
export const DEFAULT_MAX_INFLATED: number = 16 * 1024 ** 3;
import type { ChunkSource } from "./source.ts";

const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const FHCRC = 2;
/** Header (10) + XLEN (2) + subfield `TW` (2 + 2 + 4). */
const BLOCK_HEADER = 20;
/**
 * Most output of one member held until the member is checked whole: the recorder's
 * members hold one flush (64 KiB by default); a larger member's output past this is
 * handed over unchecked, as it comes.
 */
const HOLD_MAX = 16 * 1_048_576;

/**
 * Whether bytes start like gzip data (`1f 8b`).
 * @param head The first bytes.
 * @returns `true` for the gzip magic.
 * @example
 * ```ts
 * import { isGzip } from "./gzip.ts";
 * console.log(isGzip(new Uint8Array([0x1f, 0x8b, 8]))); // true
 * ```
 */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Compresses bytes into one gzip block carrying its own length (see the module docs).
 *
 * @param bytes Uncompressed data.
 * @returns A complete gzip member.
 * @example
 * ```ts
 * import { gzipBlock, isGzip } from "./gzip.ts";
 * const block = await gzipBlock(new TextEncoder().encode("hello"));
 * console.log(isGzip(block)); // true
 * ```
 */
export async function gzipBlock(bytes: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream("gzip");
  const writer = cs.writable.getWriter();
  void writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
  void writer.close().catch(() => {});
  return tagMember(new Uint8Array(await new Response(cs.readable).arrayBuffer()));
}

/**
 * Gives a gzip member (as any gzip compressor writes it) the header of a capture's
 * block: the extra field `TW` with the block's total length (see the module docs).
 * The compressed data and the trailer are kept as they are.
 *
 * @param plain One complete gzip member.
 * @param alloc Makes the output array, every byte of which is written (a runtime's
 *   uninitialized allocation saves clearing it). @default `new Uint8Array(size)`
 * @returns The same member with the `TW` field in place of any name, comment or
 *   other extra field.
 * @example
 * ```ts
 * import { tagMember } from "./gzip.ts";
 * const plain = new Uint8Array(await new Response(
 *   new Blob(["hello"]).stream().pipeThrough(new CompressionStream("gzip")),
 * ).arrayBuffer());
 * const block = tagMember(plain);
 * console.log(block.length === plain.length + 10, block[3]); // true 4
 * ```
 */
export function tagMember(
  plain: Uint8Array,
  alloc: (size: number) => Uint8Array = (size) => new Uint8Array(size),
): Uint8Array {
  const start = headerLength(plain);
  const size = BLOCK_HEADER + plain.length - start;
  const out = alloc(size);
  out.set(plain.subarray(0, 10), 0);
  out[3] = FEXTRA;
  out.set([8, 0, 0x54, 0x57, 4, 0], 10);
  new DataView(out.buffer, out.byteOffset, BLOCK_HEADER).setUint32(16, size, true);
  out.set(plain.subarray(start), BLOCK_HEADER);
  return out;
}

function headerLength(b: Uint8Array): number {
  const flg = b[3]!;
  let at = 10;
  if (flg & FEXTRA) at += 2 + (b[10]! | (b[11]! << 8));
  if (flg & FNAME) at = b.indexOf(0, at) + 1;
  if (flg & FCOMMENT) at = b.indexOf(0, at) + 1;
  if (flg & FHCRC) at += 2;
  return at;
}

/**
 * Decompresses a compressed capture block by block, as a {@link ChunkSource}.
 *
 * @param src Compressed bytes.
 * @param onCorrupt After a damaged block: `"stop"`, or `"skip"` to the next block.
 * @param onIssue Receives each problem.
 * @returns Decompressed chunks.
 */
export function gunzipSource(
  src: ChunkSource,
  onCorrupt: OnCorrupt,
  onIssue: GzipIssueHandler,
  maxInflated: number = DEFAULT_MAX_INFLATED,
): ChunkSource {
  const inp = new ChunkBuffer();
  let srcDone = false;
  let done = false;
  let stream: ChunkSource | undefined;
  let inflated = 0;
  /**
   * The member being decompressed, with what its end means; `checked` while its
   * output is held until the member is known to be whole (see `hold`).
   */
  let member:
    | {
      out: MemberSource;
      at: number;
      complete: boolean;
      length: number;
      size: number;
      checked: boolean;
    }
    | undefined;
  /** Output ready to be handed over, in order. */
  const ready: Uint8Array[] = [];

  const fill = async (n: number): Promise<boolean> => {
    while (inp.available < n && !srcDone) {
      const chunk = await src.read();
      if (chunk === undefined) srcDone = true;
      else inp.push(chunk);
    }
    return inp.available >= n;
  };

  /** Reports a problem; then stops, or (`skip`) goes on, rescanning from the next byte if asked. */
  const fail = async (
    code: CaptureIssueCode,
    what: string,
    at: number,
    tail: boolean,
    rescan = false,
  ): Promise<void> => {
    onIssue(code, what, at, tail);
    if (tail || onCorrupt === "stop") done = true;
    else if (rescan) await resync();
  };

  /** Skips to the next block header that carries the `TW` field. */
  const resync = async (): Promise<void> => {
    inp.pos += 1;
    for (;;) {
      if (!(await fill(BLOCK_HEADER))) {
        onIssue(
          "gzip",
          "no further readable compressed block; the rest is skipped",
          inp.offset,
          true,
        );
        done = true;
        return;
      }
      const b = inp.buf;
      const s = b.subarray(0, inp.end).indexOf(0x1f, inp.pos);
      if (s < 0) {
        inp.pos = inp.end;
        continue;
      }
      inp.pos = s;
      if (!(await fill(BLOCK_HEADER))) continue;
      const p = inp.pos;
      const c = inp.buf;
      if (
        c[p + 1] === 0x8b && c[p + 2] === 8 && c[p + 3] === FEXTRA && c[p + 10] === 8 &&
        c[p + 12] === 0x54 && c[p + 13] === 0x57
      ) return;
      inp.pos = p + 1;
    }
  };

  const nextBlock = async (): Promise<void> => {
    if (!(await fill(1))) {
      done = true;
      return;
    }
    const at = inp.offset;
    const cutHeader = (): Promise<void> =>
      fail("truncated", `ends inside a gzip block header (${inp.available} bytes)`, at, true);
    if (!(await fill(10))) return cutHeader();
    const b = inp.buf;
    const p = inp.pos;
    if (b[p] !== 0x1f || b[p + 1] !== 0x8b || b[p + 2] !== 8) {
      return fail("gzip", "holds bytes that are not a gzip block", at, false, true);
    }
    let size: number | undefined;
    if (b[p + 3] === FEXTRA) {
      if (!(await fill(BLOCK_HEADER))) return cutHeader();
      const c = inp.buf;
      const q = inp.pos;
      if (c[q + 10] === 8 && c[q + 11] === 0 && c[q + 12] === 0x54 && c[q + 13] === 0x57) {
        size = new DataView(c.buffer, c.byteOffset + q + 16, 4).getUint32(0, true);
      }
    }
    if (size === undefined || size < BLOCK_HEADER) {
      stream = wholeStream(inp.buf.slice(inp.pos, inp.end), src, onIssue, at);
      inp.pos = inp.end;
      return;
    }
    const complete = await fill(size);
    const block = inp.buf.slice(inp.pos, inp.pos + Math.min(size, inp.available));
    inp.pos += block.length;
    // A whole member's output is held until its end checks it (CRC and length): a
    // damaged member then yields nothing, whatever the runtime's decompressor hands
    // over before it fails. A cut one (what a crash leaves) is read as far as it goes.
    member = { out: inflate(block), at, complete, length: block.length, size, checked: !complete };
  };

  /** The member's output has ended: a cut or damaged member is reported now. */
  const endMember = (): Promise<void> => {
    const m = member!;
    member = undefined;
    if (!m.complete) {
      return fail(
        "truncated",
        `ends inside a compressed block: ${m.length} of ${m.size} bytes (a write cut short)`,
        m.at,
        true,
      );
    }
    if (m.out.error !== undefined) {
      return fail("gzip", `holds a damaged compressed block (${m.out.error})`, m.at, false);
    }
    return Promise.resolve();
  };

  /** Counts decompressed bytes; past the limit, reading ends with one issue. */
  const counted = async (chunk: Uint8Array | undefined, at: number): Promise<boolean> => {
    if (chunk === undefined) return true;
    inflated += chunk.length;
    if (inflated <= maxInflated) return true;
    done = true;
    onIssue(
      "gzip",
      `decompresses to more than ${maxInflated} bytes (maxInflatedBytes, --max-inflated-mb): ` +
        `a gzip bomb or a larger capture than allowed; reading stops here`,
      at,
      true,
    );
    await member?.out.cancel();
    member = undefined;
    await stream?.cancel();
    stream = undefined;
    return false;
  };

  /**
   * Reads a whole member's output into `ready`, up to {@link HOLD_MAX} bytes (past
   * that, or past `maxInflatedBytes`, what was held is handed over and the rest
   * follows as it comes); drops it all when the member turns out damaged.
   */
  const hold = async (m: NonNullable<typeof member>): Promise<void> => {
    const held: Uint8Array[] = [];
    let bytes = 0;
    for (;;) {
      const chunk = await m.out.read();
      if (chunk === undefined) break;
      if (!(await counted(chunk, m.at))) break;
      held.push(chunk);
      bytes += chunk.length;
      if (bytes >= HOLD_MAX) break;
    }
    m.checked = true;
    if (m.out.error === undefined) ready.push(...held);
  };

  return {
    async read(): Promise<Uint8Array | undefined> {
      for (;;) {
        if (ready.length > 0) return ready.shift();
        if (done) return undefined;
        if (stream !== undefined) {
          const chunk = await stream.read();
          return (await counted(chunk, inp.offset)) ? chunk : undefined;
        }
        if (member !== undefined && !member.checked) {
          await hold(member);
          continue;
        }
        if (member !== undefined) {
          const chunk = await member.out.read();
          if (chunk === undefined) {
            await endMember();
            continue;
          }
          if (!(await counted(chunk, member.at))) return undefined;
          return chunk;
        }
        await nextBlock();
      }
    },
    async cancel(): Promise<void> {
      done = true;
      await member?.out.cancel();
      await (stream ?? src).cancel();
    },
  };
}

/**
 * Checks that a file named `.gz` is gzip data.
 *
 * @param name File name.
 * @param head Its first bytes.
 * @throws DecodeError with code `"gzip"`, naming the file and its first bytes.
 */
export function checkGzipName(name: string, head: Uint8Array): void {
  if (!name.endsWith(".gz") || isGzip(head)) return;
  const first = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new DecodeError(
    `[capture] ${
      JSON.stringify(name)
    } is named .gz but is not gzip-compressed: byte 0 starts with ${
      first === "" ? "nothing (empty file)" : first
    }, expected 1f 8b`,
    { code: "gzip", offset: 0 },
  );
}
