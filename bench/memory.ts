/**
 * Section 6: memory over a long run. Ten million `quote` events go through
 * decode → feed (health monitor, dispatcher) → a `for await` consumer, in
 * bursts of 1,000 payloads per event-loop turn, as a socket delivers them. At
 * every million the producer waits until the consumer has drained the queue,
 * collects garbage twice and reads `heapUsed`: the growth from the first
 * million to the tenth is what a long-running feed would leak.
 *
 * Needs `node --expose-gc`.
 *
 * @module
 */

import { BidOfferDecoder } from "../connectors/settrade/decode/bid-offer.ts";
import type { Stamp } from "../src/kit/stamp.ts";
import { createFeed } from "../mod.ts";
import { buildPayloads } from "./_payloads.ts";
import { type Pump, pumpConnector } from "./_pump-connector.ts";

/** Result of section 6. */
export interface MemoryResult {
  readonly events: number;
  /** `heapUsed` after each million events, bytes (index 0: after 1M). */
  readonly heapUsed: readonly number[];
  /** `rss` after each million events, bytes. */
  readonly rss: readonly number[];
  /** `heapUsed` after 10M minus after 1M, bytes. */
  readonly growth: number;
  /** Events per second over the whole run (including the pauses to measure). */
  readonly eventsPerSec: number;
}

const BURST = 1_000;
const STEP = 1_000_000;

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("memory bench: run node with --expose-gc");
  gc();
  gc();
}

/**
 * Runs section 6.
 * @param events Events to push; a multiple of one million. @default 10_000_000
 * @returns Heap after each million and the growth from 1M to the end.
 */
export async function runMemory(events: number = 10_000_000): Promise<MemoryResult> {
  const data = buildPayloads();
  const payloads = data.map((p) => p.bytes);
  const pump: Pump = { sink: undefined };
  const feed = await createFeed({
    source: pumpConnector(pump),
    symbols: [...new Set(data.map((p) => p.symbol))],
    logLevel: "silent",
  });
  const sink = pump.sink!;
  let consumed = 0;
  let sum = 0;
  const consumer = (async () => {
    for await (const ev of feed) {
      if (ev.type === "quote") {
        consumed++;
        sum += ev.bidSize;
      }
    }
  })();
  const d = new BidOfferDecoder();
  const meta: Stamp = { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 };
  const heapUsed: number[] = [];
  const rss: number[] = [];
  const t0 = performance.now();
  let produced = 0;
  while (produced < events) {
    meta.recvTs = performance.timeOrigin + performance.now();
    meta.recvMono = performance.now();
    for (let b = 0; b < BURST; b++) {
      d.parse(payloads[produced % payloads.length]);
      sink.event(d.toQuote(meta));
      meta.seq++;
      produced++;
    }
    await turn();
    if (produced % STEP === 0) {
      for (let i = 0; i < 1_000 && consumed < produced; i++) await turn();
      if (consumed !== produced) throw new Error("memory bench: the consumer fell behind");
      collect();
      const m = process.memoryUsage();
      heapUsed.push(m.heapUsed);
      rss.push(m.rss);
    }
  }
  const ms = performance.now() - t0;
  await feed.close();
  await consumer;
  if (sum < 0) console.error("unreachable");
  const dropped = feed.health().queue.dropped;
  if (dropped !== 0) throw new Error(`memory bench: ${dropped} events dropped`);
  return {
    events,
    heapUsed,
    rss,
    growth: heapUsed[heapUsed.length - 1] - heapUsed[0],
    eventsPerSec: events / (ms / 1000),
  };
}
