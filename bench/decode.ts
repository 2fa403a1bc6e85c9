/**
 * Section 1: decode of realistic `BidOfferV3` payloads into events, tickwire
 * against the libraries a user would pick instead, in one process, rounds
 * interleaved so every contender sees the same machine state.
 *
 * Each contender has its own loop function (never a shared loop calling a
 * callback, whose call site would turn megamorphic and slow everyone down).
 * Every event is kept in a 1,024-slot ring, as a consumer holding recent
 * events would, so allocation and collection are part of the price.
 *
 * Runs on Node, Bun and Deno.
 *
 * @module
 */

import { BidOfferDecoder } from "../connectors/settrade/decode/bid-offer.ts";
import type { Stamp } from "../src/kit/stamp.ts";
import type { BookEvent, MarketEvent, QuoteEvent } from "../src/events.ts";
import { floorParse } from "./_floor.ts";
import { type BenchPayload, buildPayloads, describePayloads } from "./_payloads.ts";
import {
  esBook,
  esQuote,
  loadProtobufjsBidOffer,
  pbBook,
  type PbjsType,
  pbQuote,
} from "./_peers.ts";
import { median } from "./_stats.ts";

/** One contender's figures. */
export interface DecodeFigure {
  /** Contender id: `tickwire-quote`, `tickwire-book`, `bufbuild-quote`, ... */
  readonly id: string;
  /** Human-readable name. */
  readonly label: string;
  /** `"quote"` or `"book"`; `"none"` for the floor. */
  readonly event: "quote" | "book" | "none";
  /** Median nanoseconds per message. */
  readonly nsPerMsg: number;
  /** Messages per second at the median. */
  readonly msgPerSec: number;
  /** Every round, ns/msg. */
  readonly rounds: readonly number[];
}

/** Result of section 1 on one runtime. */
export interface DecodeResult {
  readonly runtime: string;
  readonly version: string;
  readonly payloads: ReturnType<typeof describePayloads>;
  readonly warmupRounds: number;
  readonly rounds: number;
  readonly figures: readonly DecodeFigure[];
}

/** Options of {@link runDecode}. */
export interface DecodeOptions {
  /** Measured rounds per contender. @default 7 */
  readonly rounds?: number;
  /** Rounds run and discarded first. @default 3 */
  readonly warmup?: number;
  /** Target duration of one round, ms. @default 150 */
  readonly roundMs?: number;
}

type Loop = (payloads: readonly Uint8Array[], passes: number) => number;

const KEEP = 1024;
const keep: MarketEvent[] = new Array<MarketEvent>(KEEP);

function meta(): Stamp {
  return { source: "settrade", seq: 1, recvTs: 1_700_000_000_000, recvMono: 1234.5, epoch: 0 };
}

function floor(): Loop {
  return (payloads, passes) => {
    let sum = 0;
    for (let p = 0; p < passes; p++) {
      for (let i = 0; i < payloads.length; i++) sum += floorParse(payloads[i]);
    }
    return sum;
  };
}

/**
 * tickwire's decoder as the connector runs it: `"quote"`, the quote for a
 * `quote` subscription without `book` (the quote-only parse); `"full"`, the
 * quote after a full parse (what a symbol with both `quote` and `book` pays
 * for its quote); `"book"`, the book.
 */
function tickwire(kind: "quote" | "full" | "book"): Loop {
  const d = new BidOfferDecoder();
  const m = meta();
  return (payloads, passes) => {
    let sum = 0;
    for (let p = 0; p < passes; p++) {
      for (let i = 0; i < payloads.length; i++) {
        if (kind === "quote") d.parseQuote(payloads[i]);
        else d.parse(payloads[i]);
        if (kind === "book") {
          const ev = d.toBook(m);
          keep[i & (KEEP - 1)] = ev;
          sum += ev.bids[0].size;
        } else {
          const ev = d.toQuote(m);
          keep[i & (KEEP - 1)] = ev;
          sum += ev.bidSize;
        }
        m.seq++;
      }
    }
    return sum;
  };
}

/**
 * A peer's loop: `decode` builds each event (a book when `book`, else a
 * quote). The peers' decoders cost microseconds per payload, so the one
 * indirect call per payload is lost in them.
 */
function peer(
  book: boolean,
  decode: (bytes: Uint8Array, m: Stamp) => QuoteEvent | BookEvent,
): Loop {
  const m = meta();
  return (payloads, passes) => {
    let sum = 0;
    for (let p = 0; p < passes; p++) {
      for (let i = 0; i < payloads.length; i++) {
        const ev = decode(payloads[i], m);
        m.seq++;
        keep[i & (KEEP - 1)] = ev;
        sum += book ? (ev as BookEvent).bids[0].size : (ev as QuoteEvent).bidSize;
      }
    }
    return sum;
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Checks, before any timing, that every peer builds exactly tickwire's events
 * (same keys in the same order, same values) for every payload.
 * @param payloads The data set. @param type The protobufjs type.
 * @throws Error naming the first payload that differs.
 */
export function checkSameEvents(payloads: readonly BenchPayload[], type: PbjsType): void {
  const d = new BidOfferDecoder();
  const m = meta();
  for (const [i, p] of payloads.entries()) {
    d.parse(p.bytes);
    const q: QuoteEvent = d.toQuote(m);
    const b: BookEvent = d.toBook(m);
    d.parseQuote(p.bytes);
    if (!same(q, d.toQuote(m))) {
      throw new Error(`decode bench: parseQuote disagrees with parse on payload ${i}`);
    }
    if (floorParse(p.bytes) !== q.bidSize) {
      throw new Error(`decode bench: the floor disagrees with tickwire on payload ${i}`);
    }
    if (!same(q, esQuote(p.bytes, m)) || !same(q, pbQuote(type, p.bytes, m))) {
      throw new Error(`decode bench: peers disagree with tickwire on the quote of payload ${i}`);
    }
    if (!same(b, esBook(p.bytes, m)) || !same(b, pbBook(type, p.bytes, m))) {
      throw new Error(`decode bench: peers disagree with tickwire on the book of payload ${i}`);
    }
  }
}

/** Name and version of the runtime running this code. */
export function runtimeInfo(): { runtime: string; version: string } {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun !== undefined) return { runtime: "bun", version: g.Bun.version };
  if (g.Deno !== undefined) return { runtime: "deno", version: g.Deno.version.deno };
  return { runtime: "node", version: process.versions.node };
}

/**
 * Runs section 1 on the current runtime.
 * @param options Rounds and round length.
 * @returns Median ns/msg and msg/s of every contender.
 */
export function runDecode(options: DecodeOptions = {}): DecodeResult {
  const rounds = options.rounds ?? 7;
  const warmup = options.warmup ?? 3;
  const roundMs = options.roundMs ?? 150;
  const data = buildPayloads();
  const payloads = data.map((p) => p.bytes);
  const type = loadProtobufjsBidOffer();
  checkSameEvents(data, type);
  const contenders: { id: string; label: string; event: DecodeFigure["event"]; loop: Loop }[] = [
    { id: "floor", label: "floor: unchecked walk, no event", event: "none", loop: floor() },
    {
      id: "tickwire-quote",
      label: "tickwire quote (quote-only parse)",
      event: "quote",
      loop: tickwire("quote"),
    },
    {
      id: "tickwire-quote-full",
      label: "tickwire quote after a full parse",
      event: "quote",
      loop: tickwire("full"),
    },
    { id: "tickwire-book", label: "tickwire book", event: "book", loop: tickwire("book") },
    {
      id: "bufbuild-quote",
      label: "@bufbuild/protobuf fromBinary + quote",
      event: "quote",
      loop: peer(false, esQuote),
    },
    {
      id: "bufbuild-book",
      label: "@bufbuild/protobuf fromBinary + book",
      event: "book",
      loop: peer(true, esBook),
    },
    {
      id: "protobufjs-quote",
      label: "protobufjs decode + quote",
      event: "quote",
      loop: peer(false, (b, m) => pbQuote(type, b, m)),
    },
    {
      id: "protobufjs-book",
      label: "protobufjs decode + book",
      event: "book",
      loop: peer(true, (b, m) => pbBook(type, b, m)),
    },
  ];
  // Calibrate: passes over the data set so one round lasts about roundMs.
  const passes = contenders.map((c) => {
    c.loop(payloads, 1);
    const t0 = performance.now();
    c.loop(payloads, 2);
    const ms = (performance.now() - t0) / 2;
    return Math.max(1, Math.min(5_000, Math.round(roundMs / Math.max(ms, 1e-3))));
  });
  const samples: number[][] = contenders.map(() => []);
  let sink = 0;
  for (let r = 0; r < warmup + rounds; r++) {
    for (let c = 0; c < contenders.length; c++) {
      const t0 = performance.now();
      sink += contenders[c].loop(payloads, passes[c]);
      const ns = ((performance.now() - t0) * 1e6) / (passes[c] * payloads.length);
      if (r >= warmup) samples[c].push(ns);
    }
  }
  if (sink === -1) console.error("unreachable");
  return {
    ...runtimeInfo(),
    payloads: describePayloads(data),
    warmupRounds: warmup,
    rounds,
    figures: contenders.map((c, i) => {
      const ns = median(samples[i]);
      return {
        id: c.id,
        label: c.label,
        event: c.event,
        nsPerMsg: ns,
        msgPerSec: 1e9 / ns,
        rounds: samples[i].map((x) => Math.round(x * 10) / 10),
      };
    }),
  };
}
