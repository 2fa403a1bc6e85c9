/**
 * Boundary validation of events: for files, plugins and tests, never the hot path.
 * The valibot schemas stay private (JSR slow types); the public surface is
 * {@link parseEvent} and {@link validateEvent}.
 *
 * @module
 */

import * as v from "valibot";
import { DecodeError } from "./errors.ts";
import type { FeedEvent } from "./events.ts";

const finite = v.pipe(v.number(), v.finite());
const size = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const symbol = v.pipe(
  v.string(),
  v.minLength(1, "symbol must not be empty"),
  v.check((s) => s === s.toUpperCase(), "symbol must be upper case"),
);
const flag = v.picklist(["normal", "ato", "atc", "undefined"]);
const statusCode = v.strictObject({ code: v.pipe(v.number(), v.integer()), name: v.string() });

const base = {
  source: v.pipe(v.string(), v.minLength(1)),
  symbol,
  seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  recvTs: finite,
  recvMono: finite,
  epoch: v.pipe(v.number(), v.integer(), v.minValue(0)),
  exchTs: v.optional(finite),
  /** Replayed events name their original source here. */
  origin: v.optional(v.string()),
};

const level = v.strictObject({ price: finite, size });

const QuoteSchema = v.strictObject({
  type: v.literal("quote"),
  ...base,
  bid: finite,
  ask: finite,
  bidSize: size,
  askSize: size,
  bidFlag: flag,
  askFlag: flag,
});

const BookSchema = v.strictObject({
  type: v.literal("book"),
  ...base,
  bids: v.array(level),
  asks: v.array(level),
  bidFlag: flag,
  askFlag: flag,
});

const TradeSchema = v.strictObject({
  type: v.literal("trade"),
  ...base,
  price: finite,
  size,
  side: v.picklist(["buy", "sell", "unknown"]),
  tradeId: v.optional(v.string()),
});

const BarSchema = v.strictObject({
  type: v.literal("bar"),
  ...base,
  interval: v.pipe(v.string(), v.minLength(1)),
  openTs: finite,
  open: finite,
  high: finite,
  low: finite,
  close: finite,
  volume: size,
  value: v.optional(finite),
  sequence: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

const InfoSchema = v.strictObject({
  type: v.literal("info"),
  ...base,
  last: finite,
  high: finite,
  low: finite,
  change: finite,
  totalVolume: size,
  totalValue: finite,
  projectedOpenPrice: v.optional(finite),
  projectedOpenVolume: v.optional(size),
  marketStatus: statusCode,
});

const MarketSchema = v.strictObject({
  type: v.literal("market"),
  ...base,
  market: v.pipe(v.string(), v.minLength(1)),
  status: statusCode,
  current: v.optional(finite),
  high: v.optional(finite),
  low: v.optional(finite),
  change: v.optional(finite),
  percentChange: v.optional(finite),
  totalVolume: v.optional(size),
  totalValue: v.optional(finite),
  totalDeal: v.optional(size),
  openInterest: v.optional(size),
});

const StatusSchema = v.strictObject({
  type: v.literal("status"),
  kind: v.picklist([
    "connecting",
    "connected",
    "reconnecting",
    "disconnected",
    "stale",
    "recovered",
    "subscribe-error",
    "error",
    "end",
  ]),
  source: v.pipe(v.string(), v.minLength(1)),
  epoch: v.pipe(v.number(), v.integer(), v.minValue(0)),
  recvTs: finite,
  recvMono: finite,
  symbol: v.optional(v.string()),
  reason: v.optional(v.string()),
  attempt: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  delayMs: v.optional(v.pipe(v.number(), v.minValue(0))),
  origin: v.optional(v.string()),
});

const EventSchema = v.variant("type", [
  QuoteSchema,
  BookSchema,
  TradeSchema,
  BarSchema,
  InfoSchema,
  MarketSchema,
  StatusSchema,
]);

/** One problem found by {@link validateEvent}. */
export interface EventIssue {
  /** Dotted path of the field that failed (`"bids.3.size"`), or `""` for the whole value. */
  readonly path: string;
  /** Why the field failed, in words (e.g. `"symbol must be upper case"`). */
  readonly message: string;
}

/**
 * Checks a value against the event schemas without throwing.
 *
 * @param input Anything (a parsed JSON line, a plugin's output).
 * @returns Every problem found; empty when the value is a valid event.
 * @example
 * ```ts
 * import { validateEvent } from "@tickwire/tickwire";
 * console.log(validateEvent({ type: "quote" }).length > 0); // true
 * ```
 */
export function validateEvent(input: unknown): EventIssue[] {
  const result = v.safeParse(EventSchema, input);
  if (result.success) return [];
  return result.issues.map((issue) => ({
    path: v.getDotPath(issue) ?? "",
    message: issue.message,
  }));
}

/**
 * Validates a value as a feed event.
 *
 * @param input Anything (a parsed JSON line, a plugin's output).
 * @param where Names the place for the error message (`"line 12"`). @default "event"
 * @returns The value, typed as a {@link FeedEvent}.
 * @throws DecodeError naming the first failing field, code `"schema"`.
 * @example
 * ```ts
 * import { parseEvent } from "@tickwire/tickwire";
 * const ev = parseEvent({ type: "status", kind: "end", source: "replay", epoch: 0, recvTs: 0, recvMono: 0 });
 * console.log(ev.type); // "status"
 * ```
 */
export function parseEvent(input: unknown, where = "event"): FeedEvent {
  const issues = validateEvent(input);
  if (issues.length === 0) return input as FeedEvent;
  const first = issues[0]!;
  const field = first.path === "" ? "" : ` field "${first.path}"`;
  throw new DecodeError(`invalid ${where}:${field} ${first.message}`, { code: "schema" });
}
