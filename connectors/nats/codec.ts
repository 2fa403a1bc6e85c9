/**
 * The wire codec of tickwire's events (schema `tickwire.v1`,
 * `proto/tickwire/v1/events.proto`): protobuf by default, the schema's JSON
 * mapping as an option. The encoding and schema travel in the message's
 * `Content-Type` header ({@link CONTENT_TYPES}); a reader refuses any other.
 *
 * Every number is a double on the wire, so a decoded price equals the
 * published one bit for bit (in protobuf, `-0` included; JSON writes `-0` as
 * `0`, the one value it does not keep).
 *
 * @module
 */

import { fromBinary, fromJsonString, toJsonString } from "@bufbuild/protobuf";
import type {
  BookFlag as TwBookFlag,
  BookLevel as TwBookLevel,
  FeedEvent,
  MarketStatusCode as TwStatusCode,
} from "../../src/events.ts";
import { STATUS_KINDS } from "../../src/events.ts";
import { DecodeError } from "../../src/errors.ts";
import {
  type BookFlag,
  type BookLevel,
  type Event,
  EventSchema,
  type MarketStatusCode,
  type Status,
  Via,
} from "./gen/tickwire/v1/events_pb.ts";
import { pick, toMessage } from "./_message.ts";
import { EventWriter } from "./_writer.ts";

/** How events are written on the bus. @default "protobuf" */
export type WireEncoding = "protobuf" | "json";

/** The schema these functions read and write. */
export const SCHEMA_VERSION = "tickwire.v1";

/** The `Content-Type` header of each encoding. */
export const CONTENT_TYPES: Readonly<Record<WireEncoding, string>> = {
  protobuf: `application/x-protobuf; schema=${SCHEMA_VERSION}`,
  json: `application/json; schema=${SCHEMA_VERSION}`,
};

const FLAGS: readonly TwBookFlag[] = ["normal", "ato", "atc", "undefined"];
const SIDES = ["buy", "sell", "unknown"] as const;

/** The protobuf writer, made on first use. */
let writer: EventWriter | undefined;

/**
 * Encodes one event.
 * @param ev A market event or a status.
 * @param encoding Protobuf or JSON. @default "protobuf"
 * @returns The message payload (its `Content-Type` is `CONTENT_TYPES[encoding]`).
 * @example
 * ```ts
 * import { decodeEvent, encodeEvent, CONTENT_TYPES } from "@tickwire/tickwire/connectors/nats";
 * const ev = {
 *   type: "quote", source: "synthetic", symbol: "PTT", seq: 1, recvTs: 1, recvMono: 1, epoch: 0,
 *   bid: 33.25, ask: 33.5, bidSize: 100, askSize: 200, bidFlag: "normal", askFlag: "normal",
 * } as const;
 * const back = decodeEvent(encodeEvent(ev), CONTENT_TYPES.protobuf);
 * console.log(back.type === "quote" && back.bid === 33.25); // true
 * ```
 */
export function encodeEvent(ev: FeedEvent, encoding: WireEncoding = "protobuf"): Uint8Array {
  return encoding === "protobuf"
    ? (writer ??= new EventWriter()).encode(ev)
    : new TextEncoder().encode(toJsonString(EventSchema, toMessage(ev)));
}

function bad(what: string): never {
  throw new DecodeError(`[nats] bad event: ${what}`);
}

function num(v: number | undefined, field: string): number {
  if (v === undefined) bad(`"${field}" is missing`);
  return v;
}

function flag(f: BookFlag, field: string): TwBookFlag {
  return FLAGS[f - 1] ?? bad(`"${field}" has the unknown value ${f}`);
}

function lvls(ls: readonly BookLevel[], field: string): TwBookLevel[] {
  return ls.map((l, i) => ({
    price: num(l.price, `${field}[${i}].price`),
    size: num(l.size, `${field}[${i}].size`),
  }));
}

function statusCode(c: MarketStatusCode | undefined, field: string): TwStatusCode {
  if (c === undefined) bad(`"${field}" is missing`);
  return { code: num(c.code, `${field}.code`), name: c.name };
}

/** Copies the fields of a message that are set (explicit presence), leaving out the rest. */
function present<T extends object>(m: T, keys: readonly (keyof T)[]): Partial<T> {
  return pick(m, keys);
}

const STATUS_FIELDS = [
  "reason",
  "attempt",
  "delayMs",
  "code",
  "mode",
  "previous",
  "from",
  "to",
  "scope",
  "ageMs",
  "quiet",
  "symbol",
  "eventType",
] as const satisfies readonly (keyof Status)[];

function fromMessage(m: Event): FeedEvent {
  const body = m.body;
  if (body.case === undefined) bad("no body (an event of a newer schema?)");
  const base = {
    source: m.source,
    recvTs: m.recvTs,
    recvMono: m.recvMono,
    epoch: m.epoch,
    ...(m.origin === undefined ? {} : { origin: m.origin }),
  };
  if (body.case === "status") {
    const s = body.value;
    const kind = STATUS_KINDS[s.kind - 1] ?? bad(`status kind ${s.kind} is unknown`);
    const extra: Record<string, unknown> = present(s, STATUS_FIELDS);
    if (kind === "stale") extra.symbols = [...s.symbols];
    return { type: "status", ...base, kind, ...extra } as unknown as FeedEvent;
  }
  if (m.symbol === "") bad(`a ${body.case} event without a symbol`);
  const market = {
    ...base,
    symbol: m.symbol,
    seq: m.seq,
    ...(m.exchTs === undefined ? {} : { exchTs: m.exchTs }),
    ...(m.via === Via.UNSPECIFIED
      ? {}
      : { via: m.via === Via.POLL ? "poll" as const : "backfill" as const }),
    ...(m.streamSeq === undefined ? {} : { streamSeq: m.streamSeq }),
  } as const;
  switch (body.case) {
    case "quote": {
      const q = body.value;
      return {
        type: "quote",
        ...market,
        bid: num(q.bid, "quote.bid"),
        ask: num(q.ask, "quote.ask"),
        bidSize: num(q.bidSize, "quote.bidSize"),
        askSize: num(q.askSize, "quote.askSize"),
        bidFlag: flag(q.bidFlag, "quote.bidFlag"),
        askFlag: flag(q.askFlag, "quote.askFlag"),
      };
    }
    case "book": {
      const b = body.value;
      return {
        type: "book",
        ...market,
        bids: lvls(b.bids, "book.bids"),
        asks: lvls(b.asks, "book.asks"),
        bidFlag: flag(b.bidFlag, "book.bidFlag"),
        askFlag: flag(b.askFlag, "book.askFlag"),
      };
    }
    case "trade": {
      const t = body.value;
      return {
        type: "trade",
        ...market,
        price: num(t.price, "trade.price"),
        size: num(t.size, "trade.size"),
        side: SIDES[t.side - 1] ?? bad(`"trade.side" has the unknown value ${t.side}`),
        ...(t.tradeId === undefined ? {} : { tradeId: t.tradeId }),
      };
    }
    case "bar": {
      const b = body.value;
      return {
        type: "bar",
        ...market,
        interval: b.interval,
        openTs: num(b.openTs, "bar.openTs"),
        open: num(b.open, "bar.open"),
        high: num(b.high, "bar.high"),
        low: num(b.low, "bar.low"),
        close: num(b.close, "bar.close"),
        volume: num(b.volume, "bar.volume"),
        ...(b.value === undefined ? {} : { value: b.value }),
        sequence: num(b.sequence, "bar.sequence"),
      };
    }
    case "info": {
      const i = body.value;
      return {
        type: "info",
        ...market,
        last: num(i.last, "info.last"),
        high: num(i.high, "info.high"),
        low: num(i.low, "info.low"),
        change: num(i.change, "info.change"),
        totalVolume: num(i.totalVolume, "info.totalVolume"),
        totalValue: num(i.totalValue, "info.totalValue"),
        ...present(i, ["projectedOpenPrice", "projectedOpenVolume"]) as {
          projectedOpenPrice?: number;
        },
        marketStatus: statusCode(i.marketStatus, "info.marketStatus"),
      };
    }
    case "market": {
      const s = body.value;
      return {
        type: "market",
        ...market,
        ...present(s, [
          "current",
          "high",
          "low",
          "change",
          "percentChange",
          "totalVolume",
          "totalValue",
          "totalDeal",
          "openInterest",
        ]) as Record<string, number>,
        market: s.market,
        status: statusCode(s.status, "market.status"),
      };
    }
  }
}

/**
 * Decodes one message payload.
 * @param payload The bytes. @param contentType The message's `Content-Type` header.
 * @returns The event, as it was published.
 * @throws DecodeError naming what is wrong: an unknown schema or encoding, bytes
 *   that are not the schema's, a missing field or an unknown enum value.
 */
export function decodeEvent(payload: Uint8Array, contentType: string | undefined): FeedEvent {
  let msg: Event;
  if (contentType === CONTENT_TYPES.protobuf) {
    try {
      msg = fromBinary(EventSchema, payload);
    } catch (e) {
      bad(`not a tickwire.v1 protobuf message (${(e as Error).message})`);
    }
  } else if (contentType === CONTENT_TYPES.json) {
    try {
      msg = fromJsonString(EventSchema, new TextDecoder().decode(payload), {
        ignoreUnknownFields: true,
      });
    } catch (e) {
      bad(`not a tickwire.v1 JSON message (${(e as Error).message})`);
    }
  } else {
    bad(
      contentType === undefined
        ? "no Content-Type header"
        : `unknown schema or encoding "${contentType}" (this reader knows ${SCHEMA_VERSION})`,
    );
  }
  return fromMessage(msg);
}
