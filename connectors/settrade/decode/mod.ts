/**
 * Settrade payload decoding: from an MQTT topic and its payload to normalized
 * market events. Private to the settrade connector (and its CLI tooling).
 *
 * Two entry points, one behaviour:
 *
 * - {@link SettradeDecoder.decode}, for the connector's hot path: hands each
 *   event to a callback (e.g. the sink's `event`, bound once). Book payloads
 *   allocate only their events; the lower-rate info, bar and market payloads go
 *   through the generated code (`fromBinary`). Keep one decoder per connection,
 *   and one {@link Stamp} object whose fields you update per message.
 * - {@link decodePayload}, for tools such as `tickwire decode`: returns the
 *   events in an array.
 *
 * A book topic yields a `quote`, a `book`, or both, from one parse, as `want`
 * asks; other topics yield exactly one event. The topic is the source of truth
 * for what a payload is about: one whose symbol (a bar's interval, a market's
 * name) differs from its topic's is a `DecodeError` (code `"topic-mismatch"`),
 * never an event under the wrong name. Events take the sequence numbers
 * `meta.seq`, `meta.seq + 1`, ... in the order emitted (`quote` before `book`).
 * Every failure is a `DecodeError` carrying the topic; nothing else is thrown
 * (except what the callback itself throws).
 *
 * @module
 */

import { DecodeError, isDecodeError } from "../../../src/errors.ts";
import type { MarketEvent } from "../../../src/events.ts";
import { BidOfferDecoder } from "./bid-offer.ts";
import { decodeBar } from "./candlestick.ts";
import { decodeDerivMarket, decodeEquityMarket } from "./exchange-info.ts";
import { decodeInfo } from "./info.ts";
import type { Stamp } from "../../../src/kit/stamp.ts";
import { parseTopic, type SettradeTopic } from "./topics.ts";

export { BidOfferDecoder } from "./bid-offer.ts";
export { moneyToNumber } from "./money.ts";
export { decodeInfo } from "./info.ts";
export { decodeBar } from "./candlestick.ts";
export { decodeDerivMarket, decodeEquityMarket } from "./exchange-info.ts";
export { decodeSubscribeError, type SubscribeErrorPayload } from "./subscribe-error.ts";
export {
  bidOfferTopic,
  candlestickTopic,
  infoTopic,
  marketTopic,
  parseTopic,
  type SettradeTopic,
  type SettradeTopicKind,
  SUBSCRIBE_ERROR_TOPIC,
  subscriptionTopic,
  topicChannels,
} from "./topics.ts";

/** Which events a book topic should yield. */
export interface DecodeWant {
  /** Emit a `quote` (top of book). */
  readonly quote: boolean;
  /** Emit a `book` (ten levels per side). */
  readonly book: boolean;
}

/** Both `quote` and `book` from a book topic. */
export const WANT_BOTH: DecodeWant = Object.freeze({ quote: true, book: true });

/** Receives each decoded event. */
export type EmitEvent = (ev: MarketEvent) => void;

/** Parsed topics kept per decoder; the cache is emptied when it grows past this. */
const TOPIC_CACHE_LIMIT = 4096;

/** Topics that carry one event per payload. */
type SingleTopic = Exclude<SettradeTopic, { kind: "bidoffer" | "subscribe-error" }>;

function withTopic(e: unknown, topic: string): unknown {
  if (!isDecodeError(e) || e.topic !== undefined) return e;
  return new DecodeError(`${e.message} on topic ${JSON.stringify(topic)}`, {
    code: e.code,
    offset: e.offset,
    topic,
    cause: e,
  });
}

function mismatch(what: string, got: string, want: string, topic: string): DecodeError {
  return new DecodeError(
    `[settrade] payload ${what} ${JSON.stringify(got.slice(0, 40))} differs from its topic's ${
      JSON.stringify(want)
    } on topic ${JSON.stringify(topic)}`,
    { code: "topic-mismatch", topic },
  );
}

function decodeOne(t: SingleTopic, payload: Uint8Array, meta: Stamp, topic: string): MarketEvent {
  switch (t.kind) {
    case "info": {
      const ev = decodeInfo(payload, meta);
      if (ev.symbol !== t.symbol) throw mismatch("symbol", ev.symbol, t.symbol, topic);
      return ev;
    }
    case "candlestick": {
      const ev = decodeBar(payload, meta);
      if (ev.symbol !== t.symbol) throw mismatch("symbol", ev.symbol, t.symbol, topic);
      if (ev.interval !== t.interval) throw mismatch("interval", ev.interval, t.interval, topic);
      return ev;
    }
    case "exchange-equity":
    case "exchange-deriv": {
      const ev = t.kind === "exchange-equity"
        ? decodeEquityMarket(payload, meta)
        : decodeDerivMarket(payload, meta);
      if (ev.market !== t.market) throw mismatch("market", ev.market, t.market, topic);
      return ev;
    }
  }
}

/**
 * Decodes Settrade payloads by topic. Holds the reusable state of the book
 * decoder and a cache of parsed topics; not reentrant.
 *
 * @example Decoding into a callback
 * ```ts
 * import { SettradeDecoder, WANT_BOTH } from "./mod.ts";
 * const decoder = new SettradeDecoder();
 * const meta = { source: "settrade", seq: 1, recvTs: Date.now(), recvMono: performance.now(), epoch: 0 };
 * const payload = new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54]); // symbol "PTT", empty book
 * const n = decoder.decode("proto/topic/bidofferv3/PTT", payload, meta, WANT_BOTH, (ev) => console.log(ev.type));
 * meta.seq += n; // "quote" then "book" were printed; n is 2
 * ```
 */
export class SettradeDecoder {
  readonly #bidOffer: BidOfferDecoder = new BidOfferDecoder();
  readonly #topics: Map<string, SettradeTopic> = new Map();

  /**
   * Parses a topic, through a cache.
   * @param topic MQTT topic name.
   * @returns The parsed topic, or `undefined` for a topic Settrade does not publish.
   */
  topic(topic: string): SettradeTopic | undefined {
    let t = this.#topics.get(topic);
    if (t === undefined) {
      t = parseTopic(topic);
      if (t === undefined) return undefined;
      if (this.#topics.size >= TOPIC_CACHE_LIMIT) this.#topics.clear();
      this.#topics.set(topic, t);
    }
    return t;
  }

  /**
   * Decodes one payload and hands its events to `emit`.
   *
   * @param topic MQTT topic the payload arrived on.
   * @param payload Payload bytes.
   * @param meta Receive-side fields; read, never kept.
   * @param want Events wanted from a book topic (ignored for other topics).
   *   With neither, the payload is still checked and nothing is emitted.
   * @param emit Receives each event.
   * @param start First byte of the payload in `payload`. @default 0
   * @param end End of the payload (exclusive). @default payload.length
   * @returns Number of events emitted (sequence numbers used).
   * @throws DecodeError (with `topic` set) for an unknown topic (code `"topic"`,
   *   also for the subscription-error topic) or a malformed payload.
   */
  decode(
    topic: string,
    payload: Uint8Array,
    meta: Stamp,
    want: DecodeWant,
    emit: EmitEvent,
    start = 0,
    end: number = payload.length,
  ): number {
    return this.decodeParsed(this.topic(topic), topic, payload, meta, want, emit, start, end);
  }

  /**
   * Like {@link SettradeDecoder.decode}, for a topic the caller has parsed already
   * (the connector keeps it with the subscription, so the hot path looks the topic
   * up once).
   *
   * @param t The parsed topic, or `undefined` when it did not parse.
   * @param topic The topic as received (for errors).
   * @param payload Payload bytes.
   * @param meta Receive-side fields; read, never kept.
   * @param want Events wanted from a book topic.
   * @param emit Receives each event.
   * @param start First byte of the payload in `payload` (a capture's replay
   *   passes the chunk it read, with no view per record). @default 0
   * @param end End of the payload (exclusive). @default payload.length
   * @returns Number of events emitted.
   * @throws DecodeError as {@link SettradeDecoder.decode} does.
   */
  decodeParsed(
    t: SettradeTopic | undefined,
    topic: string,
    payload: Uint8Array,
    meta: Stamp,
    want: DecodeWant,
    emit: EmitEvent,
    start = 0,
    end: number = payload.length,
  ): number {
    if (t === undefined || t.kind === "subscribe-error") {
      throw new DecodeError(
        `[settrade] not a market-data topic: ${JSON.stringify(topic)}`,
        { code: "topic", topic },
      );
    }
    if (t.kind === "bidoffer") {
      const bidOffer = this.#bidOffer;
      try {
        // Without a book, levels 2-10 are framed but not read.
        if (want.book) bidOffer.parse(payload, start, end);
        else bidOffer.parseQuote(payload, start, end);
      } catch (e) {
        throw withTopic(e, topic);
      }
      if (bidOffer.symbol !== t.symbol) throw mismatch("symbol", bidOffer.symbol, t.symbol, topic);
      const seq = meta.seq;
      let n = 0;
      if (want.quote) emit(bidOffer.toQuote(meta, seq + n++));
      if (want.book) emit(bidOffer.toBook(meta, seq + n++));
      return n;
    }
    let ev: MarketEvent;
    try {
      const whole = start === 0 && end === payload.length;
      ev = decodeOne(t, whole ? payload : payload.subarray(start, end), meta, topic);
    } catch (e) {
      throw withTopic(e, topic);
    }
    emit(ev);
    return 1;
  }
}

let shared: SettradeDecoder | undefined;

/**
 * Decodes one payload into an array of events (a `quote` and/or a `book` for a
 * book topic, one event otherwise). Uses a shared {@link SettradeDecoder}.
 *
 * @param topic MQTT topic the payload arrived on.
 * @param payload Payload bytes.
 * @param meta Receive-side fields (`seq` is the first event's sequence number).
 * @param want Events wanted from a book topic. @default WANT_BOTH
 * @returns The events, in order.
 * @throws DecodeError for an unknown topic or a malformed payload.
 * @example Decoding a captured payload
 * ```ts
 * import { decodePayload } from "./mod.ts";
 * const payload = new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54]);
 * const meta = { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 };
 * const events = decodePayload("proto/topic/bidofferv3/PTT", payload, meta);
 * console.log(events.map((e) => `${e.type}#${e.seq}`)); // ["quote#1", "book#2"]
 * ```
 */
export function decodePayload(
  topic: string,
  payload: Uint8Array,
  meta: Stamp,
  want: DecodeWant = WANT_BOTH,
): MarketEvent[] {
  shared ??= new SettradeDecoder();
  const out: MarketEvent[] = [];
  shared.decode(topic, payload, meta, want, (ev) => {
    out.push(ev);
  });
  return out;
}
