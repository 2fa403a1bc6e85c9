/**
 * Helpers for the capture tests: sample events, in-memory streams, read-back.
 *
 * @module
 */

import type { MarketEvent, QuoteEvent, StatusEvent } from "../../../src/events.ts";
import type { CaptureIssue, OnCorrupt } from "../../../connectors/replay/capture/issues.ts";
import { RawEncoder } from "../../../connectors/replay/capture/raw-encoder.ts";
import {
  CAPTURE_VERSION,
  type CaptureVersion,
} from "../../../connectors/replay/capture/raw-format.ts";
import { type CaptureRecord, openCapture } from "../../../connectors/replay/capture/reader.ts";
import { makeQuote } from "../../_helpers/quote.ts";
import { makeStatus } from "../../_helpers/status.ts";

/** A valid quote. */
export function quote(seq: number, symbol = "PTT", extra: Partial<QuoteEvent> = {}): QuoteEvent {
  return makeQuote({
    source: "synthetic",
    symbol,
    seq,
    recvTs: 1_767_582_000_000 + seq,
    recvMono: 1000 + seq,
    bid: 33.25,
    ask: 33.5,
    bidSize: 100 * seq,
    askSize: 200,
    ...extra,
  });
}

/** A valid status. */
export function status(kind: StatusEvent["kind"], recvMono = 1000, epoch = 0): StatusEvent {
  return makeStatus(kind, {
    source: "synthetic",
    epoch,
    recvTs: 1_767_582_000_000 + recvMono,
    recvMono,
  });
}

/** A stream of `bytes` cut into chunks of `size` bytes. */
export function streamOf(bytes: Uint8Array, size = 4096): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c): void {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

/** Bytes of a text. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The payload of record `i` of {@link sampleCapture}. */
export function samplePayload(i: number): Uint8Array {
  return Uint8Array.from({ length: 20 + (i % 13) }, (_, k) => (i * 7 + k) & 0xff);
}

/** A raw capture of `n` records: connected, then payloads and events alternating, then a close. */
export function sampleCapture(
  n: number,
  source = "settrade",
  version: CaptureVersion = CAPTURE_VERSION,
): Uint8Array {
  const enc = new RawEncoder(version);
  enc.begin({ source, created: 1_767_582_000_000, part: 0, meta: { note: "test" } });
  enc.status(status("connected"));
  for (let i = 1; i <= n; i++) {
    if (i % 2 === 0) enc.event(quote(i) as MarketEvent);
    else {enc.payload(
        `proto/topic/bidofferv3/S${i % 3}`,
        samplePayload(i),
        1_767_582_000_000 + i,
        1000 + i,
        0,
      );}
  }
  enc.close(1_767_582_999_000, "closed");
  return enc.take();
}

/** Reads every record back. */
export async function readAll(
  bytes: Uint8Array,
  options: { name?: string; onCorrupt?: OnCorrupt; chunk?: number } = {},
): Promise<{ records: CaptureRecord[]; issues: CaptureIssue[] }> {
  const reader = await openCapture(streamOf(bytes, options.chunk), options);
  const records: CaptureRecord[] = [];
  for await (const r of reader.records()) records.push(r);
  return { records, issues: reader.issues };
}
