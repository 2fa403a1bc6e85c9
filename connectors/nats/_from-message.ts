/**
 * The event of a generated `tickwire.v1` message: the decoder of the JSON
 * encoding and of any protobuf the hand-written reader (`_reader.ts`) leaves to
 * the generated code, and the reference that reader is tested against.
 *
 * @module
 */

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
  type MarketStatusCode,
  type Status,
  Via,
} from "./gen/tickwire/v1/events_pb.ts";
import { INFO_OPTIONAL, MARKET_OPTIONAL } from "./_message.ts";
import { BAR_NAMES, INFO_NAMES, STATUS_NAMES } from "./_reader-layout.ts";

const QUOTE_DOUBLES = ["bid", "ask", "bidSize", "askSize"];

const FLAGS: readonly TwBookFlag[] = ["normal", "ato", "atc", "undefined"];
const SIDES = ["buy", "sell", "unknown"] as const;

/**
 * Refuses an event.
 * @param what What is wrong. @throws DecodeError `[nats] bad event: <what>`.
 */
export function bad(what: string): never {
  throw new DecodeError(`[nats] bad event: ${what}`);
}

function num(v: number | undefined, field: string): number {
  if (v === undefined) bad(`"${field}" is missing`);
  return v;
}

/** Copies the required doubles `keys` (`""` skipped) of `from` onto `to`, named `what.key` when missing. */
function nums(
  to: Record<string, unknown>,
  from: object,
  keys: readonly string[],
  what: string,
): void {
  for (const k of keys) {
    if (k !== "") to[k] = num((from as Record<string, number | undefined>)[k], `${what}.${k}`);
  }
}

function flag(f: BookFlag, field: string): TwBookFlag {
  return FLAGS[f - 1] ?? bad(`"${field}" has the unknown value ${f}`);
}

/** Sets the `bidFlag` and `askFlag` of a quote or book. */
function flags(
  to: Record<string, unknown>,
  from: { readonly bidFlag: BookFlag; readonly askFlag: BookFlag },
  what: string,
): void {
  to.bidFlag = flag(from.bidFlag, `${what}.bidFlag`);
  to.askFlag = flag(from.askFlag, `${what}.askFlag`);
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

/** The status fields after `kind` but `symbols`, in field order. */
const STATUS_FIELDS = STATUS_NAMES.filter((n) => n !== "") as readonly (keyof Status)[];

/**
 * Builds the event of a decoded message, field by field on one object.
 * @param m The generated message. @returns The event.
 * @throws DecodeError naming a missing field or an unknown enum value.
 */
export function fromMessage(m: Event): FeedEvent {
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
      nums(ev, q, QUOTE_DOUBLES, "quote");
      flags(ev, q, "quote");
      break;
    }
    case "book": {
      const b = body.value;
      ev.bids = lvls(b.bids, "book.bids");
      ev.asks = lvls(b.asks, "book.asks");
      flags(ev, b, "book");
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
      nums(ev, b, BAR_NAMES, "bar");
      if (b.value !== undefined) ev.value = b.value;
      ev.sequence = num(b.sequence, "bar.sequence");
      break;
    }
    case "info": {
      const i = body.value;
      nums(ev, i, INFO_NAMES, "info");
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
