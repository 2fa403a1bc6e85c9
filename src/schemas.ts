/**
 * Boundary validation of events: for files, plugins and tests, never the hot path.
 * The valibot schemas stay private (JSR slow types); the public surface is
 * {@link parseEvent} and {@link validateEvent}.
 *
 * @module
 */

import * as v from "valibot";
import { DecodeError } from "./errors.ts";
import type { FeedEvent, StatusEvent } from "./events.ts";

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
  via: v.optional(v.picklist(["poll", "backfill"])),
  streamSeq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
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

const statusBase = {
  type: v.literal("status"),
  source: v.pipe(v.string(), v.minLength(1)),
  epoch: v.pipe(v.number(), v.integer(), v.minValue(0)),
  recvTs: finite,
  recvMono: finite,
  reason: v.optional(v.string()),
  origin: v.optional(v.string()),
};
const reason = v.string();
const mode = v.picklist(["stream", "poll", "down"]);
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Status kinds as written today; {@link LegacyStatusSchema} reads what older captures hold. */
const StatusSchema = v.variant("kind", [
  v.strictObject({ ...statusBase, kind: v.literal("connecting") }),
  v.strictObject({ ...statusBase, kind: v.literal("connected") }),
  v.strictObject({
    ...statusBase,
    kind: v.literal("reconnecting"),
    attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
    delayMs: v.pipe(v.number(), v.minValue(0)),
    code: v.optional(v.string()),
  }),
  v.strictObject({ ...statusBase, kind: v.literal("disconnected"), reason }),
  v.strictObject({ ...statusBase, kind: v.literal("mode"), mode, previous: mode }),
  v.strictObject({ ...statusBase, kind: v.literal("gap"), from: count, to: count }),
  v.strictObject({
    ...statusBase,
    kind: v.literal("stale"),
    scope: v.picklist(["symbols", "feed"]),
    symbols: v.array(symbol),
    ageMs: v.pipe(v.number(), v.minValue(0)),
    quiet: v.optional(v.picklist(["closed", "intermission", "halted", "stale"])),
  }),
  v.strictObject({ ...statusBase, kind: v.literal("recovered"), symbol: v.optional(symbol) }),
  v.strictObject({
    ...statusBase,
    kind: v.literal("subscribe-error"),
    symbol: v.optional(v.string()),
    reason,
  }),
  v.strictObject({
    ...statusBase,
    kind: v.literal("error"),
    reason,
    code: v.optional(v.string()),
    eventType: v.optional(
      v.picklist(["quote", "book", "trade", "bar", "info", "market", "status"]),
    ),
  }),
  v.strictObject({ ...statusBase, kind: v.literal("end") }),
]);

/**
 * A status as captures of format versions before the per-kind fields wrote it:
 * one flat shape, `symbol` on `stale`, `reason`, `attempt` and `delayMs` optional.
 * Read, then rewritten into today's shape by {@link upgradeStatus}.
 */
const LegacyStatusSchema = v.strictObject({
  ...statusBase,
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
  symbol: v.optional(v.string()),
  attempt: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  delayMs: v.optional(v.pipe(v.number(), v.minValue(0))),
});

type LegacyStatus = v.InferOutput<typeof LegacyStatusSchema>;

const NO_REASON = "no reason recorded";

function upgradeStatus(s: LegacyStatus): StatusEvent {
  const { symbol, attempt, delayMs, ...rest } = s;
  switch (s.kind) {
    case "reconnecting":
      return { ...rest, kind: "reconnecting", attempt: attempt ?? 1, delayMs: delayMs ?? 0 };
    case "disconnected":
    case "error":
      return { ...rest, kind: s.kind, reason: s.reason ?? NO_REASON };
    case "subscribe-error":
      return {
        ...rest,
        kind: "subscribe-error",
        reason: s.reason ?? NO_REASON,
        ...(symbol === undefined ? {} : { symbol }),
      };
    case "stale":
      return {
        ...rest,
        kind: "stale",
        scope: symbol === undefined ? "feed" : "symbols",
        symbols: symbol === undefined ? [] : [symbol],
        ageMs: 0,
      };
    case "recovered":
      return { ...rest, kind: "recovered", ...(symbol === undefined ? {} : { symbol }) };
    default:
      return { ...rest, kind: s.kind };
  }
}

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

/** What {@link checkEvent} found: the event, or every problem. */
export type EventCheck =
  | { readonly ok: true; readonly value: FeedEvent }
  | { readonly ok: false; readonly issues: readonly EventIssue[] };

function issuesOf(issues: readonly v.BaseIssue<unknown>[]): EventIssue[] {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? "", message: issue.message }));
}

/**
 * Checks a value against the event schemas without throwing. A status in the
 * shape older captures wrote (before each kind had its own fields) is accepted
 * and returned in today's shape.
 *
 * @param input Anything (a parsed JSON line, a plugin's output).
 * @returns The event (`ok: true`), or every problem found.
 * @example
 * ```ts
 * import { checkEvent } from "@tickwire/tickwire";
 * const r = checkEvent({ type: "status", kind: "end", source: "x", epoch: 0, recvTs: 0, recvMono: 0 });
 * console.log(r.ok); // true
 * ```
 */
export function checkEvent(input: unknown): EventCheck {
  const result = v.safeParse(EventSchema, input);
  if (result.success) return { ok: true, value: input as FeedEvent };
  if ((input as { type?: unknown } | null)?.type === "status") {
    const legacy = v.safeParse(LegacyStatusSchema, input);
    if (legacy.success) return { ok: true, value: upgradeStatus(legacy.output) };
  }
  return { ok: false, issues: issuesOf(result.issues) };
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
  const r = checkEvent(input);
  return r.ok ? [] : [...r.issues];
}

/**
 * Validates a value as a feed event.
 *
 * @param input Anything (a parsed JSON line, a plugin's output).
 * @param where Names the place for the error message (`"line 12"`). @default "event"
 * @returns The event (a status of an older capture's shape comes back in today's).
 * @throws DecodeError naming the first failing field, code `"schema"`.
 * @example
 * ```ts
 * import { parseEvent } from "@tickwire/tickwire";
 * const ev = parseEvent({ type: "status", kind: "end", source: "replay", epoch: 0, recvTs: 0, recvMono: 0 });
 * console.log(ev.type); // "status"
 * ```
 */
export function parseEvent(input: unknown, where = "event"): FeedEvent {
  const r = checkEvent(input);
  if (r.ok) return r.value;
  const first = r.issues[0]!;
  const field = first.path === "" ? "" : ` field "${first.path}"`;
  throw new DecodeError(`invalid ${where}:${field} ${first.message}`, { code: "schema" });
}
