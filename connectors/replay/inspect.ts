/**
 * `inspectCapture`: what a capture holds (header, record counts, time span,
 * symbols) and any damage found, read to the end with `onCorrupt: "skip"` so
 * that every problem is listed.
 *
 * @module
 */

import type { CaptureIssue, OnCorrupt } from "./capture/issues.ts";
import type { CaptureHeader } from "./capture/raw-format.ts";
import { type CaptureFormat, openCapture } from "./capture/reader.ts";
import { DecoderTable } from "./_decoders.ts";
import { openParts } from "./_parts.ts";

/** Options of {@link inspectCapture}. */
export interface InspectOptions {
  /** Name of a `stream` in messages. @default "stream" */
  readonly name?: string;
  /** Read past damage to find all of it (`"skip"`), or stop at the first (`"stop"`). @default "skip" */
  readonly onCorrupt?: OnCorrupt;
}

/** What {@link inspectCapture} found. */
export interface CaptureSummary {
  /** File name, or the stream's name. */
  readonly name: string;
  /** `"raw"` or `"ndjson"`. */
  readonly format: CaptureFormat;
  /** Whether the capture was gzip-compressed. */
  readonly compressed: boolean;
  /** Raw captures: the header of the first part. */
  readonly header?: CaptureHeader;
  /** Records (raw) or events (NDJSON) read, by kind. */
  readonly counts: {
    /** Raw payload records. */
    readonly payload: number;
    /** Status events. */
    readonly status: number;
    /** Market events. */
    readonly event: number;
    /** Raw `close` records. */
    readonly close: number;
  };
  /** Total of `counts`. */
  readonly records: number;
  /** Earliest `recvTs`, epoch ms (absent when the capture holds no timed record). */
  readonly firstTs?: number;
  /** Latest `recvTs`, epoch ms (absent when the capture holds no timed record). */
  readonly lastTs?: number;
  /** Symbols of events and payload topics, sorted. */
  readonly symbols: readonly string[];
  /** Distinct payload topics. */
  readonly topics: number;
  /** Whether a raw capture ends with its `close` record (closed cleanly). */
  readonly closedCleanly: boolean;
  /** Every problem found, in order. */
  readonly issues: readonly CaptureIssue[];
}

/**
 * Reads a whole capture and summarises it.
 *
 * @param input A file path, or the capture's bytes as a stream.
 * @param options Name for a stream; corruption policy.
 * @returns The summary.
 * @throws DecodeError when the capture cannot be opened (wrong magic, newer version,
 *   a `.gz` name that is not gzip, a damaged or cut header); the runtime's error when
 *   the file cannot be read.
 * @example
 * ```ts ignore
 * import { inspectCapture } from "@tickwire/tickwire/connectors/replay";
 * const s = await inspectCapture("s.twr");
 * console.log(s.records, s.symbols, s.issues.length);
 * ```
 */
export async function inspectCapture(
  input: string | ReadableStream<Uint8Array>,
  options: InspectOptions = {},
): Promise<CaptureSummary> {
  const name = typeof input === "string" ? input : options.name ?? "stream";
  const stream = typeof input === "string" ? await openParts(input) : input;
  const reader = await openCapture(stream, { name, onCorrupt: options.onCorrupt ?? "skip" });
  const header = reader.header;
  const counts = { payload: 0, status: 0, event: 0, close: 0 };
  const symbols = new Set<string>();
  const topics = new Set<string>();
  const decoders = new DecoderTable();
  let firstTs = Infinity;
  let lastTs = -Infinity;
  let last = "";
  for await (const r of reader.records()) {
    counts[r.kind]++;
    last = r.kind;
    if (r.kind === "close") continue;
    if (r.recvTs < firstTs) firstTs = r.recvTs;
    if (r.recvTs > lastTs) lastTs = r.recvTs;
    if (r.kind === "payload") {
      if (topics.has(r.topic)) continue;
      topics.add(r.topic);
      const route = decoders.route(r.topic) ?? await decoders.load(r.topic);
      const symbol = typeof route === "object" ? route.symbolOf(r.topic) : undefined;
      if (symbol !== undefined) symbols.add(symbol);
    } else if (r.event.type !== "status") symbols.add(r.event.symbol);
  }
  const records = counts.payload + counts.status + counts.event + counts.close;
  return {
    name,
    format: reader.format,
    compressed: reader.compressed,
    ...(header === undefined ? {} : { header }),
    counts,
    records,
    ...(firstTs === Infinity ? {} : { firstTs, lastTs }),
    symbols: [...symbols].sort(),
    topics: topics.size,
    closedCleanly: last === "close" && reader.issues.length === 0,
    issues: reader.issues,
  };
}
