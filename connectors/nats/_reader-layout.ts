/**
 * The field layout of `tickwire.v1` (`proto/tickwire/v1/events.proto`) as the
 * hand-written reader (`_reader.ts`) walks it: what each field number of each
 * body holds, and the event key it goes to.
 *
 * @module
 */

// What a field holds, by field number, per message.
/** Unknown field. */
export const X = 0;
/** A double (wire type I64). */
export const D = 1;
/** An enum (VARINT). */
export const E = 2;
/** A string (LEN). */
export const S = 3;
/** A string that repeats from message to message (LEN), looked up in the string cache. */
export const C = 4;
/** A book level, repeated (LEN). */
export const L = 5;
/** A market status code (LEN). */
export const M = 6;
/** A string, repeated (LEN). */
export const R = 7;
/** Wire type of each kind. */
export const WIRE: readonly number[] = [-1, 1, 0, 2, 2, 2, 2, 2];

/** Kinds of the fields of each body, by field number. */
const QUOTE: readonly number[] = [X, D, D, D, D, E, E];
const BOOK: readonly number[] = [X, L, L, E, E];
const TRADE: readonly number[] = [X, D, D, E, S];
const BAR: readonly number[] = [X, C, D, D, D, D, D, D, D, D];
const INFO: readonly number[] = [X, D, D, D, D, D, D, D, D, M];
const MARKET: readonly number[] = [X, C, M, D, D, D, D, D, D, D, D, D];
export const STATUS: readonly number[] = [X, E, S, D, D, S, C, C, D, D, C, R, D, C, C, C];
/** Field 16 onward of `Event`: the body's type and its fields. */
export const BODIES: readonly (readonly [string, readonly number[]])[] = [
  ["quote", QUOTE],
  ["book", BOOK],
  ["trade", TRADE],
  ["bar", BAR],
  ["info", INFO],
  ["market", MARKET],
  ["status", STATUS],
] as const;

/** The status fields after `kind`, by field number (11, `symbols`, comes last). */
export const STATUS_NAMES: readonly string[] = [
  "",
  "",
  "reason",
  "attempt",
  "delayMs",
  "code",
  "mode",
  "previous",
  "from",
  "to",
  "scope",
  "",
  "ageMs",
  "quiet",
  "symbol",
  "eventType",
];
/** Required doubles of `info`, by field number. */
export const INFO_NAMES: readonly string[] = [
  "",
  "last",
  "high",
  "low",
  "change",
  "totalVolume",
  "totalValue",
];
/** Required doubles of `bar`, fields 2 to 7, by field number. */
export const BAR_NAMES: readonly string[] = [
  "",
  "",
  "openTs",
  "open",
  "high",
  "low",
  "close",
  "volume",
];
