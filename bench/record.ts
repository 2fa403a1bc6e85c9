/**
 * Section 5b: recording throughput. A connector-shaped producer delivers
 * Settrade wire payloads through `recorder.connector(...)` as a live connector
 * does (`rawTap.payload`, then `sink.event`, pausing on `sink.drain()` when the
 * recorder asks), to a raw capture (`.twr`) and a compressed one (`.twr.gz`) in
 * a temporary directory, with the recorder's defaults (64 KiB flushes, fsync at
 * most once a second, 25 MiB parts). The rate is payloads recorded per second
 * until the capture is closed; peak RSS is sampled every 20 ms. Each format runs
 * three times, each in a fresh process; the median run is reported.
 *
 * The peer, in the same processes: the same payloads, length-prefixed, through
 * `fs.createWriteStream` (raw) and `zlib.createGzip()` into it (gzip), honouring
 * the streams' backpressure: what a hand-written recorder on Node does.
 *
 * @module
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGzip } from "node:zlib";
import type { ConnectorDefinition, EventSink, RawTap } from "../src/connector.ts";
import type { MarketEvent } from "../src/events.ts";
import { silentLogger } from "../src/log.ts";
import { createRecorder } from "../connectors/replay/mod.ts";
import { buildPayloads } from "./_payloads.ts";
import { runSection } from "./_proc.ts";

/** Runs of each format, each in a fresh process. */
const RUNS = 3;
const T0 = 1_700_000_000_000;

/** One recording run. */
export interface RecordRun {
  /** Payloads recorded. */
  readonly events: number;
  /** From the first payload to the capture closed, ms. */
  readonly ms: number;
  /** Bytes on disk. */
  readonly bytes: number;
  /** Peak RSS during the run, bytes. */
  readonly peakRss: number;
  /** RSS before the run, bytes. */
  readonly rssBefore: number;
  /** The peer's time for the same payloads, ms. */
  readonly peerMs: number;
  /** The peer's peak RSS, bytes. */
  readonly peerPeakRss: number;
}

/** One format's figure. */
export interface RecordFigure {
  readonly format: "raw" | "gzip";
  readonly events: number;
  readonly bytes: number;
  /** Median run, payloads per second. */
  readonly eventsPerSec: number;
  /** Every run, slowest first. */
  readonly runs: readonly number[];
  /** Peak RSS of the median run, and its growth over the RSS before it. */
  readonly peakRss: number;
  readonly rssGrowth: number;
  /** The peer's rate in the median run, and tickwire's rate over it. */
  readonly peerPerSec: number;
  readonly vsPeer: number;
  readonly peerPeakRss: number;
}

/** Result of section 5b. */
export interface RecordResult {
  readonly figures: readonly RecordFigure[];
}

/** Samples RSS until stopped; returns the peak. */
function rssSampler(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

/**
 * Records `events` payloads to `file` once (in a fresh process, see {@link runRecord}).
 * @param options `file`, `events`.
 * @returns The run's figures.
 */
export async function recordOnce(
  options: { file?: unknown; events?: unknown },
): Promise<RecordRun> {
  const file = options.file as string;
  const events = options.events as number;
  const data = buildPayloads();
  const ev = { type: "quote", symbol: "PTT" } as unknown as MarketEvent;
  // The peer first, then tickwire, in the same process.
  const peer = await peerOnce(`${file}.peer${file.endsWith(".gz") ? ".gz" : ""}`, events, data);
  const rssBefore = process.memoryUsage().rss;
  const peak = rssSampler();
  const recorder = await createRecorder({ out: file, logger: silentLogger, overwrite: true });
  let sink!: EventSink;
  let tap!: RawTap;
  const definition = {
    name: "bench",
    create: (_o: unknown, ctx: { sink: EventSink; rawTap: RawTap }) => {
      sink = ctx.sink;
      tap = ctx.rawTap;
      return {};
    },
  } as unknown as ConnectorDefinition;
  const inner: EventSink = {
    event: () => true,
    status: () => {},
    decodeError: () => {},
    drain: () => Promise.resolve(),
  };
  recorder.connector(definition).create({}, { sink: inner } as never);
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const p = data[i % data.length]!;
    tap.payload(p.topic, p.bytes, T0 + i * 0.01, i * 0.01, 0);
    if (!sink.event(ev)) await sink.drain();
  }
  await recorder.close();
  const ms = performance.now() - t0;
  const peakRss = peak();
  const s = recorder.stats();
  if (s.error !== undefined) throw new Error(`bench: recording failed: ${s.error}`);
  if (s.dropped !== 0) throw new Error(`bench: the recorder dropped ${s.dropped} records`);
  return {
    events,
    ms,
    bytes: s.bytes,
    peakRss,
    rssBefore,
    peerMs: peer.ms,
    peerPeakRss: peer.peakRss,
  };
}

/** The peer: length-prefixed payloads through Node streams, honouring backpressure. */
async function peerOnce(
  file: string,
  events: number,
  data: ReturnType<typeof buildPayloads>,
): Promise<{ ms: number; peakRss: number }> {
  const peak = rssSampler();
  const t0 = performance.now();
  const out = createWriteStream(file);
  const gzip = file.endsWith(".gz") ? createGzip() : undefined;
  gzip?.pipe(out);
  const w = gzip ?? out;
  const enc = new TextEncoder();
  const topics = new Map<string, Uint8Array>();
  for (let i = 0; i < events; i++) {
    const p = data[i % data.length]!;
    let topic = topics.get(p.topic);
    if (topic === undefined) topics.set(p.topic, topic = enc.encode(p.topic));
    const rec = Buffer.allocUnsafe(4 + 8 + 2 + topic.length + p.bytes.length);
    rec.writeUInt32LE(rec.length - 4, 0);
    rec.writeDoubleLE(T0 + i * 0.01, 4);
    rec.writeUInt16LE(topic.length, 12);
    rec.set(topic, 14);
    rec.set(p.bytes, 14 + topic.length);
    if (!w.write(rec)) await once(w, "drain");
  }
  w.end();
  await once(out, "close");
  return { ms: performance.now() - t0, peakRss: peak() };
}

/**
 * Runs section 5b.
 * @param options `events`: payloads per run. @default 2_000_000
 * @returns One figure per format.
 */
export async function runRecord(options: { events?: number } = {}): Promise<RecordResult> {
  const events = options.events ?? 2_000_000;
  const dir = await mkdtemp(join(tmpdir(), "tickwire-bench-record-"));
  try {
    const figures: RecordFigure[] = [];
    for (const format of ["raw", "gzip"] as const) {
      const runs: RecordRun[] = [];
      for (let i = 0; i < RUNS; i++) {
        const file = join(dir, `r${i}.twr${format === "gzip" ? ".gz" : ""}`);
        runs.push(
          await runSection<RecordRun>({
            runtime: "node",
            section: "record-play",
            options: { file, events },
            timeoutMs: 150_000,
          }),
        );
        await rm(dir, { recursive: true, force: true });
        await import("node:fs/promises").then((fs) => fs.mkdir(dir, { recursive: true }));
      }
      const rate = (r: RecordRun): number => r.events / (r.ms / 1000);
      runs.sort((a, b) => rate(a) - rate(b));
      const median = runs[Math.floor(runs.length / 2)]!;
      const peerPerSec = median.events / (median.peerMs / 1000);
      figures.push({
        format,
        events,
        bytes: median.bytes,
        eventsPerSec: rate(median),
        runs: runs.map(rate),
        peakRss: median.peakRss,
        rssGrowth: median.peakRss - median.rssBefore,
        peerPerSec,
        vsPeer: rate(median) / peerPerSec,
        peerPeakRss: median.peerPeakRss,
      });
    }
    return { figures };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
