/**
 * Realistic Settrade payloads built with the generated code (`create` +
 * `toBinary`), for decoder tests, the emulator and benchmarks.
 *
 * Prices are given as decimal strings (or numbers) and converted to
 * `google.type.Money` exactly; books follow the SET tick-size table.
 *
 * @module
 */

import { create, toBinary } from "@bufbuild/protobuf";
import { type Money, MoneySchema } from "../../connectors/settrade/gen/google/type/money_pb.ts";
import {
  type BidOfferV3,
  BidOfferV3_Flag,
  BidOfferV3Schema,
} from "../../connectors/settrade/gen/settrade/v3/bid_offer_pb.ts";

/** A price: a decimal string (`"34.25"`, `"-1.75"`) or a number written in plain decimal. */
export type Price = string | number;

/** Book flag codes on the wire. */
export const FLAG: { readonly UNDEFINED: 0; readonly NORMAL: 1; readonly ATO: 2; readonly ATC: 3 } =
  BidOfferV3_Flag;

/**
 * Converts a decimal price to `google.type.Money` exactly (nanos with the sign of units).
 * @param value Decimal with at most 9 fraction digits.
 * @returns The Money message.
 * @example
 * ```ts
 * const m = money("5432109876.12"); // units 5432109876n, nanos 120000000
 * ```
 */
export function money(value: Price): Money {
  const text = typeof value === "number"
    ? (Number.isInteger(value) ? value.toFixed(0) : String(value))
    : value.trim();
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (m === null) throw new RangeError(`fixtures: not a decimal price: ${JSON.stringify(value)}`);
  const units = BigInt(m[2]);
  const nanos = Number((m[3] ?? "").padEnd(9, "0"));
  return create(MoneySchema, m[1] === "-" ? { units: -units, nanos: -nanos } : { units, nanos });
}

/** One book level. */
export interface LevelInit {
  readonly price: Price;
  readonly size: number | bigint;
}

/** A book snapshot; missing levels are left out of the message (proto3 defaults). */
export interface BidOfferInit {
  readonly symbol: string;
  /** Up to 10 bid levels, best first. */
  readonly bids?: readonly LevelInit[];
  /** Up to 10 ask levels, best first. */
  readonly asks?: readonly LevelInit[];
  readonly bidFlag?: number;
  readonly askFlag?: number;
}

type LevelNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** The generated-code fields `${prefix}1` to `${prefix}10`, best level first. */
function levelFields<P extends "bidPrice" | "askPrice" | "bidVolume" | "askVolume">(
  prefix: P,
): readonly `${P}${LevelNumber}`[] {
  return Array.from({ length: 10 }, (_, i) => `${prefix}${i + 1}` as `${P}${LevelNumber}`);
}
const BID_PRICE = levelFields("bidPrice");
const ASK_PRICE = levelFields("askPrice");
const BID_VOLUME = levelFields("bidVolume");
const ASK_VOLUME = levelFields("askVolume");

/** Generated-code field names of the price and volume of each level, best first. */
export const BOOK_FIELDS: {
  readonly bidPrice: readonly (keyof BidOfferV3)[];
  readonly askPrice: readonly (keyof BidOfferV3)[];
  readonly bidVolume: readonly (keyof BidOfferV3)[];
  readonly askVolume: readonly (keyof BidOfferV3)[];
} = { bidPrice: BID_PRICE, askPrice: ASK_PRICE, bidVolume: BID_VOLUME, askVolume: ASK_VOLUME };

/**
 * Builds a `BidOfferV3` message.
 * @param init Symbol, levels and flags.
 * @returns The message.
 */
export function bidOfferMessage(init: BidOfferInit): BidOfferV3 {
  const msg = create(BidOfferV3Schema, {
    symbol: init.symbol,
    bidFlag: (init.bidFlag ?? FLAG.NORMAL) as BidOfferV3_Flag,
    askFlag: (init.askFlag ?? FLAG.NORMAL) as BidOfferV3_Flag,
  });
  const bids = init.bids ?? [];
  const asks = init.asks ?? [];
  if (bids.length > 10 || asks.length > 10) throw new RangeError("fixtures: at most 10 levels");
  bids.forEach((l, i) => {
    msg[BID_PRICE[i]] = money(l.price);
    msg[BID_VOLUME[i]] = BigInt(l.size);
  });
  asks.forEach((l, i) => {
    msg[ASK_PRICE[i]] = money(l.price);
    msg[ASK_VOLUME[i]] = BigInt(l.size);
  });
  return msg;
}

/**
 * Encodes a `BidOfferV3` payload.
 * @param init Symbol, levels and flags.
 * @returns The payload bytes.
 * @example
 * ```ts
 * const bytes = bidOfferBytes({ symbol: "PTT", bids: [{ price: "34.25", size: 1000 }] });
 * ```
 */
export function bidOfferBytes(init: BidOfferInit): Uint8Array {
  return toBinary(BidOfferV3Schema, bidOfferMessage(init));
}

/**
 * SET tick size, in satang (hundredths of a baht), for a price in satang.
 * @param satang Price × 100.
 * @returns Tick size × 100.
 */
export function setTickSatang(satang: number): number {
  if (satang < 200) return 1;
  if (satang < 500) return 2;
  if (satang < 1000) return 5;
  if (satang < 2500) return 10;
  if (satang < 10000) return 25;
  if (satang < 20000) return 50;
  if (satang < 40000) return 100;
  return 200;
}

function satangToPrice(satang: number): string {
  return `${Math.floor(satang / 100)}.${String(satang % 100).padStart(2, "0")}`;
}

/** Options of {@link realisticBook}. */
export interface RealisticBookOptions {
  /** Seed of the level sizes. @default 1 */
  readonly seed?: number;
  /** Flag of both sides; ATO and ATC books carry no prices. @default FLAG.NORMAL */
  readonly flag?: number;
}

/**
 * A full ten-level SET book around `bestBid`, on the tick grid, with sizes in
 * board lots of 100 (deterministic per seed). During ATO/ATC (flag 2/3) the
 * prices are 0, as the exchange sends them, and only volumes remain.
 * @param symbol Symbol.
 * @param bestBid Best bid, baht (snapped down to the tick grid).
 * @param options Seed and flag.
 * @returns The book, ready for {@link bidOfferBytes}.
 * @example
 * ```ts
 * const book = realisticBook("PTT", 34.25); // bids 34.25, 34.00, ...; asks 34.50, 34.75, ...
 * ```
 */
export function realisticBook(
  symbol: string,
  bestBid: number,
  options: RealisticBookOptions = {},
): BidOfferInit {
  let state = (options.seed ?? 1) >>> 0 || 1;
  const lots = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (1 + (state % 500)) * 100;
  };
  const flag = options.flag ?? FLAG.NORMAL;
  const call = flag === FLAG.ATO || flag === FLAG.ATC;
  let bid = Math.round(bestBid * 100);
  bid -= bid % setTickSatang(bid);
  let ask = bid + setTickSatang(bid);
  const bids: LevelInit[] = [];
  const asks: LevelInit[] = [];
  for (let i = 0; i < 10; i++) {
    bids.push(
      bid > 0 ? { price: call ? 0 : satangToPrice(bid), size: lots() } : { price: 0, size: 0 },
    );
    asks.push({ price: call ? 0 : satangToPrice(ask), size: lots() });
    bid -= setTickSatang(bid - 1);
    ask += setTickSatang(ask);
  }
  return { symbol, bids, asks, bidFlag: flag, askFlag: flag };
}

export {
  candlestickBytes,
  type CandlestickInit,
  derivMarketBytes,
  type DerivMarketInit,
  equityMarketBytes,
  type EquityMarketInit,
  infoBytes,
  type InfoInit,
} from "./_fixtures-summary.ts";

/** Receive-side fields for tests: seq 1, fixed times, epoch 0. */
export const META: {
  readonly source: string;
  readonly seq: number;
  readonly recvTs: number;
  readonly recvMono: number;
  readonly epoch: number;
} = { source: "settrade", seq: 1, recvTs: 1_700_000_000_000, recvMono: 1234.5, epoch: 0 };
