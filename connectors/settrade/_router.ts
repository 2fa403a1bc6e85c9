/**
 * The hot path of the Settrade connector, after the generation check: raw tap →
 * one parse per payload (a `quote` and/or a `book` from a book topic, as the held
 * subscriptions want) → the sink. Allocates only the events. A payload that fails
 * to decode goes to `sink.decodeError` (counted, logged at a limited rate, skipped
 * by the feed); nothing is ever thrown into the transport.
 *
 * @module
 */

import type { Clock } from "../../src/clock.ts";
import type { EventSink, RawTap } from "../../src/connector.ts";
import { isDecodeError } from "../../src/errors.ts";
import type { MarketEvent } from "../../src/events.ts";
import { type Logger, RateLimitedLog } from "../../src/log.ts";
import { reasonOf as messageOf } from "../../src/errors.ts";
import type { HeldTopic, SubscriptionTable } from "./_subscriptions.ts";
import type { Stamp } from "../../src/kit/stamp.ts";
import { SettradeDecoder } from "./decode/mod.ts";
import { SUBSCRIBE_ERROR_TOPIC } from "./decode/topics.ts";

/** What a {@link MessageRouter} works with. */
export interface RouterDeps {
  readonly source: string;
  readonly subs: SubscriptionTable;
  readonly sink: EventSink;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly rawTap?: RawTap;
  /** The connector's stamp (its lifecycle's): `seq` and epoch live there. */
  readonly stamp: Stamp;
  /** Receives payloads of the subscription-error topic. */
  readonly onSubscribeError: (payload: Uint8Array) => void;
  /** Sees every `info` and `market` event (the session learns market states from them). */
  readonly observe?: (ev: MarketEvent) => void;
}

/** Routes payloads of the current connection to events. One per connector. */
export class MessageRouter {
  /**
   * Receive-side fields stamped on every event: `seq` is the next sequence
   * number, `epoch` the current connection's. Updated in place.
   */
  readonly meta: Stamp;
  /** Payloads that failed to decode. */
  decodeErrors = 0;
  readonly #d: RouterDeps;
  readonly #decoder = new SettradeDecoder();
  readonly #failures: RateLimitedLog;
  readonly #emit: (ev: MarketEvent) => void;
  readonly #emitOther: (ev: MarketEvent) => void;
  /** The topic being routed (the emit callbacks record into it). */
  #held: HeldTopic | undefined;
  /** Events of the current payload not delivered now (their `seq` is left unused). */
  #unused = 0;

  /** @param deps Table, sink, clock, logger, raw tap and the error-topic callback. */
  constructor(deps: RouterDeps) {
    this.#d = deps;
    this.meta = deps.stamp;
    this.#failures = new RateLimitedLog(deps.logger, { level: "error" });
    const sink = deps.sink;
    // Book topics (the hot path): the quote is remembered for the poll fallback's dedupe.
    this.#emit = (ev) => {
      if (ev.type === "quote") this.#held!.lastQuote = ev;
      sink.event(ev);
    };
    // Other topics: the session sees market states; bars go through their gate.
    const observe = deps.observe;
    this.#emitOther = (ev) => {
      observe?.(ev);
      const bars = this.#held!.bars;
      if (ev.type === "bar" && bars !== undefined) {
        if (!bars.live(ev)) this.#unused++;
      } else sink.event(ev);
    };
  }

  /**
   * Handles one payload of the current connection.
   * @param topic Topic it arrived on.
   * @param payload The bytes (not kept).
   */
  route(topic: string, payload: Uint8Array): void {
    const meta = this.meta;
    const d = this.#d;
    meta.recvTs = d.clock.now();
    meta.recvMono = d.clock.mono();
    if (d.rawTap !== undefined) {
      try {
        d.rawTap.payload(topic, payload, meta.recvTs, meta.recvMono, meta.epoch);
      } catch (e) {
        this.#failures.log("[settrade] the raw tap threw; the feed goes on", {
          error: messageOf(e),
        });
      }
    }
    const held = d.subs.get(topic);
    if (held === undefined) {
      // A topic no longer held (a message in flight across an unsubscribe) is dropped.
      if (topic === SUBSCRIBE_ERROR_TOPIC) d.onSubscribeError(payload);
      return;
    }
    held.lastEpoch = meta.epoch;
    this.#held = held;
    const seq = meta.seq;
    try {
      if (held.parsed?.kind === "bidoffer") {
        meta.seq = seq +
          this.#decoder.decodeParsed(held.parsed, topic, payload, meta, held.want, this.#emit);
      } else {
        this.#unused = 0;
        const n = this.#decoder.decodeParsed(
          held.parsed,
          topic,
          payload,
          meta,
          held.want,
          this.#emitOther,
        );
        meta.seq = seq + n - this.#unused;
      }
    } catch (e) {
      if (isDecodeError(e)) {
        this.decodeErrors++;
        d.sink.decodeError(e);
      } else {
        // The sink threw after some events were delivered: never reuse their numbers.
        meta.seq = seq + 2;
        this.#failures.log("[settrade] delivering an event failed; the feed goes on", {
          topic,
          error: messageOf(e),
        });
      }
    }
  }

  /**
   * Takes the next sequence number (for events built outside the hot path).
   * @returns The number.
   */
  nextSeq(): number {
    return this.meta.seq++;
  }
}
