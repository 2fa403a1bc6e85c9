/**
 * Opening a capture of either kind: detects gzip (and a `.gz` name that is not
 * gzip), then the format (raw by its magic, NDJSON by a leading `{`), reads the raw
 * header, and hands out records through one pull interface.
 *
 * @module
 */

import { DecodeError } from "../../../src/errors.ts";
import type { FeedEvent } from "../../../src/events.ts";
import { checkGzipName, gunzipSource, isGzip } from "./gzip.ts";
import type { CaptureIssue, IssueHandler, OnCorrupt } from "./issues.ts";
import { NdjsonParser } from "./ndjson.ts";
import {
  CAPTURE_MAGIC,
  type CaptureHeader,
  hexBytes,
  KIND_CLOSE,
  KIND_PAYLOAD,
  startsWithMagic,
} from "./raw-format.ts";
import { END, NEED_MORE, RawParser } from "./raw-parser.ts";
import { type ChunkSource, ownedSource, peekSource, streamSource } from "./source.ts";

/** The two capture formats. */
export type CaptureFormat = "raw" | "ndjson";

/** Options of {@link openCapture}. */
export interface OpenCaptureOptions {
  /** File name, used in messages and for the `.gz` check. @default "stream" */
  readonly name?: string;
  /** What follows a damaged record or an invalid line. @default "stop" */
  readonly onCorrupt?: OnCorrupt;
  /** Receives each problem as it is found (they are also kept in `issues`). */
  readonly onIssue?: IssueHandler;
  /**
   * The most bytes a compressed capture may decompress to; past it reading ends with
   * one `gzip` issue (a gzip bomb). Memory stays at a chunk either way. @default 16 GiB
   */
  readonly maxInflatedBytes?: number;
}

/** One record, as a plain object (from {@link CaptureReader.records}). */
export type CaptureRecord =
  | {
    readonly kind: "payload";
    readonly record: number;
    readonly offset: number;
    readonly recvTs: number;
    readonly recvMono: number;
    readonly epoch: number;
    readonly topic: string;
    /** A copy of the payload bytes. */
    readonly payload: Uint8Array;
  }
  | {
    readonly kind: "status" | "event";
    readonly record: number;
    readonly offset: number;
    readonly recvTs: number;
    readonly recvMono: number;
    readonly epoch: number;
    readonly event: FeedEvent;
  }
  | {
    readonly kind: "close";
    readonly record: number;
    readonly offset: number;
    readonly closedTs: number;
    readonly reason: string;
  };

/**
 * An open capture. Pull records with {@link CaptureReader.next} and
 * {@link CaptureReader.fill} (no allocation per record), or iterate
 * {@link CaptureReader.records} (one object per record).
 */
export class CaptureReader {
  /** `"raw"` or `"ndjson"`. */
  readonly format: CaptureFormat;
  /** Whether the data was gzip-compressed. */
  readonly compressed: boolean;
  /** File name or `"stream"`. */
  readonly name: string;
  /** The parser; the current record's fields are its properties. */
  readonly parser: RawParser | NdjsonParser;
  /** Every problem found so far, in order. */
  readonly issues: CaptureIssue[];
  readonly #source: ChunkSource;
  readonly #lends: boolean;

  /** @internal Use {@link openCapture}. */
  constructor(
    format: CaptureFormat,
    compressed: boolean,
    name: string,
    parser: RawParser | NdjsonParser,
    source: ChunkSource,
    issues: CaptureIssue[],
  ) {
    this.format = format;
    this.compressed = compressed;
    this.name = name;
    this.parser = parser;
    this.#source = source;
    this.#lends = source.lends === true;
    this.issues = issues;
  }

  /** The header of the current part of a raw capture; `undefined` for NDJSON. */
  get header(): CaptureHeader | undefined {
    return this.parser instanceof RawParser ? this.parser.header : undefined;
  }

  /**
   * Advances to the next record without waiting.
   * @returns The record kind (`KIND_PAYLOAD`, `KIND_STATUS`, `KIND_EVENT`, `KIND_CLOSE`),
   *   `NEED_MORE` (call {@link CaptureReader.fill}) or `END`.
   */
  next(): number {
    return this.parser.next();
  }

  /** Reads one more chunk into the parser (or marks the end of the input). */
  async fill(): Promise<void> {
    const chunk = await this.#source.read();
    if (chunk === undefined) this.parser.end();
    else this.parser.push(chunk, this.#lends);
  }

  /** Stops reading and releases the input. Never rejects. */
  cancel(): Promise<void> {
    return this.#source.cancel();
  }

  /**
   * Every remaining record as a plain object.
   * @returns An async iterator; breaking out of it cancels the input.
   */
  async *records(): AsyncGenerator<CaptureRecord, void, undefined> {
    const p = this.parser;
    try {
      for (;;) {
        const kind = p.next();
        if (kind === END) return;
        if (kind === NEED_MORE) {
          await this.fill();
          continue;
        }
        if (p instanceof RawParser && kind === KIND_CLOSE) {
          yield {
            kind: "close",
            record: p.record,
            offset: p.offset,
            closedTs: p.closedTs,
            reason: p.closeReason,
          };
        } else if (p instanceof RawParser && kind === KIND_PAYLOAD) {
          yield {
            kind: "payload",
            record: p.record,
            offset: p.offset,
            recvTs: p.recvTs,
            recvMono: p.recvMono,
            epoch: p.epoch,
            topic: p.topic,
            payload: p.payload.slice(),
          };
        } else {
          const event = p.value!;
          yield {
            kind: event.type === "status" ? "status" : "event",
            record: p.record,
            offset: p.offset,
            recvTs: p.recvTs,
            recvMono: p.recvMono,
            epoch: p.epoch,
            event,
          };
        }
      }
    } finally {
      await this.cancel();
    }
  }
}

/**
 * Opens a capture: raw (`.twr`) or NDJSON, either of them gzip-compressed.
 *
 * @param input The bytes: a `ReadableStream` (file, `fetch` body) or a {@link ChunkSource}.
 * @param options Name for messages, `onCorrupt` and an issue callback.
 * @returns The reader, with the raw header already read.
 * @throws DecodeError (offset 0 or where found) for a `.gz` name that is not gzip
 *   (`"gzip"`), an empty input or a cut header (`"truncated"`), wrong magic (`"magic"`),
 *   a newer format version (`"version"`) or a damaged header (`"header"`).
 * @example Reading every record of a capture held in memory
 * ```ts
 * import { openCapture } from "./reader.ts";
 * import { RawEncoder } from "./raw-encoder.ts";
 * const enc = new RawEncoder();
 * enc.begin({ source: "demo", created: 0, part: 0, meta: {} });
 * enc.status({ type: "status", kind: "connected", source: "demo", epoch: 0, recvTs: 1, recvMono: 1 });
 * const bytes = enc.take();
 * const reader = await openCapture(ReadableStream.from([bytes]));
 * for await (const rec of reader.records()) console.log(rec.kind); // "status"
 * ```
 */
export async function openCapture(
  input: ReadableStream<Uint8Array> | ChunkSource,
  options: OpenCaptureOptions = {},
): Promise<CaptureReader> {
  const name = options.name ?? "stream";
  const onCorrupt = options.onCorrupt ?? "stop";
  const issues: CaptureIssue[] = [];
  const report = (issue: CaptureIssue): void => {
    issues.push(issue);
    options.onIssue?.(issue);
  };
  let source: ChunkSource = input instanceof ReadableStream ? streamSource(input) : input;
  try {
    const first = await peekSource(source, 2);
    checkGzipName(name, first.head);
    source = first.source;
    const compressed = isGzip(first.head);
    let recordsRead = (): number => 0;
    let delivered = 0;
    if (compressed) {
      const gz = gunzipSource(ownedSource(source), onCorrupt, (code, what, fileOffset, tail) => {
        const record = recordsRead() + 1;
        report({
          code,
          message: `[capture] ${
            JSON.stringify(name)
          }: at file byte ${fileOffset} ${what}; data up to byte ${delivered} (before record ${record}) was read`,
          offset: delivered,
          record,
          tail,
          fileOffset,
        });
      }, options.maxInflatedBytes);
      source = {
        read: async () => {
          const chunk = await gz.read();
          if (chunk !== undefined) delivered += chunk.length;
          return chunk;
        },
        cancel: () => gz.cancel(),
      };
    }
    const peeked = await peekSource(source, CAPTURE_MAGIC.length);
    source = peeked.source;
    const format = detect(peeked.head, name);
    const parser = format === "raw"
      ? new RawParser(name, onCorrupt, report)
      : new NdjsonParser(name, onCorrupt, report);
    recordsRead = () => parser.records;
    const reader = new CaptureReader(format, compressed, name, parser, source, issues);
    if (parser instanceof RawParser) {
      while (!parser.headerReady()) await reader.fill();
    }
    return reader;
  } catch (e) {
    await source.cancel();
    throw e;
  }
}

function detect(head: Uint8Array, name: string): CaptureFormat {
  if (head.length === 0) {
    throw new DecodeError(`[capture] ${JSON.stringify(name)} is empty`, {
      code: "truncated",
      offset: 0,
    });
  }
  if (startsWithMagic(head)) return "raw";
  for (const b of head) {
    if (b === 0x7b) return "ndjson";
    if (
      b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0xef && b !== 0xbb && b !== 0xbf
    ) break;
  }
  throw new DecodeError(
    `[capture] ${JSON.stringify(name)} is not a tickwire capture: wrong magic at byte 0 (expected ${
      hexBytes(CAPTURE_MAGIC)
    } for a raw capture or "{" for NDJSON, got ${hexBytes(head)})`,
    { code: "magic", offset: 0 },
  );
}
