/**
 * The benchmark data set: 1,000 distinct `BidOfferV3` payloads, encoded with the
 * generated code (`@bufbuild/protobuf` `toBinary`), deterministic across runs and
 * runtimes.
 *
 * The mix follows a SET trading day: about 80 symbols from penny stocks to
 * blue chips, every book on the SET tick ladder; 88 % full ten-level books in
 * continuous trading, 4 % ATO and 4 % ATC call auctions (prices 0, volumes
 * only), and 8 % partial depth (one to nine levels on a side, sometimes an
 * empty side).
 *
 * @module
 */

import {
  bidOfferBytes,
  type BidOfferInit,
  FLAG,
  type LevelInit,
  realisticBook,
} from "../test/settrade/_fixtures.ts";

// deno-fmt-ignore
const SYMBOLS: readonly string[] = [
  "ADVANC", "AOT", "AWC", "BANPU", "BBL", "BDMS", "BEM", "BGRIM", "BH", "BTS",
  "CBG", "CENTEL", "COM7", "CPALL", "CPF", "CPN", "CRC", "DELTA", "EA", "EGCO",
  "GLOBAL", "GPSC", "GULF", "HMPRO", "INTUCH", "IVL", "KBANK", "KCE", "KTB", "KTC",
  "LH", "MINT", "MTC", "OR", "OSP", "PTT", "PTTEP", "PTTGC", "RATCH", "SAWAD",
  "SCB", "SCC", "SCGP", "TISCO", "TOP", "TRUE", "TTB", "TU", "WHA", "BJC",
  "AP", "SPALI", "QH", "SIRI", "ORI", "STEC", "CK", "ITD", "STA", "STGT",
  "JMT", "JMART", "SINGER", "PLANB", "MAJOR", "ICHI", "KKP", "THANI", "ASP", "BLA",
  "TIPH", "THCOM", "JAS", "TASCO", "GFPT", "TFG", "NER", "MBK", "BCP", "IRPC",
];

/** Payloads in the data set. */
export const PAYLOAD_COUNT = 1_000;

/** One payload and what it is. */
export interface BenchPayload {
  /** MQTT topic, `proto/topic/bidofferv3/{SYMBOL}`. */
  readonly topic: string;
  /** Symbol. */
  readonly symbol: string;
  /** Encoded `BidOfferV3`. */
  readonly bytes: Uint8Array;
  /** `"normal"`, `"ato"`, `"atc"` or `"partial"`. */
  readonly kind: "normal" | "ato" | "atc" | "partial";
}

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A starting price per symbol across the SET tick bands (0.05 to 600 baht). */
function basePrice(rand: () => number): number {
  const bands = [0.05, 0.5, 1.5, 3, 7, 15, 40, 90, 180, 350, 600];
  const i = Math.floor(rand() * (bands.length - 1));
  return bands[i] + rand() * (bands[i + 1] - bands[i]);
}

function truncate(levels: readonly LevelInit[] | undefined, n: number): LevelInit[] {
  return (levels ?? []).slice(0, n);
}

/**
 * Builds the data set.
 *
 * @param count Payloads to build. @default PAYLOAD_COUNT
 * @param seed PRNG seed. @default 20_240_601
 * @returns The payloads, in the order a feed would deliver them (symbols interleaved).
 * @example Building the data set
 * ```ts
 * import { buildPayloads } from "./_payloads.ts";
 * const payloads = buildPayloads();
 * console.log(payloads.length, payloads[0].topic); // 1000 "proto/topic/bidofferv3/..."
 * ```
 */
export function buildPayloads(count: number = PAYLOAD_COUNT, seed = 20_240_601): BenchPayload[] {
  const rand = prng(seed);
  const price = SYMBOLS.map(() => basePrice(rand));
  const out: BenchPayload[] = [];
  for (let i = 0; i < count; i++) {
    const k = Math.floor(rand() * SYMBOLS.length);
    const symbol = SYMBOLS[k];
    price[k] = Math.max(0.02, price[k] * (1 + (rand() - 0.5) * 0.004));
    const r = rand();
    const kind: BenchPayload["kind"] = r < 0.04
      ? "ato"
      : r < 0.08
      ? "atc"
      : r < 0.16
      ? "partial"
      : "normal";
    const flag = kind === "ato" ? FLAG.ATO : kind === "atc" ? FLAG.ATC : FLAG.NORMAL;
    let book: BidOfferInit = realisticBook(symbol, price[k], { seed: i + 1, flag });
    if (kind === "partial") {
      const bidDepth = Math.floor(rand() * 10);
      const askDepth = Math.max(1, Math.floor(rand() * 10));
      book = { ...book, bids: truncate(book.bids, bidDepth), asks: truncate(book.asks, askDepth) };
    }
    out.push({
      topic: `proto/topic/bidofferv3/${symbol}`,
      symbol,
      bytes: bidOfferBytes(book),
      kind,
    });
  }
  return out;
}

/**
 * Summary of a data set for the report.
 * @param payloads The data set.
 * @returns Counts per kind, distinct symbols, and the mean payload size in bytes.
 */
export function describePayloads(payloads: readonly BenchPayload[]): {
  count: number;
  symbols: number;
  meanBytes: number;
  kinds: Record<string, number>;
} {
  const kinds: Record<string, number> = {};
  let bytes = 0;
  for (const p of payloads) {
    kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
    bytes += p.bytes.length;
  }
  return {
    count: payloads.length,
    symbols: new Set(payloads.map((p) => p.symbol)).size,
    meanBytes: Math.round(bytes / payloads.length),
    kinds,
  };
}
