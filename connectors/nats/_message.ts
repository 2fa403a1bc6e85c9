/**
 * An event as the generated `tickwire.v1` message (`@bufbuild/protobuf`).
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import type {
  BookFlag as TwBookFlag,
  BookLevel as TwBookLevel,
  FeedEvent,
  MarketStatusCode as TwStatusCode,
  StatusKind as TwStatusKind,
} from "../../src/events.ts";
import { STATUS_KINDS } from "../../src/events.ts";
import {
  BookFlag,
  type Event,
  EventSchema,
  type EventSchema as EventSchemaType,
  type StatusKind,
  TradeSide,
  Via,
} from "./gen/tickwire/v1/events_pb.ts";

type Init<T> = Parameters<typeof create<typeof EventSchemaType>>[1] & T;

const FLAG_TO: Record<TwBookFlag, BookFlag> = {
  normal: BookFlag.NORMAL,
  ato: BookFlag.ATO,
  atc: BookFlag.ATC,
  undefined: BookFlag.UNDEFINED,
};
const SIDE_TO = { buy: TradeSide.BUY, sell: TradeSide.SELL, unknown: TradeSide.UNKNOWN };
const KIND_TO = new Map<TwStatusKind, StatusKind>(
  STATUS_KINDS.map((k, i) => [k, (i + 1) as StatusKind]),
);

function levels(ls: readonly TwBookLevel[]): { price: number; size: number }[] {
  return ls.map((l) => ({ price: l.price, size: l.size }));
}

function code(c: TwStatusCode): { code: number; name: string } {
  return { code: c.code, name: c.name };
}

/** Copies the optional fields of `from` listed in `keys` that are set. */
function pick<T extends object>(from: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

/**
 * Builds the generated message of an event: the JSON encoding's input, and the
 * reference the hand-written protobuf writer (`_writer.ts`) is tested against.
 * @param ev A market event or a status.
 * @returns The `tickwire.v1.Event`.
 */
export function toMessage(ev: FeedEvent): Event {
  const init: Init<Record<string, unknown>> = {
    source: ev.source,
    recvTs: ev.recvTs,
    recvMono: ev.recvMono,
    epoch: ev.epoch,
    ...(ev.origin === undefined ? {} : { origin: ev.origin }),
  };
  if (ev.type === "status") {
    const { type: _t, source: _s, epoch: _e, recvTs: _r, recvMono: _m, origin: _o, kind, ...rest } =
      ev;
    init.body = { case: "status", value: { ...rest, kind: KIND_TO.get(kind) } as never };
    return create(EventSchema, init);
  }
  init.seq = ev.seq;
  init.symbol = ev.symbol;
  if (ev.exchTs !== undefined) init.exchTs = ev.exchTs;
  if (ev.via !== undefined) init.via = ev.via === "poll" ? Via.POLL : Via.BACKFILL;
  if (ev.streamSeq !== undefined) init.streamSeq = ev.streamSeq;
  switch (ev.type) {
    case "quote":
      init.body = {
        case: "quote",
        value: {
          bid: ev.bid,
          ask: ev.ask,
          bidSize: ev.bidSize,
          askSize: ev.askSize,
          bidFlag: FLAG_TO[ev.bidFlag],
          askFlag: FLAG_TO[ev.askFlag],
        },
      };
      break;
    case "book":
      init.body = {
        case: "book",
        value: {
          bids: levels(ev.bids),
          asks: levels(ev.asks),
          bidFlag: FLAG_TO[ev.bidFlag],
          askFlag: FLAG_TO[ev.askFlag],
        },
      };
      break;
    case "trade":
      init.body = {
        case: "trade",
        value: {
          price: ev.price,
          size: ev.size,
          side: SIDE_TO[ev.side],
          ...(ev.tradeId === undefined ? {} : { tradeId: ev.tradeId }),
        },
      };
      break;
    case "bar": {
      const { interval, openTs, open, high, low, close, volume, sequence } = ev;
      const value = { interval, openTs, open, high, low, close, volume, sequence };
      init.body = { case: "bar", value: { ...value, ...pick(ev, ["value"]) } };
      break;
    }
    case "info":
      init.body = {
        case: "info",
        value: {
          ...pick(ev, ["projectedOpenPrice", "projectedOpenVolume"]),
          last: ev.last,
          high: ev.high,
          low: ev.low,
          change: ev.change,
          totalVolume: ev.totalVolume,
          totalValue: ev.totalValue,
          marketStatus: code(ev.marketStatus),
        },
      };
      break;
    case "market":
      init.body = {
        case: "market",
        value: {
          ...pick(ev, [
            "current",
            "high",
            "low",
            "change",
            "percentChange",
            "totalVolume",
            "totalValue",
            "totalDeal",
            "openInterest",
          ]),
          market: ev.market,
          status: code(ev.status),
        },
      };
      break;
  }
  return create(EventSchema, init);
}
