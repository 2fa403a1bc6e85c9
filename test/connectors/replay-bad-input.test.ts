/**
 * Bad input, end to end: truncated files, flipped bytes, wrong magic, a future
 * format version, a non-gzip file named .gz, NDJSON with invalid lines. Each gives
 * a clear error naming the place, and nothing before it is lost.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { isDecodeError } from "../../src/errors.ts";
import type { MarketEvent, QuoteEvent } from "../../src/events.ts";
import { RawEncoder } from "../../connectors/replay/capture/raw-encoder.ts";
import { eventLine } from "../../connectors/replay/capture/ndjson.ts";
import { inspectCapture } from "../../connectors/replay/mod.ts";
import { lifecycleProblems } from "../conformance/_checks.ts";
import { quote, status } from "./capture/_helpers.ts";
import { recordQuotes, replayToEnd, startReplay, tempDir } from "./_replay-helpers.ts";

/** Bid size in lots of 100: the quote helpers number their quotes this way. */
const lots = (e: MarketEvent): number => (e as QuoteEvent).bidSize / 100;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A capture of `n` quotes and the byte offset where each record ends. */
function capture(n: number): { bytes: Uint8Array; ends: number[] } {
  const enc = new RawEncoder();
  enc.begin({ source: "synthetic", created: 0, part: 0, meta: {} });
  enc.status(status("connected"));
  const ends: number[] = [];
  for (let i = 1; i <= n; i++) {
    enc.event(quote(i) as MarketEvent);
    ends.push(enc.pending);
  }
  enc.close(1, "closed");
  return { bytes: enc.take(), ends };
}

function file(name: string, bytes: Uint8Array | string): string {
  const path = tmp.path(name);
  writeFileSync(path, bytes);
  return path;
}

async function openError(path: string): Promise<Error & { code?: string; offset?: number }> {
  const err = await startReplay({ file: path, speed: "max" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isDecodeError(err)).toBe(true);
  return err as Error & { code?: string; offset?: number };
}

describe("replay of bad input", () => {
  it("keeps every record of a truncated file and ends normally; strict reports the cut as an error", async () => {
    const { bytes, ends } = capture(20);
    const path = file("cut.twr", bytes.subarray(0, ends[11]! + 9));
    const lenient = await replayToEnd({ file: path, speed: "max" });
    expect(lenient.rec.events.map(lots)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(lenient.rec.statuses.filter((s) => s.kind === "error")).toEqual([]);
    expect(lenient.rec.decodeErrors).toEqual([]);
    expect(lenient.connector.issues).toEqual([
      expect.objectContaining({ code: "truncated", record: 14, tail: true }),
    ]);
    const run = await replayToEnd({ file: path, speed: "max", strict: true });
    expect(run.rec.events.map(lots)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const error = run.rec.statuses.find((s) => s.kind === "error");
    expect(error?.reason).toMatch(
      new RegExp(
        `"${path.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}": record 14 at byte ${
          ends[11]
        } ends inside it`,
      ),
    );
    expect(run.rec.decodeErrors[0]).toMatchObject({ code: "truncated", offset: ends[11] });
    expect(run.connector.issues).toEqual([
      expect.objectContaining({ code: "truncated", record: 14, tail: true }),
    ]);
    expect(run.rec.all.at(-1)).toMatchObject({ kind: "end" });
    expect(lifecycleProblems(run.rec.all)).toEqual([]);
    const summary = await inspectCapture(path);
    expect(summary).toMatchObject({ records: 13, closedCleanly: false });
    expect(summary.issues).toHaveLength(1);
  });

  it("stops at a flipped byte by default, and skips only that record with onCorrupt skip", async () => {
    const { bytes, ends } = capture(20);
    const damaged = bytes.slice();
    damaged[ends[6]! + 30] ^= 0x10;
    const path = file("flip.twr", damaged);
    const stop = await replayToEnd({ file: path, speed: "max" });
    expect(stop.rec.events).toHaveLength(7);
    expect(stop.connector.issues[0]!.message).toMatch(
      /record 9 at byte \d+ is damaged \(checksum mismatch\); reading stops here/,
    );
    expect(stop.connector.issues[0]!.offset).toBe(ends[6]);
    const skip = await replayToEnd({ file: path, speed: "max", onCorrupt: "skip" });
    expect(skip.rec.events.map(lots)).toEqual([
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      9,
      10,
      11,
      12,
      13,
      14,
      15,
      16,
      17,
      18,
      19,
      20,
    ]);
    expect(skip.rec.statuses.some((s) => s.kind === "error")).toBe(false);
    expect(skip.rec.decodeErrors).toHaveLength(1);
    const summary = await inspectCapture(path);
    expect(summary.counts.event).toBe(19);
    expect(summary.issues[0]).toMatchObject({ code: "corrupt", offset: ends[6], tail: false });
  });

  it("refuses a file with the wrong magic, naming the file and byte 0", async () => {
    const path = file("notes.twr", "hello, this is not a capture\n");
    const err = await openError(path);
    expect(err.code).toBe("magic");
    expect(err.offset).toBe(0);
    expect(err.message).toContain(`"${path}" is not a tickwire capture: wrong magic at byte 0`);
    await expect(inspectCapture(path)).rejects.toThrow(/wrong magic at byte 0/);
  });

  it("refuses a capture of a future format version, saying to upgrade", async () => {
    const { bytes } = capture(2);
    const future = bytes.slice();
    new DataView(future.buffer).setUint16(8, 9, true);
    const err = await openError(file("future.twr", future));
    expect(err.code).toBe("version");
    expect(err.offset).toBe(8);
    expect(err.message).toMatch(
      /has format version 9, newer than this reader \(version 2\); upgrade tickwire/,
    );
  });

  it("refuses a file named .gz that is not gzip, naming it and its first bytes", async () => {
    const { bytes } = capture(2);
    const path = file("plain.twr.gz", bytes);
    const err = await openError(path);
    expect(err.code).toBe("gzip");
    expect(err.message).toContain(
      `"${path}" is named .gz but is not gzip-compressed: byte 0 starts with 89 54 57 52`,
    );
  });

  it("keeps the blocks before a damaged block of a compressed capture, and skips it when asked", async () => {
    const path = tmp.path("blocks.twr.gz");
    await recordQuotes(path, 40, { flushBytes: 1_000 });
    const bytes = readFileSync(path);
    const first = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true);
    const damaged = Uint8Array.from(bytes);
    damaged[first + 30] ^= 0xff;
    damaged[first + 31] ^= 0xff;
    const bad = file("blocks-damaged.twr.gz", damaged);
    const stop = await replayToEnd({ file: bad, speed: "max" });
    expect(stop.rec.events.length).toBeGreaterThan(0);
    expect(stop.rec.events.map(lots)).toEqual(stop.rec.events.map((_, i) => i + 1));
    expect(stop.rec.statuses.find((s) => s.kind === "error")?.reason).toMatch(
      new RegExp(`at file byte ${first} holds a damaged compressed block`),
    );
    const skip = await replayToEnd({ file: bad, speed: "max", onCorrupt: "skip" });
    expect(skip.rec.events.length).toBeGreaterThan(stop.rec.events.length);
    expect(skip.rec.events.at(-1)).toMatchObject({ bidSize: 4000 });
    expect(skip.connector.issues.map((i) => i.fileOffset)).toContain(first);
  });

  it("reports NDJSON lines that are not events with line number and field, before or after skipping", async () => {
    const lines = [
      eventLine(status("connected")),
      eventLine(quote(1)),
      eventLine(quote(2)),
      `${JSON.stringify({ ...quote(3), askFlag: "open" })}\n`,
      "not json at all\n",
      eventLine(quote(4)),
    ].join("");
    const path = file("events.ndjson", lines);
    const stop = await replayToEnd({ file: path, speed: "max" });
    expect(stop.rec.events).toHaveLength(2);
    expect(stop.connector.issues).toEqual([
      expect.objectContaining({ code: "schema", record: 4, field: "askFlag" }),
    ]);
    expect(stop.rec.statuses.find((s) => s.kind === "error")?.reason).toMatch(
      /line 4 at byte \d+ is not a valid event: field "askFlag"/,
    );
    const skip = await replayToEnd({ file: path, speed: "max", onCorrupt: "skip" });
    expect(skip.rec.events.map(lots)).toEqual([1, 2, 4]);
    expect(skip.connector.issues.map((i) => [i.code, i.record])).toEqual([["schema", 4], [
      "json",
      5,
    ]]);
    const summary = await inspectCapture(path);
    expect(summary).toMatchObject({ format: "ndjson", records: 4 });
    expect(summary.issues).toHaveLength(2);
  });

  it("keeps everything before a cut NDJSON line", async () => {
    const text = [eventLine(quote(1)), eventLine(quote(2)), eventLine(quote(3))].join("");
    const path = file("cut.ndjson", text.slice(0, -25));
    const run = await replayToEnd({ file: path, speed: "max" });
    expect(run.rec.events).toHaveLength(2);
    expect(run.connector.issues).toEqual([
      expect.objectContaining({ code: "truncated", record: 3, tail: true }),
    ]);
  });
});
