/**
 * Wire decoders for raw payload records, chosen by topic prefix and loaded only
 * when a capture holds such payloads (a replay of synthetic events never loads
 * protobuf code). Replaying a raw capture runs the same decoder as the live
 * connector, so a decoder fix can be re-run over old captures.
 *
 * | topic prefix | decoder |
 * | --- | --- |
 * | `proto/topic/` | Settrade (`connectors/settrade/decode`) |
 * | `$sys/` | none: broker control topics; their meaning (e.g. `subscribe-error`) is recorded as status events |
 *
 * @module
 */

import type { MarketEvent } from "../../src/events.ts";
import type { Stamp } from "../../src/kit/stamp.ts";

/** Events wanted from a topic that serves several channels (a book serves `quote` and `book`). */
export interface PayloadWant {
  readonly quote: boolean;
  readonly book: boolean;
}

/** A wire decoder, as the replay connector uses it. */
export interface PayloadDecoder {
  /**
   * @param topic A topic of this decoder's wire.
   * @returns The upper-case symbol (or market) the topic carries, or `undefined`.
   */
  symbolOf(topic: string): string | undefined;
  /**
   * A decode function for the payloads of one topic, with the topic parsed
   * once: what a replay keeps per topic for its hot loop.
   * @param topic A topic of this decoder's wire.
   * @returns It decodes one payload, `buffer[start, end)`, hands each event
   *   to `emit` (with `origin` from the meta) and returns how many it emitted;
   *   it throws DecodeError for a malformed payload.
   */
  prepare(topic: string): PreparedDecode;
}

/** {@link PayloadDecoder.prepare}'s decode function for one topic. */
export type PreparedDecode = (
  buffer: Uint8Array,
  start: number,
  end: number,
  meta: Stamp,
  want: PayloadWant,
  emit: (ev: MarketEvent) => void,
) => number;

interface DecoderEntry {
  readonly prefix: string;
  readonly load: (() => Promise<PayloadDecoder>) | undefined;
}

const ENTRIES: readonly DecoderEntry[] = [
  { prefix: "proto/topic/", load: settrade },
  { prefix: "$sys/", load: undefined },
];

async function settrade(): Promise<PayloadDecoder> {
  const m = await import("../settrade/decode/mod.ts");
  const d = new m.SettradeDecoder();
  return {
    symbolOf(topic: string): string | undefined {
      const t = d.topic(topic);
      if (t === undefined) return undefined;
      if ("symbol" in t) return t.symbol.toUpperCase();
      if ("market" in t) return t.market.toUpperCase();
      return undefined;
    },
    prepare(topic: string): PreparedDecode {
      const t = d.topic(topic);
      return (buffer, start, end, meta, want, emit) =>
        d.decodeParsed(t, topic, buffer, meta, want, emit, start, end);
    },
  };
}

/** What to do with a topic: decode it, ignore it, or report it as unknown. */
export type TopicRoute = PayloadDecoder | "ignore" | "unknown";

/**
 * Finds decoders by topic, loading each once. Not shared between connectors:
 * a decoder may hold per-stream state.
 */
export class DecoderTable {
  readonly #loaded = new Map<string, PayloadDecoder>();
  readonly #routes = new Map<string, TopicRoute>();

  /**
   * The route of a topic if it is known without loading anything.
   * @param topic The topic.
   * @returns The route, or `undefined` when {@link DecoderTable.load} must run first.
   */
  route(topic: string): TopicRoute | undefined {
    const cached = this.#routes.get(topic);
    if (cached !== undefined) return cached;
    const entry = ENTRIES.find((e) => topic.startsWith(e.prefix));
    let route: TopicRoute | undefined;
    if (entry === undefined) route = "unknown";
    else if (entry.load === undefined) route = "ignore";
    else route = this.#loaded.get(entry.prefix);
    if (route !== undefined) this.#routes.set(topic, route);
    return route;
  }

  /**
   * Loads the decoder a topic needs.
   * @param topic The topic.
   * @returns Its route.
   */
  async load(topic: string): Promise<TopicRoute> {
    const entry = ENTRIES.find((e) => topic.startsWith(e.prefix));
    if (entry?.load !== undefined && !this.#loaded.has(entry.prefix)) {
      this.#loaded.set(entry.prefix, await entry.load());
    }
    return this.route(topic)!;
  }
}
