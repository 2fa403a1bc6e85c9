/**
 * Shared helpers for the decoders built on the generated code (`info`, `bar`,
 * `market`): parsing with `fromBinary`, and turning 64-bit integers, prices and
 * status codes into event fields. These messages are far less frequent than
 * books, so they may allocate the generated message and use `BigInt`.
 *
 * @module
 */

import { type DescEnum, type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import { DecodeError } from "../../../src/errors.ts";
import type { MarketStatusCode } from "../../../src/events.ts";
import type { Money } from "../gen/google/type/money_pb.ts";
import { MarketStatusSchema } from "../gen/settrade/v3/market_status_pb.ts";
import { moneyToNumber } from "./money.ts";

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Parses a payload with the generated schema.
 *
 * @param schema Generated message schema.
 * @param bytes Payload.
 * @returns The message (unknown fields dropped).
 * @throws DecodeError `"malformed"` (no offset: `fromBinary` does not report one).
 * @example
 * ```ts
 * import { parseGenerated } from "./_generated.ts";
 * import { InfoV3Schema } from "../gen/settrade/v3/info_pb.ts";
 * console.log(parseGenerated(InfoV3Schema, new Uint8Array([0x0a, 1, 0x41])).symbol); // "A"
 * ```
 */
export function parseGenerated<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
): MessageShape<Desc> {
  try {
    return fromBinary(schema, bytes, { readUnknownFields: false });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new DecodeError(`[settrade] malformed ${schema.name} payload: ${reason}`, {
      code: "malformed",
      cause: e,
    });
  }
}

/**
 * Converts a 64-bit integer to a number, refusing to round.
 *
 * @param v Value from the generated code.
 * @param what Message and field, for the error message (`"InfoV3.total_volume"`).
 * @returns The exact number.
 * @throws DecodeError `"overflow"` beyond ±(2^53 − 1).
 * @example
 * ```ts
 * import { int64ToNumber } from "./_generated.ts";
 * console.log(int64ToNumber(42n, "InfoV3.total_volume")); // 42
 * ```
 */
export function int64ToNumber(v: bigint, what: string): number {
  if (v > MAX || v < -MAX) {
    throw new DecodeError(`[settrade] ${what} ${v} is beyond 2^53 - 1`, { code: "overflow" });
  }
  return Number(v);
}

/**
 * Converts a count (volume, deals, open interest, sequence) to a number.
 *
 * @param v Value from the generated code.
 * @param what Message and field, for the error message.
 * @returns The exact, non-negative number.
 * @throws DecodeError `"overflow"` beyond 2^53 − 1, `"range"` when negative
 *   (inferred: counts are never negative; the event model requires sizes ≥ 0).
 * @example
 * ```ts
 * import { countToNumber } from "./_generated.ts";
 * console.log(countToNumber(7, "DerivExchangeInfoV3.open_interest")); // 7
 * ```
 */
export function countToNumber(v: bigint | number, what: string): number {
  const n = typeof v === "bigint" ? int64ToNumber(v, what) : v;
  if (n < 0) throw new DecodeError(`[settrade] ${what} ${n} is negative`, { code: "range" });
  return n;
}

/**
 * Converts a price from the generated code; an absent price is 0 (proto3).
 *
 * @param m The Money message, if present.
 * @param what Message and field, for the error message.
 * @returns The nearest number to the exact decimal.
 * @throws DecodeError `"overflow"` when `units` is beyond ±(2^53 − 1).
 * @example
 * ```ts
 * import { moneyOf } from "./_generated.ts";
 * console.log(moneyOf(undefined, "InfoV3.last")); // 0
 * ```
 */
export function moneyOf(m: Money | undefined, what: string): number {
  return m === undefined ? 0 : moneyToNumber(int64ToNumber(m.units, what), m.nanos);
}

/**
 * Upper-cases a symbol or market name and rejects an empty one.
 *
 * @param s Name from the payload.
 * @param what Message and field, for the error message.
 * @returns The name, upper case.
 * @throws DecodeError `"empty-symbol"`.
 * @example
 * ```ts
 * import { requireSymbol } from "./_generated.ts";
 * console.log(requireSymbol("mai", "EquityExchangeInfoV3.market_info.name")); // "MAI"
 * ```
 */
export function requireSymbol(s: string, what: string): string {
  if (s === "") throw new DecodeError(`[settrade] ${what} is empty`, { code: "empty-symbol" });
  const upper = s.toUpperCase();
  return upper === s ? s : upper;
}

let statusCache: Map<number, MarketStatusCode> | undefined;

/**
 * Names a market-status code. Codes declared in `settrade/v3/market_status.proto`
 * get their value name in kebab case (`0` → `"unspecified"`); any other code
 * keeps its number and is named `"code-N"`.
 *
 * @param code Enum value from the wire.
 * @returns The code with its name (shared, frozen objects for repeated codes).
 * @example
 * ```ts
 * import { marketStatus } from "./_generated.ts";
 * console.log(marketStatus(42)); // { code: 42, name: "code-42" }
 * ```
 */
export function marketStatus(code: number): MarketStatusCode {
  statusCache ??= new Map();
  const cached = statusCache.get(code);
  if (cached !== undefined) return cached;
  const value = (MarketStatusSchema as DescEnum).value[code];
  const name = value === undefined
    ? `code-${code}`
    : value.localName.toLowerCase().replaceAll("_", "-");
  const status: MarketStatusCode = Object.freeze({ code, name });
  if (statusCache.size < 256) statusCache.set(code, status);
  return status;
}
