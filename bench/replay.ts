/**
 * Section 5: replay throughput at `speed: "max"`. Two captures of the data set
 * are written to a temporary directory (removed afterwards):
 *
 * - a raw capture (`.twr`, `RawEncoder`): the wire payloads as recorded live,
 *   replayed through the Settrade decoder;
 * - an NDJSON capture: the same messages as `quote` events, one JSON line each,
 *   parsed and validated on replay.
 *
 * Each is replayed through `createFeed({ source: replayConnector, speed: "max",
 * overflow: "block" })` with the `quote` channel of every symbol and a
 * `for await` consumer; the rate is events delivered per second from
 * `createFeed` to the `end` status. Each capture is replayed `runs` times,
 * each time in a fresh process (as a user replays a file: not in the process
 * that just wrote 284 MB and holds its garbage), the two captures alternating
 * (raw, NDJSON, raw, NDJSON, ...) so that a burst of load from elsewhere hits
 * both; the median run is reported with every run.
 *
 * @module
 */

import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BidOfferDecoder } from "../connectors/settrade/decode/bid-offer.ts";
import { replayConnector } from "../connectors/replay/mod.ts";
import { RawEncoder } from "../connectors/replay/capture/raw-encoder.ts";
import { eventLine } from "../connectors/replay/capture/ndjson.ts";
import { createFeed } from "../mod.ts";
import { buildPayloads } from "./_payloads.ts";
import { runSection } from "./_proc.ts";

/** One replayed capture. */
export interface ReplayFigure {
  /** `"raw"` or `"ndjson"`. */
  readonly format: "raw" | "ndjson";
  /** Records in the capture. */
  readonly records: number;
  /** Capture size, bytes. */
  readonly bytes: number;
  /** Events delivered to the consumer. */
  readonly events: number;
  /** Events per second: the median run. */
  readonly eventsPerSec: number;
  /** Events per second of every run, slowest first. */
  readonly runs?: readonly number[];
}

/** Result of section 5. */
export interface ReplayResult {
  readonly figures: readonly ReplayFigure[];
}

/** Options of {@link runReplay}. */
export interface ReplayOptions {
  /** Payload records in the raw capture. @default 1_000_000 */
  readonly rawRecords?: number;
  /** Event lines in the NDJSON capture. @default 200_000 */
  readonly ndjsonRecords?: number;
  /** Replays of each capture, each in a fresh process. @default 5 */
  readonly runs?: number;
}

const T0 = 1_700_000_000_000;

async function writeRaw(path: string, records: number): Promise<number> {
  const data = buildPayloads();
  const fh = await open(path, "w");
  let bytes = 0;
  try {
    const enc = new RawEncoder();
    enc.begin({ source: "settrade", created: T0, part: 0, meta: { bench: true } });
    enc.status({
      type: "status",
      kind: "connected",
      source: "settrade",
      epoch: 0,
      recvTs: T0,
      recvMono: 0,
    });
    for (let i = 0; i < records; i++) {
      const p = data[i % data.length];
      enc.payload(p.topic, p.bytes, T0 + i * 0.01, i * 0.01, 0);
      if (enc.pending > 1 << 20) {
        const chunk = enc.take();
        bytes += chunk.length;
        await fh.write(chunk);
      }
    }
    enc.close(T0 + records * 0.01, "closed");
    const chunk = enc.take();
    bytes += chunk.length;
    await fh.write(chunk);
    // On disk before the timed replays: the kernel's writeback of 284 MB of
    // dirty pages (30 s after the write) would otherwise land in one of them.
    await fh.sync();
  } finally {
    await fh.close();
  }
  return bytes;
}

async function writeNdjson(path: string, records: number): Promise<number> {
  const data = buildPayloads();
  const d = new BidOfferDecoder();
  const meta = { source: "settrade", seq: 1, recvTs: T0, recvMono: 0, epoch: 0 };
  const fh = await open(path, "w");
  const text = new TextEncoder();
  let bytes = 0;
  let lines: string[] = [];
  try {
    for (let i = 0; i < records; i++) {
      d.parse(data[i % data.length].bytes);
      meta.recvTs = T0 + i * 0.01;
      meta.recvMono = i * 0.01;
      lines.push(eventLine(d.toQuote(meta)));
      meta.seq++;
      if (lines.length === 10_000 || i === records - 1) {
        const chunk = text.encode(lines.join(""));
        bytes += chunk.length;
        await fh.write(chunk);
        lines = [];
      }
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return bytes;
}

/** One timed replay of a capture, in this process. */
export interface ReplayRun {
  /** Events delivered. */
  readonly events: number;
  /** From `createFeed` to the `end` status, ms. */
  readonly ms: number;
}

/**
 * Replays a capture once and times it (run in a fresh process by {@link runReplay}).
 * @param options `file`: the capture to replay.
 * @returns Events delivered and the time taken.
 */
export async function playOnce(options: { file?: unknown }): Promise<ReplayRun> {
  if (typeof options.file !== "string") throw new Error("bench: replay-play needs a file");
  // The replay connector loads its decoder and its file adapter lazily: load
  // them before timing, as a long-running process would have (and so that the
  // suite's on-the-fly transpiling of them is not timed).
  await import("../connectors/settrade/decode/mod.ts");
  await (await import("../connectors/replay/_files.ts")).files();
  const file = options.file;
  const symbols = [...new Set(buildPayloads().map((p) => p.symbol))];
  const t0 = performance.now();
  const feed = await createFeed({
    source: replayConnector,
    file,
    speed: "max",
    overflow: "block",
    symbols,
    channels: ["quote"],
    logLevel: "warn",
  });
  let events = 0;
  const deadline = t0 + 120_000;
  for await (const ev of feed) {
    if (ev.type === "quote") events++;
    else if (ev.type === "status" && ev.kind === "end") break;
    if ((events & 0xffff) === 0 && performance.now() > deadline) break;
  }
  const ms = performance.now() - t0;
  await feed.close();
  return { events, ms };
}

/** Replays a file once in a process of its own. */
function replayRun(file: string): Promise<ReplayRun> {
  return runSection<ReplayRun>({
    runtime: "node",
    section: "replay-play",
    options: { file },
    timeoutMs: 150_000,
  });
}

const rate = (r: ReplayRun): number => r.events / (r.ms / 1000);

/**
 * Runs section 5.
 * @param options Capture sizes and runs.
 * @returns Events per second for each format.
 */
export async function runReplay(options: ReplayOptions = {}): Promise<ReplayResult> {
  const rawRecords = options.rawRecords ?? 1_000_000;
  const ndjsonRecords = options.ndjsonRecords ?? 200_000;
  const runs = options.runs ?? 5;
  const dir = await mkdtemp(join(tmpdir(), "tickwire-bench-"));
  try {
    const captures = [
      { format: "raw", name: "bench.twr", records: rawRecords, write: writeRaw },
      { format: "ndjson", name: "bench.ndjson", records: ndjsonRecords, write: writeNdjson },
    ] as const;
    const files = captures.map((c) => join(dir, c.name));
    const sizes: number[] = [];
    for (let k = 0; k < captures.length; k++) {
      sizes.push(await captures[k].write(files[k], captures[k].records));
    }
    const done: ReplayRun[][] = captures.map(() => []);
    for (let i = 0; i < runs; i++) {
      for (let k = 0; k < captures.length; k++) done[k].push(await replayRun(files[k]));
    }
    return {
      figures: captures.map((c, k) => {
        const sorted = [...done[k]].sort((a, b) => rate(a) - rate(b));
        const mid = sorted[Math.floor(sorted.length / 2)]!;
        return {
          format: c.format,
          records: c.records,
          bytes: sizes[k],
          events: mid.events,
          eventsPerSec: rate(mid),
          runs: sorted.map(rate),
        };
      }),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
