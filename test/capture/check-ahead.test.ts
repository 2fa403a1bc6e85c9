/**
 * `CheckAhead` (what the replay's reading thread runs) and the parser's side
 * of it (`RawParser.vouch`), on one thread: the blocks it hands on, what it
 * vouches for, and that a capture read through it gives exactly the records
 * and problems that reading it alone gives, sound or damaged.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CheckAhead } from "../../src/capture/check-ahead.ts";
import { gzipBlock } from "../../src/capture/gzip.ts";
import { eventLine } from "../../src/capture/ndjson.ts";
import { RawEncoder } from "../../src/capture/raw-encoder.ts";
import { FRAME_OVERHEAD } from "../../src/capture/raw-format.ts";
import { END, NEED_MORE, RawParser } from "../../src/capture/raw-parser.ts";
import { type CaptureRecord, openCapture } from "../../src/capture/reader.ts";
import type { ChunkSource } from "../../src/capture/source.ts";
import type { CaptureIssue, OnCorrupt } from "../../src/capture/issues.ts";
import type { MarketEvent } from "../../src/events.ts";
import { quote, readAll, sampleCapture, samplePayload, utf8 } from "./_helpers.ts";

interface Block {
  readonly bytes: Uint8Array;
  readonly checked: number;
}

/** Runs `CheckAhead` over `bytes` pushed in chunks of `chunk` bytes. */
function check(bytes: Uint8Array, chunk: number): Block[] {
  const blocks: Block[] = [];
  const ahead = new CheckAhead((b, checked) => blocks.push({ bytes: b, checked }));
  for (let at = 0; at < bytes.length; at += chunk) ahead.push(bytes.slice(at, at + chunk));
  ahead.end();
  return blocks;
}

/** A source that yields the blocks, with their `checked`, as the reading thread's does. */
function blockSource(blocks: readonly Block[]): ChunkSource {
  let i = 0;
  let checked = 0;
  return {
    read() {
      const b = blocks[i++];
      if (b !== undefined) checked = b.checked;
      return Promise.resolve(b?.bytes);
    },
    cancel: () => Promise.resolve(),
    checked: () => checked,
  };
}

async function readBlocks(
  blocks: readonly Block[],
  onCorrupt: OnCorrupt,
): Promise<{ records: CaptureRecord[]; issues: CaptureIssue[] }> {
  const reader = await openCapture(blockSource(blocks), { name: "stream", onCorrupt });
  const records: CaptureRecord[] = [];
  for await (const r of reader.records()) records.push(r);
  return { records, issues: reader.issues };
}

function concat(blocks: readonly Block[]): Uint8Array {
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.bytes.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b.bytes, at);
    at += b.bytes.length;
  }
  return out;
}

/** The end of a capture's header. */
function headerEnd(bytes: Uint8Array): number {
  return 24 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(20, true) + 4;
}

/**
 * A capture, and the offset where each of its frames ends (`ends[0]`: the
 * header's end), read off the frames' length fields.
 */
function capture(n: number): { bytes: Uint8Array; ends: number[] } {
  const enc = new RawEncoder();
  enc.begin({ source: "settrade", created: 1, part: 0, meta: {} });
  for (let i = 1; i <= n; i++) {
    if (i % 3 === 0) enc.event(quote(i) as MarketEvent);
    else enc.payload(`proto/topic/bidofferv3/S${i % 4}`, samplePayload(i), i, i, 0);
  }
  enc.close(2, "closed");
  const bytes = enc.take();
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const ends = [headerEnd(bytes)];
  while (ends.at(-1)! < bytes.length) {
    ends.push(ends.at(-1)! + FRAME_OVERHEAD + view.getUint32(ends.at(-1)! + 2, true));
  }
  expect(ends.at(-1)).toBe(bytes.length);
  return { bytes, ends };
}

describe("CheckAhead", () => {
  it("hands a sound capture on unchanged, in blocks of whole records, each a buffer of its own", () => {
    const { bytes, ends } = capture(60);
    const boundaries = new Set(ends);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 700 }), (chunk) => {
        const blocks = check(bytes, chunk);
        expect(concat(blocks)).toEqual(bytes);
        let end = 0;
        for (const b of blocks) {
          end += b.bytes.length;
          expect(boundaries.has(end)).toBe(true);
          expect(b.checked).toBeLessThanOrEqual(end);
          expect(b.bytes.byteOffset).toBe(0);
          expect(b.bytes.byteLength).toBe(b.bytes.buffer.byteLength);
        }
        expect(blocks.at(-1)!.checked).toBe(bytes.length);
      }),
      { numRuns: 100 },
    );
  });

  it("reads to the same records and problems as the capture read alone, sound or damaged, stopping or skipping", async () => {
    const bytes = sampleCapture(40);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 500 }),
        fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { nil: undefined }),
        fc.constantFrom("stop" as const, "skip" as const),
        async (chunk, damage, onCorrupt) => {
          const input = bytes.slice();
          const from = headerEnd(input);
          if (damage !== undefined) input[from + (damage[0] % (input.length - from))] ^= damage[1];
          const alone = await readAll(input, { chunk: input.length, onCorrupt });
          const blocks = check(input, chunk);
          expect(concat(blocks)).toEqual(input);
          const through = await readBlocks(blocks, onCorrupt);
          expect(through.records).toEqual(alone.records);
          const where = (i: CaptureIssue) => [i.code, i.offset, i.record];
          expect(through.issues.map(where)).toEqual(alone.issues.map(where));
          if (alone.issues.length === 0) expect(blocks.at(-1)!.checked).toBe(input.length);
          else expect(blocks.at(-1)!.checked).toBeLessThanOrEqual(alone.issues[0]!.offset);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("passes NDJSON, gzip and a damaged header on as they come, vouching for nothing", async () => {
    const ndjson = utf8(eventLine(quote(1)) + eventLine(quote(2)));
    const gzip = await gzipBlock(sampleCapture(5));
    const badHeader = sampleCapture(5);
    badHeader[10] ^= 1;
    for (const input of [ndjson, gzip, badHeader]) {
      const blocks = check(input, 7);
      expect(concat(blocks)).toEqual(input);
      expect(blocks.every((b) => b.checked === 0)).toBe(true);
    }
  });
});

describe("RawParser.vouch", () => {
  /** The capture with the checksum of the frame ending at `end` made wrong. */
  function badSum(bytes: Uint8Array, end: number): Uint8Array {
    const out = bytes.slice();
    out[end - 1] ^= 0xff;
    return out;
  }

  function drain(p: RawParser): number {
    let n = 0;
    for (;;) {
      const k = p.next();
      if (k === END || k === NEED_MORE) return n;
      n++;
    }
  }

  it("does not compute the checksums of the frames it is told were checked", () => {
    const { bytes, ends } = capture(10);
    const input = badSum(bytes, ends[5]!);
    const issues: CaptureIssue[] = [];
    const alone = new RawParser("x", "stop", (i) => issues.push(i));
    alone.push(input);
    alone.end();
    drain(alone);
    expect(issues.map((i) => i.message)).toEqual([expect.stringMatching(/checksum mismatch/)]);

    const vouched = new RawParser("x", "stop", (i) => issues.push(i));
    vouched.push(input);
    vouched.vouch(ends[5]!);
    vouched.end();
    issues.length = 0;
    drain(vouched);
    expect(issues).toEqual([]);
  });

  it("checks every checksum again, whatever it is told, once it has met a damaged record", () => {
    const { bytes, ends } = capture(10);
    // Frame 3 loses its marker (skipped on resync); frame 6's checksum is wrong.
    const input = badSum(bytes, ends[6]!);
    input[ends[2]!] ^= 0xff;
    const issues: CaptureIssue[] = [];
    const p = new RawParser("x", "skip", (i) => issues.push(i));
    p.push(input);
    p.vouch(input.length);
    p.end();
    drain(p);
    // (Payloads whose topic record was in the skipped frame are reported too.)
    expect(issues[0]!.offset).toBe(ends[2]);
    expect(issues[0]!.message).toMatch(/where a record starts/);
    expect(issues.find((i) => i.offset === ends[5])?.message).toMatch(/checksum mismatch/);
  });

  it("skips no checksum beyond the offset it was given", () => {
    const { bytes, ends } = capture(10);
    const input = badSum(bytes, ends[4]!);
    const issues: CaptureIssue[] = [];
    const p = new RawParser("x", "stop", (i) => issues.push(i));
    p.push(input);
    p.vouch(ends[4]! - 1);
    p.end();
    drain(p);
    expect(issues.map((i) => i.offset)).toEqual([ends[3]]);
    expect(issues[0]!.message).toMatch(/checksum mismatch/);
  });
});
