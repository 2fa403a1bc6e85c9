/**
 * Payloads of the lower-rate topics (instrument summary, candlesticks, market
 * status), built with the generated code. Re-exported by `_fixtures.ts`.
 *
 * @module
 */

import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Money } from "../../connectors/settrade/gen/google/type/money_pb.ts";
import { CandlestickV3Schema } from "../../connectors/settrade/gen/settrade/v3/candlestick_pb.ts";
import {
  DerivExchangeInfoV3Schema,
  EquityExchangeInfoV3Schema,
} from "../../connectors/settrade/gen/settrade/v3/exchange_info_pb.ts";
import { InfoV3Schema } from "../../connectors/settrade/gen/settrade/v3/info_pb.ts";
import type { MarketStatus } from "../../connectors/settrade/gen/settrade/v3/market_status_pb.ts";
import { money, type Price } from "./_fixtures.ts";

const opt = (p: Price | undefined): Money | undefined => (p === undefined ? undefined : money(p));

/** Fields of an `InfoV3` payload. */
export interface InfoInit {
  readonly symbol: string;
  readonly last?: Price;
  readonly high?: Price;
  readonly low?: Price;
  readonly change?: Price;
  readonly totalVolume?: number | bigint;
  readonly totalValue?: Price;
  readonly projectedOpenPrice?: Price;
  readonly projectedOpenVolume?: number | bigint;
  readonly marketStatus?: number;
}

/**
 * Encodes an `InfoV3` payload.
 * @param init Fields; absent ones are left out.
 * @returns The payload bytes.
 * @example
 * ```ts
 * const bytes = infoBytes({ symbol: "PTT", last: "34.25", change: "-0.75", totalVolume: 12_345_600 });
 * ```
 */
export function infoBytes(init: InfoInit): Uint8Array {
  return toBinary(
    InfoV3Schema,
    create(InfoV3Schema, {
      symbol: init.symbol,
      last: opt(init.last),
      high: opt(init.high),
      low: opt(init.low),
      change: opt(init.change),
      totalVolume: BigInt(init.totalVolume ?? 0),
      totalValue: opt(init.totalValue),
      projectedOpenPrice: opt(init.projectedOpenPrice),
      projectedOpenVolume: BigInt(init.projectedOpenVolume ?? 0),
      marketStatus: (init.marketStatus ?? 0) as MarketStatus,
    }),
  );
}

/** Fields of a `CandlestickV3` payload. */
export interface CandlestickInit {
  readonly symbol: string;
  readonly interval: string;
  /** Opening time of the bar, epoch ms; `undefined` leaves `time` out. */
  readonly timeMs?: number;
  readonly open?: Price;
  readonly high?: Price;
  readonly low?: Price;
  readonly close?: Price;
  readonly volume?: number | bigint;
  readonly value?: Price;
  readonly lastSequence?: number | bigint;
}

/**
 * Encodes a `CandlestickV3` payload.
 * @param init Fields; absent ones are left out.
 * @returns The payload bytes.
 * @example
 * ```ts
 * const bytes = candlestickBytes({ symbol: "PTT", interval: "1m", timeMs: 1_700_000_040_000, close: "34.5" });
 * ```
 */
export function candlestickBytes(init: CandlestickInit): Uint8Array {
  return toBinary(
    CandlestickV3Schema,
    create(CandlestickV3Schema, {
      symbol: init.symbol,
      interval: init.interval,
      time: init.timeMs === undefined ? undefined : timestampFromMs(init.timeMs),
      open: opt(init.open),
      high: opt(init.high),
      low: opt(init.low),
      close: opt(init.close),
      volume: BigInt(init.volume ?? 0),
      value: opt(init.value),
      lastSequence: BigInt(init.lastSequence ?? 0),
    }),
  );
}

/** Fields of an `EquityExchangeInfoV3` payload. */
export interface EquityMarketInit {
  readonly name: string;
  readonly marketStatus?: number;
  readonly current?: Price;
  readonly high?: Price;
  readonly low?: Price;
  readonly change?: Price;
  readonly percentChange?: Price;
  readonly totalIndexVolume?: number | bigint;
  readonly totalIndexValue?: Price;
}

/**
 * Encodes an `EquityExchangeInfoV3` payload.
 * @param init Market figures.
 * @returns The payload bytes.
 * @example
 * ```ts
 * const bytes = equityMarketBytes({ name: "SET", current: "1402.35", totalIndexValue: "5432109876.12" });
 * ```
 */
export function equityMarketBytes(init: EquityMarketInit): Uint8Array {
  return toBinary(
    EquityExchangeInfoV3Schema,
    create(EquityExchangeInfoV3Schema, {
      marketInfo: {
        name: init.name,
        marketStatus: (init.marketStatus ?? 0) as MarketStatus,
        current: opt(init.current),
        high: opt(init.high),
        low: opt(init.low),
        change: opt(init.change),
        percentChange: opt(init.percentChange),
        totalIndexVolume: BigInt(init.totalIndexVolume ?? 0),
        totalIndexValue: opt(init.totalIndexValue),
      },
    }),
  );
}

/** Fields of a `DerivExchangeInfoV3` payload. */
export interface DerivMarketInit {
  readonly name: string;
  readonly marketStatus?: number;
  readonly totalVolume?: number | bigint;
  readonly totalDeal?: number | bigint;
  readonly openInterest?: number;
}

/**
 * Encodes a `DerivExchangeInfoV3` payload.
 * @param init Market figures.
 * @returns The payload bytes.
 * @example
 * ```ts
 * const bytes = derivMarketBytes({ name: "TFEX", totalVolume: 250_000, openInterest: 1_200_000 });
 * ```
 */
export function derivMarketBytes(init: DerivMarketInit): Uint8Array {
  return toBinary(
    DerivExchangeInfoV3Schema,
    create(DerivExchangeInfoV3Schema, {
      marketInfo: {
        name: init.name,
        marketStatus: (init.marketStatus ?? 0) as MarketStatus,
        totalVolume: BigInt(init.totalVolume ?? 0),
        totalDeal: BigInt(init.totalDeal ?? 0),
        openInterest: init.openInterest ?? 0,
      },
    }),
  );
}
