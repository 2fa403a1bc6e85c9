import { describe, expect, it } from "vitest";
import { gzipBlock, isGzip } from "../../../connectors/replay/capture/gzip.ts";
import { openCapture } from "../../../connectors/replay/capture/reader.ts";
import { isDecodeError } from "../../../src/errors.ts";
import { readAll, sampleCapture, streamOf, utf8 } from "./_helpers.ts";

async function gzipPlain(bytes: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream("gzip");
  const w = cs.writable.getWriter();
  void w.write(bytes as Uint8Array<ArrayBuffer>);
  void w.close();
  return new Uint8Array(await new Response(cs.readable).arrayBuffer());
}

/** A compressed capture split in blocks, and the file offset of each block. */
async function blocks(
  bytes: Uint8Array,
  size: number,
): Promise<{ file: Uint8Array; starts: number[] }> {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    parts.push(await gzipBlock(bytes.subarray(at, at + size)));
  }
  const file = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  const starts: number[] = [];
  let at = 0;
  for (const p of parts) {
    starts.push(at);
    file.set(p, at);
    at += p.length;
  }
  return { file, starts };
}

async function gunzipWithWebApi(bytes: Uint8Array): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  const { file } = { file: bytes };
  // Decompress block by block with the standard API, as another tool would see each member.
  let at = 0;
  while (at < file.length) {
    const size = new DataView(file.buffer, file.byteOffset + at + 16, 4).getUint32(0, true);
    const ds = new DecompressionStream("gzip");
    const w = ds.writable.getWriter();
    void w.write(file.slice(at, at + size));
    void w.close();
    out.push(new Uint8Array(await new Response(ds.readable).arrayBuffer()));
    at += size;
  }
  return Uint8Array.from(out.flatMap((o) => [...o]));
}

describe("gzip-compressed captures", () => {
  it("writes standard gzip blocks that carry their length", async () => {
    const block = await gzipBlock(utf8("hello, capture"));
    expect(isGzip(block)).toBe(true);
    expect(block[3]).toBe(4);
    expect(new DataView(block.buffer).getUint32(16, true)).toBe(block.length);
    expect(new TextDecoder().decode(await gunzipWithWebApi(block))).toBe("hello, capture");
  });

  it("reads a capture written as many blocks exactly like the uncompressed one", async () => {
    const raw = sampleCapture(40);
    const { file } = await blocks(raw, 300);
    const plain = await readAll(raw);
    const reader = await openCapture(streamOf(file, 97), { name: "c.twr.gz" });
    expect(reader.compressed).toBe(true);
    const got = await readAll(file, { name: "c.twr.gz", chunk: 97 });
    expect(got.issues).toEqual([]);
    expect(got.records).toEqual(plain.records);
  });

  it("reads a gzip file made by another tool as one stream", async () => {
    const raw = sampleCapture(10);
    const got = await readAll(await gzipPlain(raw), { name: "other.twr.gz" });
    expect(got.issues).toEqual([]);
    expect(got.records).toEqual((await readAll(raw)).records);
  });

  it("rejects a file named .gz that is not gzip, naming the file and its first bytes", async () => {
    const err = await openCapture(streamOf(sampleCapture(1)), { name: "s.twr.gz" }).catch((
      e: unknown,
    ) => e);
    expect(isDecodeError(err)).toBe(true);
    expect((err as { code: string }).code).toBe("gzip");
    expect((err as Error).message).toMatch(
      /"s\.twr\.gz" is named \.gz but is not gzip-compressed: byte 0 starts with 89 54 57 52/,
    );
  });

  it("keeps every block before a cut block and reports the cut with its file offset", async () => {
    const raw = sampleCapture(40);
    const { file, starts } = await blocks(raw, 256);
    const cut = file.subarray(0, starts[3]! + 15);
    const { records, issues } = await readAll(cut, { name: "cut.twr.gz" });
    expect(records.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({
      code: "truncated",
      tail: true,
      fileOffset: starts[3],
      offset: 768,
    });
    expect(issues[0]!.message).toMatch(
      /"cut\.twr\.gz": at file byte \d+ ends inside a gzip block header \(15 bytes\)/,
    );
    const plain = (await readAll(raw.subarray(0, 768))).records;
    expect(records).toEqual(plain);
    const inBlock = await readAll(file.subarray(0, starts[3]! + 60), { name: "cut.twr.gz" });
    expect(inBlock.issues[0]).toMatchObject({
      code: "truncated",
      tail: true,
      fileOffset: starts[3],
    });
    expect(inBlock.issues[0]!.message).toMatch(/ends inside a compressed block: 60 of \d+ bytes/);
    expect(inBlock.records.slice(0, plain.length)).toEqual(plain);
  });

  it("skips a damaged block with onCorrupt skip and stops at it by default", async () => {
    const raw = sampleCapture(60);
    const { file, starts } = await blocks(raw, 256);
    const damaged = file.slice();
    damaged[starts[2]! + 40] ^= 0xff;
    damaged[starts[2]! + 41] ^= 0xff;
    const stop = await readAll(damaged, { name: "d.twr.gz" });
    // Every runtime alike: a member is checked whole before its records are read, so
    // what a decompressor hands over before it fails (Deno's does) is never parsed.
    expect(stop.issues[0]).toMatchObject({ code: "gzip", fileOffset: starts[2] });
    expect(stop.issues[0]!.message).toMatch(/at file byte \d+ holds a damaged compressed block/);
    const skip = await readAll(damaged, { name: "d.twr.gz", onCorrupt: "skip" });
    const all = (await readAll(raw)).records;
    expect(skip.records.length).toBeGreaterThan(stop.records.length);
    expect(skip.records.length).toBeLessThan(all.length);
    const last = (r: (typeof all)[number] | undefined) =>
      r?.kind === "close" ? [r.closedTs, r.reason] : r;
    expect(last(skip.records.at(-1))).toEqual(last(all.at(-1)));
    expect(skip.issues[0]).toMatchObject({ code: "gzip", fileOffset: starts[2] });
  });
});
