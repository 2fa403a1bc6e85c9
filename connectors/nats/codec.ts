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
import { toMessage } from "./_message.ts";
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
  const out: TwBookLevel[] = new Array(ls.length);
  for (let i = 0; i < ls.length; i++) {
    const { price, size } = ls[i]!;
    if (price === undefined) bad(`"${field}[${i}].price" is missing`);
    if (size === undefined) bad(`"${field}[${i}].size" is missing`);
    out[i] = { price, size };
  }
  return out;
}

function statusCode(c: MarketStatusCode | undefined, field: string): TwStatusCode {
  if (c === undefined) bad(`"${field}" is missing`);
  return { code: num(c.code, `${field}.code`), name: c.name };
}

/** Copies the fields of `from` listed in `keys` that are set (explicit presence) onto `to`. */
function present<T extends object>(
  to: Record<string, unknown>,
  from: T,
  keys: readonly (keyof T & string)[],
): void {
  for (const k of keys) if (from[k] !== undefined) to[k] = from[k];
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

const INFO_OPTIONAL = ["projectedOpenPrice", "projectedOpenVolume"] as const;
const MARKET_OPTIONAL = [
  "current",
  "high",
  "low",
  "change",
  "percentChange",
  "totalVolume",
  "totalValue",
  "totalDeal",
  "openInterest",
] as const;

// Events are built field by field on one object (no spread of partial
// objects): the connector decodes every message of the stream.
function fromMessage(m: Event): FeedEvent {
  const body = m.body;
  if (body.case === undefined) bad("no body (an event of a newer schema?)");
  const ev: Record<string, unknown> = {
    type: body.case,
    source: m.source,
    recvTs: m.recvTs,
    recvMono: m.recvMono,
    epoch: m.epoch,
  };
  if (m.origin !== undefined) ev.origin = m.origin;
  if (body.case === "status") {
    const s = body.value;
    ev.kind = STATUS_KINDS[s.kind - 1] ?? bad(`status kind ${s.kind} is unknown`);
    present(ev, s, STATUS_FIELDS);
    if (ev.kind === "stale") ev.symbols = [...s.symbols];
    return ev as unknown as FeedEvent;
  }
  if (m.symbol === "") bad(`a ${body.case} event without a symbol`);
  ev.symbol = m.symbol;
  ev.seq = m.seq;
  if (m.exchTs !== undefined) ev.exchTs = m.exchTs;
  if (m.via !== Via.UNSPECIFIED) ev.via = m.via === Via.POLL ? "poll" : "backfill";
  if (m.streamSeq !== undefined) ev.streamSeq = m.streamSeq;
  switch (body.case) {
    case "quote": {
      const q = body.value;
      ev.bid = num(q.bid, "quote.bid");
      ev.ask = num(q.ask, "quote.ask");
      ev.bidSize = num(q.bidSize, "quote.bidSize");
      ev.askSize = num(q.askSize, "quote.askSize");
      ev.bidFlag = flag(q.bidFlag, "quote.bidFlag");
      ev.askFlag = flag(q.askFlag, "quote.askFlag");
      break;
    }
    case "book": {
      const b = body.value;
      ev.bids = lvls(b.bids, "book.bids");
      ev.asks = lvls(b.asks, "book.asks");
      ev.bidFlag = flag(b.bidFlag, "book.bidFlag");
      ev.askFlag = flag(b.askFlag, "book.askFlag");
      break;
    }
    case "trade": {
      const t = body.value;
      ev.price = num(t.price, "trade.price");
      ev.size = num(t.size, "trade.size");
      ev.side = SIDES[t.side - 1] ?? bad(`"trade.side" has the unknown value ${t.side}`);
      if (t.tradeId !== undefined) ev.tradeId = t.tradeId;
      break;
    }
    case "bar": {
      const b = body.value;
      ev.interval = b.interval;
      ev.openTs = num(b.openTs, "bar.openTs");
      ev.open = num(b.open, "bar.open");
      ev.high = num(b.high, "bar.high");
      ev.low = num(b.low, "bar.low");
      ev.close = num(b.close, "bar.close");
      ev.volume = num(b.volume, "bar.volume");
      if (b.value !== undefined) ev.value = b.value;
      ev.sequence = num(b.sequence, "bar.sequence");
      break;
    }
    case "info": {
      const i = body.value;
      ev.last = num(i.last, "info.last");
      ev.high = num(i.high, "info.high");
      ev.low = num(i.low, "info.low");
      ev.change = num(i.change, "info.change");
      ev.totalVolume = num(i.totalVolume, "info.totalVolume");
      ev.totalValue = num(i.totalValue, "info.totalValue");
      present(ev, i, INFO_OPTIONAL);
      ev.marketStatus = statusCode(i.marketStatus, "info.marketStatus");
      break;
    }
    case "market": {
      const s = body.value;
      present(ev, s, MARKET_OPTIONAL);
      ev.market = s.market;
      ev.status = statusCode(s.status, "market.status");
      break;
    }
  }
  return ev as unknown as FeedEvent;
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
