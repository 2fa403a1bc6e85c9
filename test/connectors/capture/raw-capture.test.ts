import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32c } from "../../../connectors/replay/capture/crc32c.ts";
import { RawEncoder } from "../../../connectors/replay/capture/raw-encoder.ts";
import {
  CAPTURE_MAGIC,
  encodeHeader,
  KIND_PAYLOAD,
} from "../../../connectors/replay/capture/raw-format.ts";
import { END, NEED_MORE, RawParser } from "../../../connectors/replay/capture/raw-parser.ts";
import { xxh32 } from "../../../connectors/replay/capture/xxh32.ts";
import type { CaptureIssue } from "../../../connectors/replay/capture/issues.ts";
import { openCapture } from "../../../connectors/replay/capture/reader.ts";
import type { MarketEvent } from "../../../src/events.ts";
import { isDecodeError } from "../../../src/errors.ts";
import {
  quote,
  readAll,
  sampleCapture,
  samplePayload,
  status,
  streamOf,
  utf8,
} from "./_helpers.ts";

/** A capture and the end offset of every record in it (topic records included). */
function withBoundaries(n: number): { bytes: Uint8Array; ends: number[]; headerEnd: number } {
  const enc = new RawEncoder();
  enc.begin({ source: "settrade", created: 1, part: 0, meta: {} });
  const headerEnd = enc.pending;
  const ends: number[] = [];
  for (let i = 1; i <= n; i++) {
    if (i % 4 === 0) enc.status(status("stale", 1000 + i));
    else if (i % 4 === 1) enc.event(quote(i) as MarketEvent);
    else enc.payload("proto/topic/infov3/PTT", samplePayload(i), i, i, 0);
    ends.push(enc.pending);
  }
  return { bytes: enc.take(), ends, headerEnd };
}

async function expectDecodeError(
  bytes: Uint8Array,
  name: string,
  code: string,
  pattern: RegExp,
): Promise<void> {
  const err = await openCapture(streamOf(bytes), { name }).then(() => undefined, (e: unknown) => e);
  expect(isDecodeError(err)).toBe(true);
  expect((err as { code: string }).code).toBe(code);
  expect((err as Error).message).toMatch(pattern);
}

describe("raw capture format", () => {
  it("reads back every record it wrote, with header, topics, payload bytes and events", async () => {
    const { records, issues } = await readAll(sampleCapture(9));
    expect(issues).toEqual([]);
    expect(records.map((r) => r.kind)).toEqual([
      "status",
      ...Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? "payload" : "event")),
      "close",
    ]);
    const first = records[1]!;
    expect(
      first.kind === "payload" && [first.topic, [...first.payload], first.recvTs, first.recvMono],
    ).toEqual([
      "proto/topic/bidofferv3/S1",
      [...samplePayload(1)],
      1_767_582_000_001,
      1001,
    ]);
    const ev = records[2]!;
    expect(ev.kind === "event" && ev.event).toEqual(quote(2));
    const reader = await openCapture(streamOf(sampleCapture(1)));
    expect(reader.format).toBe("raw");
    expect(reader.header).toEqual({
      version: 2,
      created: 1_767_582_000_000,
      source: "settrade",
      part: 0,
      meta: { note: "test" },
    });
  });

  it("gives the same records whatever the chunk sizes", async () => {
    const bytes = sampleCapture(25);
    const whole = (await readAll(bytes, { chunk: bytes.length })).records;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), async (chunk) => {
        const { records, issues } = await readAll(bytes, { chunk });
        expect(issues).toEqual([]);
        expect(records).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it("reads a damaged capture the same whatever the chunk sizes, stopping or skipping", async () => {
    const bytes = sampleCapture(25);
    const headerEnd = 24 + new DataView(bytes.buffer).getUint32(20, true) + 4;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 400 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom("stop" as const, "skip" as const),
        async (chunk, where, xor, onCorrupt) => {
          const damaged = bytes.slice();
          damaged[headerEnd + (where % (bytes.length - headerEnd))] ^= xor;
          const whole = await readAll(damaged, { chunk: damaged.length, onCorrupt });
          const chunked = await readAll(damaged, { chunk, onCorrupt });
          expect(chunked.records).toEqual(whole.records);
          if (onCorrupt === "skip") expect(chunked.issues).toEqual(whole.issues);
          else {
            // Stopping, the reader knows only what it has received: whether the
            // damage runs to the end, and how many bytes it leaves, depend on it.
            const where = (i: CaptureIssue) => [i.code, i.offset, i.record];
            expect(chunked.issues.map(where)).toEqual(whole.issues.map(where));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps every complete record of a file cut at any byte and reports the cut with offset and record number", async () => {
    const { bytes, ends, headerEnd } = withBoundaries(12);
    const topicEnd = ends[0]! + 10 + 4 + "proto/topic/infov3/PTT".length;
    const frames = [headerEnd, ...ends, topicEnd];
    for (let cut = headerEnd; cut < bytes.length; cut++) {
      const { records, issues } = await readAll(bytes.subarray(0, cut), { chunk: 64 });
      expect(records).toHaveLength(ends.filter((e) => e <= cut).length);
      if (frames.includes(cut)) expect(issues).toEqual([]);
      else {
        expect(issues).toHaveLength(1);
        const lastFrame = Math.max(...frames.filter((e) => e <= cut));
        expect(issues[0]).toMatchObject({
          code: "truncated",
          tail: true,
          offset: lastFrame,
          skipped: cut - lastFrame,
        });
        expect(issues[0]!.message).toMatch(
          /record \d+ at byte \d+ ends inside it: \d+( of \d+)? bytes present/,
        );
      }
    }
  });

  it("reports a flipped byte in the middle and stops there by default, keeping what came before", async () => {
    const { bytes, ends } = withBoundaries(10);
    const damaged = bytes.slice();
    damaged[ends[4]! + 12] ^= 0x40;
    const { records, issues } = await readAll(damaged);
    expect(records).toHaveLength(5);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "corrupt", offset: ends[4], tail: false });
    expect(issues[0]!.message).toMatch(/checksum mismatch.*reading stops here/);
  });

  it("skips a damaged record with onCorrupt skip and resynchronises on the next valid one", async () => {
    const { bytes, ends } = withBoundaries(10);
    const damaged = bytes.slice();
    damaged[ends[4]! + 1] = 0x77;
    const { records, issues } = await readAll(damaged, { onCorrupt: "skip", chunk: 7 });
    const all = (await readAll(bytes)).records;
    expect(records.length).toBe(all.length - 1);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: "corrupt",
      offset: ends[4],
      skipped: ends[5]! - ends[4]!,
      tail: false,
    });
    expect(issues[0]!.message).toMatch(
      /is damaged \(unknown kind 119\); skipped \d+ bytes to the next valid record at byte \d+/,
    );
  });

  it("reports a damaged tail with nothing valid after it as a tail, even when skipping", async () => {
    const { bytes } = withBoundaries(6);
    const tail = new Uint8Array(bytes.length + 100);
    tail.set(bytes);
    const { records, issues } = await readAll(tail, { onCorrupt: "skip" });
    expect(records).toHaveLength(6);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: "corrupt",
      offset: bytes.length,
      tail: true,
      skipped: 100,
    });
  });

  it("rejects wrong magic, a future format version, a damaged header and a cut header by name and place", async () => {
    const good = sampleCapture(1);
    await expectDecodeError(
      utf8("PK\x03\x04 zip file"),
      "x.twr",
      "magic",
      /"x\.twr" is not a tickwire capture: wrong magic at byte 0 \(expected 89 54 57 52.*got 50 4b 03 04/,
    );
    const future = good.slice();
    future[8] = 3;
    await expectDecodeError(
      future,
      "f.twr",
      "version",
      /"f\.twr" has format version 3, newer than this reader \(version 2\)/,
    );
    const header = good.slice();
    header[30] ^= 1;
    await expectDecodeError(
      header,
      "h.twr",
      "header",
      /corrupt header: checksum mismatch at byte 0/,
    );
    await expectDecodeError(
      good.slice(0, 15),
      "c.twr",
      "truncated",
      /"c\.twr" is truncated inside its header: 15 of at least 24 bytes/,
    );
    await expectDecodeError(new Uint8Array(0), "e.twr", "truncated", /"e\.twr" is empty/);
  });

  it("reads a record whose JSON is not a valid event as damaged, naming the field", async () => {
    const enc = new RawEncoder();
    enc.begin({ source: "x", created: 0, part: 0, meta: {} });
    enc.event(quote(1) as MarketEvent);
    enc.event({ ...quote(2), bid: "high" } as unknown as MarketEvent);
    enc.event(quote(3) as MarketEvent);
    const bytes = enc.take();
    const stop = await readAll(bytes);
    expect(stop.records).toHaveLength(1);
    expect(stop.issues[0]).toMatchObject({ code: "schema", field: "bid", record: 2 });
    expect(stop.issues[0]!.message).toMatch(
      /record 2 at byte \d+ is not a valid event: field "bid"/,
    );
    const skip = await readAll(bytes, { onCorrupt: "skip" });
    expect(skip.records.map((r) => r.kind === "event" && (r.event as { seq: number }).seq)).toEqual(
      [1, 3],
    );
  });

  it("reports payloads whose topic record was lost in a skipped region", async () => {
    const enc = new RawEncoder();
    enc.begin({ source: "x", created: 0, part: 0, meta: {} });
    const start = enc.pending;
    enc.payload("t/a", utf8("one"), 1, 1, 0);
    enc.payload("t/a", utf8("two"), 2, 2, 0);
    const bytes = enc.take();
    bytes[start + 8] ^= 0xff;
    const { records, issues } = await readAll(bytes, { onCorrupt: "skip" });
    expect(records).toEqual([]);
    expect(issues.map((i) => i.code)).toEqual(["corrupt", "topic", "topic"]);
    expect(issues[1]!.message).toMatch(/refers to topic 1, which was never defined/);
  });

  it("reads concatenated captures (for example rotated parts joined with cat) as one", async () => {
    const a = sampleCapture(3);
    const b = sampleCapture(4, "other");
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    const reader = await openCapture(streamOf(both, 50));
    const kinds: string[] = [];
    for await (const r of reader.records()) kinds.push(r.kind);
    expect(reader.issues).toEqual([]);
    expect(kinds.filter((k) => k === "close")).toHaveLength(2);
    expect(reader.header?.source).toBe("other");
  });

  it("starts with the documented magic and checksums its header (XXH32; CRC-32C in version 1)", () => {
    const h = encodeHeader({ source: "s", created: 5, part: 2, meta: { a: 1 } });
    expect([...h.subarray(0, 8)]).toEqual([...CAPTURE_MAGIC]);
    const view = new DataView(h.buffer);
    expect(view.getUint16(8, true)).toBe(2);
    const len = view.getUint32(20, true);
    expect(view.getUint32(24 + len, true)).toBe(xxh32(h, 0, 24 + len));
    const h1 = encodeHeader({ source: "s", created: 5, part: 2, meta: { a: 1 } }, 1);
    const view1 = new DataView(h1.buffer);
    expect(view1.getUint16(8, true)).toBe(1);
    expect(view1.getUint32(24 + len, true)).toBe(crc32c(h1, 0, 24 + len));
    expect(JSON.parse(new TextDecoder().decode(h.subarray(24, 24 + len)))).toEqual({
      source: "s",
      part: 2,
      meta: { a: 1 },
    });
  });

  it("checksums each record with XXH32 over kind, length and body (CRC-32C in version 1)", () => {
    for (const [version, sum] of [[2, xxh32], [1, crc32c]] as const) {
      const bytes = sampleCapture(1, "settrade", version);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const at = 24 + view.getUint32(20, true) + 4; // the first record
      expect(bytes[at]).toBe(0xd5);
      const len = view.getUint32(at + 2, true);
      expect(view.getUint32(at + 6 + len, true)).toBe(sum(bytes, at + 1, at + 6 + len));
    }
  });
});

describe("RawParser", () => {
  it("hands out each payload as a range of its buffer, the same bytes as the payload view", () => {
    const p = new RawParser("test");
    const bytes = sampleCapture(9);
    for (let at = 0; at < bytes.length; at += 100) p.push(bytes.subarray(at, at + 100));
    p.end();
    const seen: number[][] = [];
    for (let kind = p.next(); kind !== END; kind = p.next()) {
      if (kind === NEED_MORE) throw new Error("all input was pushed");
      if (kind !== KIND_PAYLOAD) continue;
      const range = p.payloadBuffer.subarray(p.payloadStart, p.payloadEnd);
      expect([...range]).toEqual([...p.payload]);
      seen.push([...range]);
    }
    expect(seen).toEqual([1, 3, 5, 7, 9].map((i) => [...samplePayload(i)]));
  });
});

describe("raw capture format, version 1 (CRC-32C)", () => {
  it("reads a version-1 capture record for record as the same capture in version 2", async () => {
    const v1 = await readAll(sampleCapture(7, "settrade", 1), { chunk: 37 });
    const v2 = await readAll(sampleCapture(7, "settrade", 2));
    expect(v1.issues).toEqual([]);
    expect(v1.records).toEqual(v2.records);
    const reader = await openCapture(streamOf(sampleCapture(1, "settrade", 1)));
    expect(reader.header?.version).toBe(1);
  });

  it("finds a damaged version-1 record by its CRC and resynchronises on the next", async () => {
    const bytes = sampleCapture(5, "settrade", 1);
    const damaged = bytes.slice();
    damaged[Math.floor(bytes.length / 2)] ^= 0x40;
    const { records, issues } = await readAll(damaged, { onCorrupt: "skip" });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/checksum mismatch|corrupt|damaged/);
    expect(records.length).toBeGreaterThan(3);
    expect(records.at(-1)!.kind).toBe("close");
  });

  it("reads a version-1 part followed by a version-2 part (joined with cat) as one", async () => {
    const one = sampleCapture(3, "settrade", 1);
    const two = sampleCapture(3, "other", 2);
    const joined = new Uint8Array(one.length + two.length);
    joined.set(one);
    joined.set(two, one.length);
    const { records, issues } = await readAll(joined, { chunk: 50 });
    expect(issues).toEqual([]);
    expect(records.filter((r) => r.kind === "close")).toHaveLength(2);
    expect(records).toHaveLength(
      (await readAll(one)).records.length + (await readAll(two)).records.length,
    );
  });

  it("refuses to write a format version it does not know", () => {
    expect(() => new RawEncoder(3 as 2)).toThrow(/format version must be 1 or 2, got 3/);
  });
});
