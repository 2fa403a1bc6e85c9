/**
 * Settrade MQTT topics: builders, a parser, and the mapping from tickwire
 * subscriptions to topics.
 *
 * | subscription | topic |
 * | --- | --- |
 * | `quote`, `book` | `proto/topic/bidofferv3/{SYMBOL}` (one topic serves both) |
 * | `info` | `proto/topic/infov3/{SYMBOL}` |
 * | `bar` | `proto/topic/cdlv3/{SYMBOL}/{INTERVAL}` (interval default `1m`) |
 * | `market` SET, MAI | `proto/topic/exchinfoeqv3/{MARKET}` (`SET`, `mai`) |
 * | `market` TFEX | `proto/topic/exchinfodvv3/TFEX` |
 * | `trade` | none: Settrade's realtime feed has no trade (tick) topic |
 *
 * Market names are spelled as the exchange spells them on the topic: the wire
 * page gives `SET`, `mai` and `TFEX`; the spelling of `mai` (lower case, as
 * the exchange writes the name) is inferred from that page. Other markets are
 * refused until their spelling is known.
 *
 * Subscription errors arrive on {@link SUBSCRIBE_ERROR_TOPIC}. Order topics
 * (`proto/ua/_broker/{ACCOUNT}/_front/ordereqv3`, `.../orderdvv3`) are not
 * handled: their message layouts are not documented.
 *
 * @module
 */

import type { Subscription } from "../../../src/connector.ts";
import type { Channel } from "../../../src/events.ts";

/** Topic on which the broker reports failed subscriptions. */
export const SUBSCRIBE_ERROR_TOPIC = "$sys/u/_broker/_uref/error/subscribe";

const PREFIX = "proto/topic/";

/** A Settrade topic, parsed. */
export type SettradeTopic =
  | { readonly kind: "bidoffer"; readonly symbol: string }
  | { readonly kind: "info"; readonly symbol: string }
  | { readonly kind: "candlestick"; readonly symbol: string; readonly interval: string }
  | { readonly kind: "exchange-equity"; readonly market: string }
  | { readonly kind: "exchange-deriv"; readonly market: string }
  | { readonly kind: "subscribe-error" };

/** Kinds of {@link SettradeTopic}. */
export type SettradeTopicKind = SettradeTopic["kind"];

/** Markets served, by upper-case name: topic family and spelling on the topic. */
const MARKETS: Readonly<Record<string, { readonly deriv: boolean; readonly name: string }>> = {
  SET: { deriv: false, name: "SET" },
  MAI: { deriv: false, name: "mai" },
  TFEX: { deriv: true, name: "TFEX" },
};

function segment(kind: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new TypeError(`[settrade] ${kind} must be a string, got ${typeof value}`);
  }
  if (value === "" || /[/+#\s]/.test(value) || value.includes("\0")) {
    throw new RangeError(
      `[settrade] invalid ${kind} ${JSON.stringify(value)}: expected a non-empty name ` +
        `without "/", "+", "#" or spaces`,
    );
  }
  return value;
}

/**
 * Topic of the ten-level book (`BidOfferV3`), which serves `quote` and `book`.
 * @param symbol Instrument symbol (upper-cased here).
 * @returns `proto/topic/bidofferv3/{SYMBOL}`.
 * @throws RangeError for an empty symbol or one with `/`, `+`, `#` or spaces.
 * @example
 * ```ts
 * import { bidOfferTopic } from "./topics.ts";
 * console.log(bidOfferTopic("ptt")); // "proto/topic/bidofferv3/PTT"
 * ```
 */
export function bidOfferTopic(symbol: string): string {
  return `${PREFIX}bidofferv3/${segment("symbol", symbol).toUpperCase()}`;
}

/**
 * Topic of the instrument summary (`InfoV3`).
 * @param symbol Instrument symbol (upper-cased here).
 * @returns `proto/topic/infov3/{SYMBOL}`.
 * @throws RangeError for an invalid symbol.
 * @example
 * ```ts
 * import { infoTopic } from "./topics.ts";
 * console.log(infoTopic("PTT")); // "proto/topic/infov3/PTT"
 * ```
 */
export function infoTopic(symbol: string): string {
  return `${PREFIX}infov3/${segment("symbol", symbol).toUpperCase()}`;
}

/**
 * Topic of the candlesticks (`CandlestickV3`) of one symbol at one interval.
 * @param symbol Instrument symbol (upper-cased here).
 * @param interval Interval as Settrade names it (`"1m"`, `"5m"`, `"1d"`, ...), kept as given.
 * @returns `proto/topic/cdlv3/{SYMBOL}/{INTERVAL}`.
 * @throws RangeError for an invalid symbol or interval.
 * @example
 * ```ts
 * import { candlestickTopic } from "./topics.ts";
 * console.log(candlestickTopic("PTT", "5m")); // "proto/topic/cdlv3/PTT/5m"
 * ```
 */
export function candlestickTopic(symbol: string, interval: string): string {
  return `${PREFIX}cdlv3/${segment("symbol", symbol).toUpperCase()}/${
    segment("interval", interval)
  }`;
}

/**
 * Topic of a market's status (`EquityExchangeInfoV3` for SET and mai,
 * `DerivExchangeInfoV3` for TFEX), with the market spelled as on the wire.
 * @param market Market name, any case: `SET`, `MAI` or `TFEX`.
 * @returns `proto/topic/exchinfoeqv3/SET`, `.../exchinfoeqv3/mai` or `.../exchinfodvv3/TFEX`.
 * @throws RangeError for any other market.
 * @example
 * ```ts
 * import { marketTopic } from "./topics.ts";
 * console.log(marketTopic("MAI"), marketTopic("tfex"));
 * // "proto/topic/exchinfoeqv3/mai" "proto/topic/exchinfodvv3/TFEX"
 * ```
 */
export function marketTopic(market: string): string {
  const known = MARKETS[segment("market", market).toUpperCase()];
  if (known === undefined) {
    throw new RangeError(
      `[settrade] unknown market ${JSON.stringify(market)}: expected one of ${
        Object.keys(MARKETS).join(", ")
      }`,
    );
  }
  return `${PREFIX}${known.deriv ? "exchinfodvv3" : "exchinfoeqv3"}/${known.name}`;
}

/**
 * Maps a tickwire subscription to the Settrade topic that serves it. `quote` and
 * `book` of one symbol share a topic.
 * @param sub The subscription.
 * @returns The topic.
 * @throws RangeError for `trade` (not served by Settrade), an unknown market or an invalid name.
 * @example
 * ```ts
 * import { subscriptionTopic } from "./topics.ts";
 * console.log(subscriptionTopic({ channel: "bar", symbol: "PTT" })); // "proto/topic/cdlv3/PTT/1m"
 * ```
 */
export function subscriptionTopic(sub: Subscription): string {
  switch (sub.channel) {
    case "quote":
    case "book":
      return bidOfferTopic(sub.symbol);
    case "info":
      return infoTopic(sub.symbol);
    case "bar":
      return candlestickTopic(sub.symbol, sub.interval ?? "1m");
    case "market":
      return marketTopic(sub.symbol);
    case "trade":
      throw new RangeError('[settrade] channel "trade" is not served: Settrade has no trade topic');
    default:
      throw new RangeError(`[settrade] unknown channel ${JSON.stringify(sub.channel)}`);
  }
}

/**
 * Channels a parsed topic can serve.
 * @param kind Topic kind.
 * @returns The channels (`["quote", "book"]` for a book topic; none for the error topic).
 * @example
 * ```ts
 * import { topicChannels } from "./topics.ts";
 * console.log(topicChannels("bidoffer")); // ["quote", "book"]
 * ```
 */
export function topicChannels(kind: SettradeTopicKind): readonly Channel[] {
  switch (kind) {
    case "bidoffer":
      return ["quote", "book"];
    case "info":
      return ["info"];
    case "candlestick":
      return ["bar"];
    case "exchange-equity":
    case "exchange-deriv":
      return ["market"];
    case "subscribe-error":
      return [];
  }
}

/**
 * Parses a topic.
 * @param topic An MQTT topic name.
 * @returns What it carries, or `undefined` when it is not a Settrade market-data
 *   or error topic (including malformed ones, e.g. an empty symbol).
 * @example
 * ```ts
 * import { parseTopic } from "./topics.ts";
 * console.log(parseTopic("proto/topic/cdlv3/PTT/5m"));
 * // { kind: "candlestick", symbol: "PTT", interval: "5m" }
 * ```
 */
export function parseTopic(topic: string): SettradeTopic | undefined {
  if (topic === SUBSCRIBE_ERROR_TOPIC) return { kind: "subscribe-error" };
  if (!topic.startsWith(PREFIX)) return undefined;
  const parts = topic.slice(PREFIX.length).split("/");
  if (parts.some((p) => p === "")) return undefined;
  const [family, name, interval] = parts;
  if (parts.length === 3 && family === "cdlv3") {
    return { kind: "candlestick", symbol: name, interval };
  }
  if (parts.length !== 2) return undefined;
  switch (family) {
    case "bidofferv3":
      return { kind: "bidoffer", symbol: name };
    case "infov3":
      return { kind: "info", symbol: name };
    case "exchinfoeqv3":
      return { kind: "exchange-equity", market: name };
    case "exchinfodvv3":
      return { kind: "exchange-deriv", market: name };
    default:
      return undefined;
  }
}
