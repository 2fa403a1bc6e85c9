/**
 * Decodes `EquityExchangeInfoV3` (topic `proto/topic/exchinfoeqv3/{MARKET}`)
 * and `DerivExchangeInfoV3` (topic `proto/topic/exchinfodvv3/{MARKET}`)
 * payloads into `market` events, through the generated code.
 *
 * `symbol` is the market name upper-cased; `market` keeps the name as the
 * payload spells it (`"mai"` stays `"mai"`). An absent `market_info` or an empty
 * name is rejected with code `"empty-symbol"`.
 *
 * @module
 */

import { DecodeError } from "../../../src/errors.ts";
import type { MarketStatusEvent } from "../../../src/events.ts";
import {
  DerivExchangeInfoV3Schema,
  EquityExchangeInfoV3Schema,
} from "../gen/settrade/v3/exchange_info_pb.ts";
import {
  countToNumber,
  marketStatus,
  moneyOf,
  parseGenerated,
  requireSymbol,
} from "./_generated.ts";
import type { Stamp } from "../../../src/kit/stamp.ts";

/** The fields of a `market` event both exchange-info messages share. */
type MarketHeader = Pick<
  MarketStatusEvent,
  | "type"
  | "source"
  | "origin"
  | "symbol"
  | "seq"
  | "recvTs"
  | "recvMono"
  | "epoch"
  | "market"
  | "status"
>;

/** The `market_info` of a message, or a DecodeError when it is absent. */
function present<T>(info: T | undefined, what: string): T {
  if (info === undefined) {
    throw new DecodeError(`[settrade] ${what} is absent`, { code: "empty-symbol" });
  }
  return info;
}

/**
 * Builds the shared fields, checking the market is named.
 * @param info The decoded `market_info`. @param what Its path, for errors.
 * @param meta Receive-side fields. @param seq Sequence number.
 */
function header(
  info: { readonly name: string; readonly marketStatus: number },
  what: string,
  meta: Stamp,
  seq: number,
): MarketHeader {
  return {
    type: "market",
    source: meta.source,
    origin: meta.origin,
    symbol: requireSymbol(info.name, `${what}.name`),
    seq,
    recvTs: meta.recvTs,
    recvMono: meta.recvMono,
    epoch: meta.epoch,
    market: info.name,
    status: marketStatus(info.marketStatus),
  };
}

/**
 * Decodes one `EquityExchangeInfoV3` payload (SET, mai): status, index level and
 * range, change, volume and value; absent figures are 0 (proto3).
 *
 * @param bytes An `EquityExchangeInfoV3` message.
 * @param meta Receive-side fields.
 * @param seq Sequence number of the event. @default meta.seq
 * @returns The market event.
 * @throws DecodeError `"malformed"`, `"empty-symbol"`, `"overflow"` or `"range"`.
 * @example Decoding the mai market
 * ```ts
 * import { decodeEquityMarket } from "./exchange-info.ts";
 * // market_info { name "mai" market_status 7 }
 * const bytes = new Uint8Array([0x0a, 7, 0x0a, 3, 0x6d, 0x61, 0x69, 0x10, 7]);
 * const ev = decodeEquityMarket(bytes, { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 });
 * console.log(ev.symbol, ev.market, ev.status.name); // MAI mai code-7
 * ```
 */
export function decodeEquityMarket(
  bytes: Uint8Array,
  meta: Stamp,
  seq: number = meta.seq,
): MarketStatusEvent {
  const what = "EquityExchangeInfoV3.market_info";
  const info = present(parseGenerated(EquityExchangeInfoV3Schema, bytes).marketInfo, what);
  return {
    ...header(info, what, meta, seq),
    current: moneyOf(info.current, `${what}.current`),
    high: moneyOf(info.high, `${what}.high`),
    low: moneyOf(info.low, `${what}.low`),
    change: moneyOf(info.change, `${what}.change`),
    percentChange: moneyOf(info.percentChange, `${what}.percent_change`),
    totalVolume: countToNumber(info.totalIndexVolume, `${what}.total_index_volume`),
    totalValue: moneyOf(info.totalIndexValue, `${what}.total_index_value`),
  };
}

/**
 * Decodes one `DerivExchangeInfoV3` payload (TFEX): status, volume, deals and
 * open interest; absent figures are 0 (proto3).
 *
 * @param bytes A `DerivExchangeInfoV3` message.
 * @param meta Receive-side fields.
 * @param seq Sequence number of the event. @default meta.seq
 * @returns The market event.
 * @throws DecodeError `"malformed"`, `"empty-symbol"`, `"overflow"` or `"range"`.
 * @example Decoding TFEX
 * ```ts
 * import { decodeDerivMarket } from "./exchange-info.ts";
 * // market_info { name "TFEX" open_interest 5 }
 * const bytes = new Uint8Array([0x0a, 8, 0x0a, 4, 0x54, 0x46, 0x45, 0x58, 0x28, 5]);
 * const ev = decodeDerivMarket(bytes, { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 });
 * console.log(ev.symbol, ev.openInterest); // TFEX 5
 * ```
 */
export function decodeDerivMarket(
  bytes: Uint8Array,
  meta: Stamp,
  seq: number = meta.seq,
): MarketStatusEvent {
  const what = "DerivExchangeInfoV3.market_info";
  const info = present(parseGenerated(DerivExchangeInfoV3Schema, bytes).marketInfo, what);
  return {
    ...header(info, what, meta, seq),
    totalVolume: countToNumber(info.totalVolume, `${what}.total_volume`),
    totalDeal: countToNumber(info.totalDeal, `${what}.total_deal`),
    openInterest: countToNumber(info.openInterest, `${what}.open_interest`),
  };
}
