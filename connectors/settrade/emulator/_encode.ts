/**
 * Normalized events to Settrade payloads, with the generated schemas
 * (`create` + `toBinary`): book → `BidOfferV3`, info → `InfoV3`, bar →
 * `CandlestickV3`, market → `EquityExchangeInfoV3` / `DerivExchangeInfoV3`.
 *
 * Prices become `google.type.Money` from the shortest decimal of the number
 * (`String(x)`), so 0.01 is exactly units 0, nanos 10,000,000; `nanos` carries
 * the sign of `units`.
 *
 * @module
 */

import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type {
  BarEvent,
  BookEvent,
  BookFlag,
  InfoEvent,
  MarketStatusEvent,
} from "../../../src/events.ts";
import { type Money, MoneySchema } from "../gen/google/type/money_pb.ts";
import { BidOfferV3Schema } from "../gen/settrade/v3/bid_offer_pb.ts";
import { CandlestickV3Schema } from "../gen/settrade/v3/candlestick_pb.ts";
import {
  DerivExchangeInfoV3_MarketInfoSchema,
  DerivExchangeInfoV3Schema,
  EquityExchangeInfoV3_MarketInfoSchema,
  EquityExchangeInfoV3Schema,
} from "../gen/settrade/v3/exchange_info_pb.ts";
import { InfoV3Schema } from "../gen/settrade/v3/info_pb.ts";
import type { MarketStatus } from "../gen/settrade/v3/market_status_pb.ts";

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * A number as `google.type.Money`: the exact decimal of its shortest rendering,
 * rounded half away from zero to 9 fraction digits; `nanos` has the sign of `units`.
 * @param value A finite number.
 * @returns The Money message (no currency code, as on the wire).
 */
export function toMoney(value: number): Money {
  let text = String(value);
  if (text.includes("e")) text = value.toFixed(9);
  const m = DECIMAL.exec(text);
  if (m === null) throw new RangeError(`[settrade-emulator] not a finite price: "${text}"`);
  let units = BigInt(m[2]!);
  const digits = (m[3] ?? "").padEnd(10, "0");
  let nanos = Number(digits.slice(0, 9));
  if (digits.charCodeAt(9) >= 53 /* "5" */) {
    nanos++;
    if (nanos === 1_000_000_000) {
      nanos = 0;
      units++;
    }
  }
  return create(
    MoneySchema,
    m[1] === "-" ? { units: -units, nanos: nanos === 0 ? 0 : -nanos } : { units, nanos },
  );
}

/** A price that proto3 leaves out when it is zero. */
function price(value: number | undefined): Money | undefined {
  return value === undefined || value === 0 ? undefined : toMoney(value);
}

const FLAG: Readonly<Record<BookFlag, number>> = { undefined: 0, normal: 1, ato: 2, atc: 3 };

/**
 * A ten-level book as `BidOfferV3` (prices of 0, as in the call auctions, left out).
 * @param ev The book event (up to 10 levels per side).
 * @returns The payload bytes.
 */
export function encodeBidOffer(ev: BookEvent): Uint8Array {
  const init: Record<string, unknown> = {
    symbol: ev.symbol,
    bidFlag: FLAG[ev.bidFlag],
    askFlag: FLAG[ev.askFlag],
  };
  for (let i = 0; i < 10; i++) {
    const bid = ev.bids[i];
    const ask = ev.asks[i];
    if (bid !== undefined) {
      init[`bidPrice${i + 1}`] = price(bid.price);
      init[`bidVolume${i + 1}`] = BigInt(bid.size);
    }
    if (ask !== undefined) {
      init[`askPrice${i + 1}`] = price(ask.price);
      init[`askVolume${i + 1}`] = BigInt(ask.size);
    }
  }
  return toBinary(BidOfferV3Schema, create(BidOfferV3Schema, init));
}

/**
 * An instrument summary as `InfoV3`.
 * @param ev The info event.
 * @returns The payload bytes.
 */
export function encodeInfo(ev: InfoEvent): Uint8Array {
  return toBinary(
    InfoV3Schema,
    create(InfoV3Schema, {
      symbol: ev.symbol,
      high: price(ev.high),
      low: price(ev.low),
      last: price(ev.last),
      totalVolume: BigInt(ev.totalVolume),
      projectedOpenPrice: price(ev.projectedOpenPrice),
      change: price(ev.change),
      totalValue: price(ev.totalValue),
      marketStatus: ev.marketStatus.code as MarketStatus,
      projectedOpenVolume: BigInt(ev.projectedOpenVolume ?? 0),
    }),
  );
}

/**
 * A bar as `CandlestickV3`, under the interval of the topic it is published on.
 * @param ev The bar (its `interval` is the one published).
 * @returns The payload bytes.
 */
export function encodeCandlestick(ev: BarEvent): Uint8Array {
  return toBinary(
    CandlestickV3Schema,
    create(CandlestickV3Schema, {
      symbol: ev.symbol,
      interval: ev.interval,
      lastSequence: BigInt(ev.sequence),
      time: timestampFromMs(ev.openTs),
      open: price(ev.open),
      high: price(ev.high),
      low: price(ev.low),
      close: price(ev.close),
      volume: BigInt(ev.volume),
      value: price(ev.value),
    }),
  );
}

/**
 * A market's status as `EquityExchangeInfoV3` (SET, mai) or `DerivExchangeInfoV3` (TFEX).
 * @param ev The market event.
 * @param name Market name as spelled on the wire (`SET`, `mai`, `TFEX`).
 * @param deriv Whether the market is a derivatives market.
 * @returns The payload bytes.
 */
export function encodeExchangeInfo(
  ev: MarketStatusEvent,
  name: string,
  deriv: boolean,
): Uint8Array {
  if (deriv) {
    const volume = ev.totalVolume ?? 0;
    return toBinary(
      DerivExchangeInfoV3Schema,
      create(DerivExchangeInfoV3Schema, {
        marketInfo: create(DerivExchangeInfoV3_MarketInfoSchema, {
          name,
          marketStatus: ev.status.code as MarketStatus,
          totalVolume: BigInt(volume),
          // The synthetic market has no deals or open interest: both follow its volume.
          totalDeal: BigInt(ev.totalDeal ?? Math.floor(volume / 700)),
          openInterest: ev.openInterest ??
            Math.min(2 ** 31 - 1, 250_000 + Math.floor(volume / 100)),
        }),
      }),
    );
  }
  return toBinary(
    EquityExchangeInfoV3Schema,
    create(EquityExchangeInfoV3Schema, {
      marketInfo: create(EquityExchangeInfoV3_MarketInfoSchema, {
        name,
        marketStatus: ev.status.code as MarketStatus,
        current: price(ev.current),
        high: price(ev.high),
        low: price(ev.low),
        change: price(ev.change),
        percentChange: price(ev.percentChange),
        totalIndexVolume: BigInt(ev.totalVolume ?? 0),
        totalIndexValue: price(ev.totalValue),
      }),
    }),
  );
}

/**
 * An undecodable payload derived from a real one: field 1 declared 127 bytes
 * long with at most 20 following, so every protobuf parser reports it truncated.
 * @param payload The payload it replaces.
 * @returns The malformed bytes.
 */
export function malform(payload: Uint8Array): Uint8Array {
  const body = payload.subarray(0, 20);
  const out = new Uint8Array(2 + body.length);
  out[0] = 0x0a;
  out[1] = 0x7f;
  out.set(body, 2);
  return out;
}
