/**
 * The protobuf encoder of `tickwire.v1` events, written by hand for the
 * publisher's hot path. It writes the bytes that `@bufbuild/protobuf`'s
 * `toBinary` writes for the message `_message.ts` builds (the reference, which
 * the property tests hold it equal to, byte for byte): fields in number order,
 * implicit-presence fields left out at their zero value (`Object.is`, so `-0`
 * is written), optional fields written whenever set, doubles as fixed64
 * little-endian (bit for bit), enums and lengths as varints, strings as UTF-8
 * the way `TextEncoder` writes them (a lone surrogate as U+FFFD).
 *
 * Why not `toBinary`: building the reflective message (`create`) and walking
 * it cost more than publishing the bytes; this writer fills one growable
 * buffer that lives as long as the writer and hands out an exact-size copy.
 *
 * @module
 */

import type { FeedEvent, StatusKind } from "../../src/events.ts";
import { STATUS_KINDS } from "../../src/events.ts";

// Wire types.
const VARINT = 0;
const I64 = 1;
const LEN = 2;

const FLAG: Readonly<Record<string, number>> = { normal: 1, ato: 2, atc: 3, undefined: 4 };
const SIDE: Readonly<Record<string, number>> = { buy: 1, sell: 2, unknown: 3 };
const KIND = new Map<StatusKind, number>(STATUS_KINDS.map((k, i) => [k, i + 1]));

/** Every field of a status, whichever kinds define it. */
interface StatusFields {
  readonly reason?: string;
  readonly attempt?: number;
  readonly delayMs?: number;
  readonly code?: string;
  readonly mode?: string;
  readonly previous?: string;
  readonly from?: number;
  readonly to?: number;
  readonly scope?: string;
  readonly symbols?: readonly string[];
  readonly ageMs?: number;
  readonly quiet?: string;
  readonly symbol?: string;
  readonly eventType?: string;
}

const INITIAL = 256;

function enumValue(table: Readonly<Record<string, number>>, v: unknown, field: string): number {
  const n = typeof v === "string" && Object.hasOwn(table, v) ? table[v]! : undefined;
  if (n === undefined) throw new TypeError(`[nats] cannot encode "${field}": ${String(v)}`);
  return n;
}

/** Writes events into one reused buffer. Not reentrant; one per encoder. */
export class EventWriter {
  #buf = new Uint8Array(INITIAL);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;
  readonly #utf8 = new TextEncoder();

  /**
   * Encodes one event as a `tickwire.v1.Event`.
   * @param ev A market event or a status.
   * @returns A new array holding exactly the message's bytes.
   * @throws TypeError when an enum field (flag, side, kind) holds an unknown value.
   */
  encode(ev: FeedEvent): Uint8Array {
    this.#pos = 0;
    this.#event(ev);
    return this.#buf.slice(0, this.#pos);
  }

  #ensure(more: number): void {
    const need = this.#pos + more;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** A varint of a non-negative integer below 2^32 (room checked by the caller). */
  #varint(n: number): void {
    const buf = this.#buf;
    let p = this.#pos;
    while (n > 0x7f) {
      buf[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[p++] = n;
    this.#pos = p;
  }

  #tag(field: number, wire: number): void {
    this.#ensure(5);
    this.#varint((field << 3) | wire);
  }

  #double(field: number, v: number): void {
    this.#ensure(11);
    this.#varint((field << 3) | I64);
    this.#view.setFloat64(this.#pos, v, true);
    this.#pos += 8;
  }

  /** An explicit-presence double: written whenever set. */
  #opt(field: number, v: number | undefined): void {
    if (v !== undefined) this.#double(field, v);
  }

  /** An implicit-presence double: left out at 0 (but not at -0). */
  #imp(field: number, v: number | undefined): void {
    if (v !== undefined && !Object.is(v, 0)) this.#double(field, v);
  }

  /** An enum, left out at 0. */
  #enum(field: number, n: number): void {
    if (n === 0) return;
    this.#ensure(10);
    this.#varint((field << 3) | VARINT);
    this.#varint(n);
  }

  #string(field: number, s: string): void {
    const n = s.length;
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (
        (c & 0xfc00) === 0xd800 && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00
      ) {
        bytes += 4;
        i++;
      } else bytes += 3;
    }
    this.#ensure(10 + bytes);
    this.#varint((field << 3) | LEN);
    this.#varint(bytes);
    if (bytes === n) {
      const buf = this.#buf;
      let p = this.#pos;
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
      this.#pos = p;
    } else {
      this.#utf8.encodeInto(s, this.#buf.subarray(this.#pos, this.#pos + bytes));
      this.#pos += bytes;
    }
  }

  /** An implicit-presence string: left out when empty. */
  #str(field: number, s: string | undefined): void {
    if (s !== undefined && s !== "") this.#string(field, s);
  }

  /** An explicit-presence string: written whenever set. */
  #optStr(field: number, s: string | undefined): void {
    if (s !== undefined) this.#string(field, s);
  }

  /** Starts a nested message: its tag and one byte kept for its length. @returns Where its body starts. */
  #open(field: number): number {
    this.#tag(field, LEN);
    this.#ensure(1);
    return ++this.#pos;
  }

  /** Ends a nested message: writes its length before the body, moving the body when it needs more than one byte. */
  #close(start: number): void {
    const len = this.#pos - start;
    if (len < 0x80) {
      this.#buf[start - 1] = len;
      return;
    }
    let extra = 1;
    for (let v = len >>> 7; v > 0x7f; v >>>= 7) extra++;
    this.#ensure(extra);
    this.#buf.copyWithin(start + extra, start, this.#pos);
    const end = this.#pos + extra;
    this.#pos = start - 1;
    this.#varint(len);
    this.#pos = end;
  }

  #code(field: number, c: { readonly code: number; readonly name: string }): void {
    const at = this.#open(field);
    this.#opt(1, c.code);
    this.#str(2, c.name);
    this.#close(at);
  }

  #levels(field: number, ls: readonly { readonly price: number; readonly size: number }[]): void {
    for (const l of ls) {
      const at = this.#open(field);
      this.#opt(1, l.price);
      this.#opt(2, l.size);
      this.#close(at);
    }
  }

  #event(ev: FeedEvent): void {
    this.#str(1, ev.source);
    if (ev.type === "status") {
      this.#imp(3, ev.recvTs);
      this.#imp(4, ev.recvMono);
      this.#imp(5, ev.epoch);
      this.#optStr(7, ev.origin);
      this.#status(ev);
      return;
    }
    this.#imp(2, ev.seq);
    this.#imp(3, ev.recvTs);
    this.#imp(4, ev.recvMono);
    this.#imp(5, ev.epoch);
    this.#opt(6, ev.exchTs);
    this.#optStr(7, ev.origin);
    if (ev.via !== undefined) this.#enum(8, ev.via === "poll" ? 1 : 2);
    this.#opt(9, ev.streamSeq);
    this.#str(10, ev.symbol);
    let at: number;
    switch (ev.type) {
      case "quote":
        at = this.#open(16);
        this.#opt(1, ev.bid);
        this.#opt(2, ev.ask);
        this.#opt(3, ev.bidSize);
        this.#opt(4, ev.askSize);
        this.#enum(5, enumValue(FLAG, ev.bidFlag, "quote.bidFlag"));
        this.#enum(6, enumValue(FLAG, ev.askFlag, "quote.askFlag"));
        break;
      case "book":
        at = this.#open(17);
        this.#levels(1, ev.bids);
        this.#levels(2, ev.asks);
        this.#enum(3, enumValue(FLAG, ev.bidFlag, "book.bidFlag"));
        this.#enum(4, enumValue(FLAG, ev.askFlag, "book.askFlag"));
        break;
      case "trade":
        at = this.#open(18);
        this.#opt(1, ev.price);
        this.#opt(2, ev.size);
        this.#enum(3, enumValue(SIDE, ev.side, "trade.side"));
        this.#optStr(4, ev.tradeId);
        break;
      case "bar":
        at = this.#open(19);
        this.#str(1, ev.interval);
        this.#opt(2, ev.openTs);
        this.#opt(3, ev.open);
        this.#opt(4, ev.high);
        this.#opt(5, ev.low);
        this.#opt(6, ev.close);
        this.#opt(7, ev.volume);
        this.#opt(8, ev.value);
        this.#opt(9, ev.sequence);
        break;
      case "info":
        at = this.#open(20);
        this.#opt(1, ev.last);
        this.#opt(2, ev.high);
        this.#opt(3, ev.low);
        this.#opt(4, ev.change);
        this.#opt(5, ev.totalVolume);
        this.#opt(6, ev.totalValue);
        this.#opt(7, ev.projectedOpenPrice);
        this.#opt(8, ev.projectedOpenVolume);
        this.#code(9, ev.marketStatus);
        break;
      case "market":
        at = this.#open(21);
        this.#str(1, ev.market);
        this.#code(2, ev.status);
        this.#opt(3, ev.current);
        this.#opt(4, ev.high);
        this.#opt(5, ev.low);
        this.#opt(6, ev.change);
        this.#opt(7, ev.percentChange);
        this.#opt(8, ev.totalVolume);
        this.#opt(9, ev.totalValue);
        this.#opt(10, ev.totalDeal);
        this.#opt(11, ev.openInterest);
        break;
    }
    this.#close(at);
  }

  #status(ev: FeedEvent & { type: "status" }): void {
    // Every status field, whichever kinds define it, as the reference builder passes them on.
    const s = ev as unknown as StatusFields;
    const at = this.#open(22);
    this.#enum(1, KIND.get(ev.kind) ?? enumValue({}, ev.kind, "status.kind"));
    this.#optStr(2, s.reason);
    this.#opt(3, s.attempt);
    this.#opt(4, s.delayMs);
    this.#optStr(5, s.code);
    this.#optStr(6, s.mode);
    this.#optStr(7, s.previous);
    this.#opt(8, s.from);
    this.#opt(9, s.to);
    this.#optStr(10, s.scope);
    if (s.symbols !== undefined) { for (const sym of s.symbols) this.#string(11, sym); }
    this.#opt(12, s.ageMs);
    this.#optStr(13, s.quiet);
    this.#optStr(14, s.symbol);
    this.#optStr(15, s.eventType);
    this.#close(at);
  }
}
