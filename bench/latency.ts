/**
 * Section 2: per-message latency of the in-process hot path, payload bytes to
 * the consumer: decode → event → `Dispatcher.push` → `Dispatcher.shift` (the
 * allocation-free poll a per-message consumer uses). Every message is timed on
 * its own with `performance.now()` and recorded in an HDR histogram; the cost of
 * reading the clock is measured too and reported, not subtracted.
 *
 * @module
 */

import { BidOfferDecoder } from "../connectors/settrade/decode/bid-offer.ts";
import type { Stamp } from "../src/kit/stamp.ts";
import { Dispatcher } from "../src/dispatcher.ts";
import type { FeedEvent } from "../src/events.ts";
import { buildPayloads } from "./_payloads.ts";
import { nanoHistogram, type Percentiles } from "./_stats.ts";

/** Result of section 2. */
export interface LatencyResult {
  /** Messages timed per path (after warm-up). */
  readonly messages: number;
  /** decode (quote-only parse, as for a `quote` subscription) → quote → push → shift. */
  readonly quote: Percentiles;
  /** decode → book → push → shift. */
  readonly book: Percentiles;
  /** Two back-to-back clock reads (the floor of every sample). */
  readonly clock: Percentiles;
}

/** Options of {@link runLatency}. */
export interface LatencyOptions {
  /** Messages timed per path. @default 1_000_000 */
  readonly messages?: number;
  /** Messages run untimed first. @default 200_000 */
  readonly warmup?: number;
}

function meta(): Stamp {
  return { source: "settrade", seq: 1, recvTs: 1_700_000_000_000, recvMono: 1234.5, epoch: 0 };
}

/** Decode → push → shift of a quote (`book` false) or a book, each one timed. */
function timeDecode(
  payloads: readonly Uint8Array[],
  n: number,
  record: boolean,
  book: boolean,
): Percentiles {
  const h = nanoHistogram();
  const d = new BidOfferDecoder();
  const q = new Dispatcher({ capacity: 100_000 });
  const m = meta();
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const bytes = payloads[i % payloads.length];
    const t0 = performance.now();
    if (book) {
      d.parse(bytes);
      q.push(d.toBook(m));
    } else {
      d.parseQuote(bytes);
      q.push(d.toQuote(m));
    }
    const ev = q.shift() as FeedEvent;
    const t1 = performance.now();
    m.seq++;
    if (record) h.record((t1 - t0) * 1e6);
    sink += ev.recvTs;
  }
  if (sink === -1) console.error("unreachable");
  return h.percentiles();
}

function timeClock(n: number): Percentiles {
  const h = nanoHistogram();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const t1 = performance.now();
    h.record((t1 - t0) * 1e6);
  }
  return h.percentiles();
}

/**
 * Runs section 2.
 * @param options Message counts.
 * @returns p50, p99, p99.9 (and max, mean) in nanoseconds for each path.
 */
export function runLatency(options: LatencyOptions = {}): LatencyResult {
  const n = options.messages ?? 1_000_000;
  const warmup = options.warmup ?? 200_000;
  const payloads = buildPayloads().map((p) => p.bytes);
  timeDecode(payloads, warmup, false, false);
  timeDecode(payloads, warmup, false, true);
  timeClock(warmup);
  return {
    messages: n,
    quote: timeDecode(payloads, n, true, false),
    book: timeDecode(payloads, n, true, true),
    clock: timeClock(n),
  };
}
