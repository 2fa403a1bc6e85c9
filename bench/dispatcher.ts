/**
 * Section 3: dispatcher throughput, push + poll, for each overflow policy, with
 * room to spare and under overflow. Events are real `quote` events decoded
 * beforehand (1,024 of them, reused), so only the dispatcher is measured.
 *
 * Patterns, each in batches of 64 events:
 *
 * - `push + poll()`: 64 pushes, then one `poll()` (an array per batch);
 * - `push + shift()`: 64 pushes, then 64 `shift()`s (no allocation);
 * - under overflow (capacity 1,024): 4,096 pushes then one `poll()`, so three
 *   quarters of the pushes overflow (`drop-oldest` evicts, `drop-newest`
 *   refuses); `block` pushes until `push` returns `false`, then polls, as a
 *   producer honouring backpressure does.
 *
 * The rate is pushes per second (every push is offered; dropped ones count).
 *
 * @module
 */

import { BidOfferDecoder } from "../connectors/settrade/decode/bid-offer.ts";
import { Dispatcher, type OverflowPolicy } from "../src/dispatcher.ts";
import type { FeedEvent } from "../src/events.ts";
import { buildPayloads } from "./_payloads.ts";
import { median } from "./_stats.ts";

/** One measured pattern. */
export interface DispatcherFigure {
  readonly policy: OverflowPolicy;
  /** `"push+poll"`, `"push+shift"` or `"overflow"`. */
  readonly pattern: "push+poll" | "push+shift" | "overflow";
  /** Median pushes per second. */
  readonly eventsPerSec: number;
  /** Share of pushes dropped in this pattern (0 to 1). */
  readonly dropShare: number;
}

/** Result of section 3. */
export interface DispatcherResult {
  readonly batch: number;
  readonly rounds: number;
  readonly figures: readonly DispatcherFigure[];
}

const BATCH = 64;
const POLICIES: readonly OverflowPolicy[] = ["drop-oldest", "drop-newest", "block"];

function quotes(): FeedEvent[] {
  const d = new BidOfferDecoder();
  const meta = { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 };
  const payloads = buildPayloads();
  const out: FeedEvent[] = [];
  for (let i = 0; i < 1024; i++) {
    d.parse(payloads[i % payloads.length].bytes);
    out.push(d.toQuote({ ...meta, seq: meta.seq++ }));
  }
  return out;
}

function pushPoll(q: Dispatcher, evs: readonly FeedEvent[], n: number): number {
  let got = 0;
  for (let i = 0; i < n; i += BATCH) {
    for (let b = 0; b < BATCH; b++) q.push(evs[(i + b) & 1023]);
    got += q.poll().length;
  }
  return got;
}

function pushShift(q: Dispatcher, evs: readonly FeedEvent[], n: number): number {
  let got = 0;
  for (let i = 0; i < n; i += BATCH) {
    for (let b = 0; b < BATCH; b++) q.push(evs[(i + b) & 1023]);
    for (let b = 0; b < BATCH; b++) if (q.shift() !== undefined) got++;
  }
  return got;
}

function overflow(q: Dispatcher, evs: readonly FeedEvent[], n: number): number {
  let got = 0;
  const burst = 4 * q.capacity;
  for (let i = 0; i < n;) {
    for (let b = 0; b < burst; b++, i++) {
      if (!q.push(evs[i & 1023]) && q.overflow === "block") {
        i++;
        break;
      }
    }
    got += q.poll().length;
  }
  return got;
}

type Pattern = (q: Dispatcher, evs: readonly FeedEvent[], n: number) => number;

function measure(
  make: () => Dispatcher,
  pattern: Pattern,
  evs: readonly FeedEvent[],
  n: number,
  rounds: number,
): { rate: number; dropShare: number } {
  const rates: number[] = [];
  let dropShare = 0;
  for (let r = 0; r < rounds + 2; r++) {
    const q = make();
    const t0 = performance.now();
    pattern(q, evs, n);
    const ms = performance.now() - t0;
    const c = q.counters();
    dropShare = c.dropped / c.pushed;
    if (r >= 2) rates.push(c.pushed / (ms / 1000));
  }
  return { rate: median(rates), dropShare };
}

/** Options of {@link runDispatcher}. */
export interface DispatcherOptions {
  /** Pushes per round. @default 4_000_000 */
  readonly events?: number;
  /** Measured rounds (after two warm-up rounds). @default 7 */
  readonly rounds?: number;
}

/**
 * Runs section 3.
 * @param options Events per round and rounds.
 * @returns Pushes per second of every policy and pattern.
 */
export function runDispatcher(options: DispatcherOptions = {}): DispatcherResult {
  const n = options.events ?? 4_000_000;
  const rounds = options.rounds ?? 7;
  const evs = quotes();
  const figures: DispatcherFigure[] = [];
  const patterns: [DispatcherFigure["pattern"], Pattern, number][] = [
    ["push+poll", pushPoll, 100_000],
    ["push+shift", pushShift, 100_000],
    ["overflow", overflow, 1_024],
  ];
  for (const [name, pattern, capacity] of patterns) {
    for (const policy of POLICIES) {
      const make = (): Dispatcher => new Dispatcher({ capacity, overflow: policy });
      const { rate, dropShare } = measure(make, pattern, evs, n, rounds);
      figures.push({ policy, pattern: name, eventsPerSec: rate, dropShare });
    }
  }
  return { batch: BATCH, rounds, figures };
}
