import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileAdapter } from "../../../connectors/replay/_files-node.ts";
import { gzipBlock } from "../../../connectors/replay/capture/gzip.ts";
import { openCapture } from "../../../connectors/replay/capture/reader.ts";
import type { CaptureRecord } from "../../../connectors/replay/capture/reader.ts";
import type { ChunkSource } from "../../../connectors/replay/capture/source.ts";
import { quote, readAll, sampleCapture, utf8 } from "./_helpers.ts";

/**
 * A source that lends each chunk out of one buffer, and scribbles over that
 * buffer at the next read: any reader that keeps a lent chunk reads garbage.
 */
function lendingSource(bytes: Uint8Array, size: number): ChunkSource {
  const buf = new Uint8Array(size);
  let at = 0;
  return {
    lends: true,
    read(): Promise<Uint8Array | undefined> {
      buf.fill(0xee);
      if (at >= bytes.length) return Promise.resolve(undefined);
      const n = Math.min(size, bytes.length - at);
      buf.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(buf.subarray(0, n));
    },
    cancel: () => Promise.resolve(),
  };
}

async function recordsOf(source: ChunkSource, name: string): Promise<CaptureRecord[]> {
  const reader = await openCapture(source, { name });
  const out: CaptureRecord[] = [];
  for await (const r of reader.records()) out.push(r);
  expect(reader.issues).toEqual([]);
  return out;
}

describe("captures read from a source that lends its chunks", () => {
  it("reads a raw capture as from a stream, whatever the chunk size", async () => {
    const raw = sampleCapture(300);
    const want = (await readAll(raw)).records;
    for (const size of [1, 3, 7, 64, 1000, raw.length]) {
      expect(await recordsOf(lendingSource(raw, size), "s.twr")).toEqual(want);
    }
  });

  it("reads an NDJSON capture as from a stream", async () => {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify(quote(i + 1)) + "\n").join(
      "",
    );
    const bytes = utf8(lines);
    const want = (await readAll(bytes)).records;
    expect(want).toHaveLength(50);
    for (const size of [5, 333]) {
      expect(await recordsOf(lendingSource(bytes, size), "s.ndjson")).toEqual(want);
    }
  });

  it("reads a gzip capture, whose decoder keeps chunks, from copies", async () => {
    const raw = sampleCapture(200);
    const gz = await gzipBlock(raw);
    const want = (await readAll(raw)).records;
    for (const size of [2, 100, 4096]) {
      expect(await recordsOf(lendingSource(gz, size), "s.twr.gz")).toEqual(want);
    }
  });
});

describe("the Node file adapter's recycled reads", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tickwire-lent-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("lends chunks that hold the file's bytes in order, until the end", async () => {
    // Larger than the two recycled buffers together, not a multiple of them.
    const bytes = Uint8Array.from({ length: 1_300_000 }, (_, i) => (i * 31 + (i >>> 9)) & 0xff);
    const path = join(dir, "bytes.bin");
    await writeFile(path, bytes);
    const src = await fileAdapter.openChunks!(path);
    expect(src.lends).toBe(true);
    const got = new Uint8Array(bytes.length);
    let at = 0;
    for (let c = await src.read(); c !== undefined; c = await src.read()) {
      got.set(c, at);
      at += c.length;
    }
    expect(at).toBe(bytes.length);
    expect(got).toEqual(bytes);
    expect(await src.read()).toBeUndefined();
    await src.cancel();
  });

  it("cancels while a read ahead is under way, and reads nothing afterwards", async () => {
    const path = join(dir, "cancel.bin");
    await writeFile(path, new Uint8Array(1_100_000).fill(7));
    const src = await fileAdapter.openChunks!(path);
    expect((await src.read())?.length).toBeGreaterThan(0);
    await src.cancel();
    await src.cancel();
    expect(await src.read()).toBeUndefined();
  });

  it("replays a large raw capture file as from memory", async () => {
    const raw = sampleCapture(40_000);
    expect(raw.length).toBeGreaterThan(1_100_000);
    const path = join(dir, "big.twr");
    await writeFile(path, raw);
    const want = (await readAll(raw)).records;
    const got = await recordsOf(await fileAdapter.openChunks!(path), "big.twr");
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
  });
});
