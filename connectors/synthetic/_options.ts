/**
 * Options of the synthetic connector: types, the private valibot schema, and
 * {@link parseSyntheticOptions}, which turns every issue into one `ConfigError`.
 *
 * @module
 */

import * as v from "valibot";
import { parseOptions } from "../../src/config-issues.ts";
import { type Channel, CHANNELS } from "../../src/events.ts";

/** Trading session phase of the simulated market. */
export type SessionPhase = "ato" | "normal" | "atc";

/** One scripted phase change: from `at` market events on, the market is in `phase`. */
export interface SyntheticPhase {
  /** Number of market events emitted before the phase starts (0 = from the start). */
  readonly at: number;
  /** Session phase from then on. */
  readonly phase: SessionPhase;
}

/** Options as given in code or built from the environment; every key is optional. */
export interface SyntheticOptionsInput {
  /**
   * Default symbol universe (upper-cased), subscribed when a feed is given none.
   * Through `createFeed`, a `symbols` key is the feed's own (what to subscribe).
   * @default ["AOT", "PTT", "KBANK", "CPALL", "SCB"]
   */
  readonly symbols?: readonly string[];
  /** PRNG seed (any safe integer). @default 1 */
  readonly seed?: number;
  /**
   * About this many market events per second per subscribed symbol (an update
   * that emits nothing counts as one; capped near 400,000 events per second in
   * all), or `"max"`: as fast as the consumer takes them.
   * @default 10
   */
  readonly rate?: number | "max";
  /**
   * Channels served (the connector's `capabilities`); subscriptions on others get
   * `subscribe-error`. Through `createFeed`, a `channels` key is the feed's own.
   * @default all six
   */
  readonly channels?: readonly Channel[];
  /** Start of the synthetic exchange clock, epoch ms. @default 2026-01-05T03:00:00Z (10:00 Bangkok) */
  readonly startTs?: number;
  /** Scripted session phases, by market event count. @default [] (normal throughout) */
  readonly phases?: readonly SyntheticPhase[];
  /** Simulate a lost connection every N market events. @default undefined (never) */
  readonly disconnectEvery?: number;
  /** Go silent once, after N market events. @default undefined (never) */
  readonly stallAfter?: number;
  /** Length of the silence after `stallAfter`, ms. @default 5000 */
  readonly stallMs?: number;
  /** Fraction (0..1) of messages reported as undecodable and skipped. @default 0 */
  readonly malformedRate?: number;
  /** End the feed (a finite source) after N market events. @default undefined (endless) */
  readonly limit?: number;
}

/** Validated options, every default filled in. */
export interface SyntheticOptions {
  /** Default symbol universe, upper case, without duplicates. */
  readonly symbols: readonly string[];
  /** PRNG seed. */
  readonly seed: number;
  /** Market events per second per subscribed symbol, or `"max"`. */
  readonly rate: number | "max";
  /** Channels served, without duplicates. */
  readonly channels: readonly Channel[];
  /** Start of the synthetic exchange clock, epoch ms. */
  readonly startTs: number;
  /** Scripted session phases, sorted by `at`. */
  readonly phases: readonly SyntheticPhase[];
  /** Market events between simulated lost connections; `undefined` for never. */
  readonly disconnectEvery: number | undefined;
  /** Market events before the one silence; `undefined` for never. */
  readonly stallAfter: number | undefined;
  /** Length of the silence after `stallAfter`, ms. */
  readonly stallMs: number;
  /** Fraction (0..1) of messages reported as undecodable and skipped. */
  readonly malformedRate: number;
  /** Market events after which the feed ends; `undefined` for endless. */
  readonly limit: number | undefined;
}

const DEFAULT_SYMBOLS: readonly string[] = ["AOT", "PTT", "KBANK", "CPALL", "SCB"];
const DEFAULT_START_TS = Date.UTC(2026, 0, 5, 3, 0, 0);
const DEFAULT_STALL_MS = 5_000;
const SYMBOL_RE = /^[A-Za-z0-9][A-Za-z0-9.&_-]*$/;

/**
 * Describes a value for an error message, quoted.
 * @param value Anything.
 * @returns A short quoted rendering.
 */
export function quote(value: unknown): string {
  let s: string;
  if (typeof value === "string") s = value;
  else if (typeof value === "number" || typeof value === "bigint" || value === undefined) {
    s = String(value);
  } else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

const expected = (what: string) => (issue: v.BaseIssue<unknown>): string =>
  `expected ${what}, got ${quote(issue.input)}`;

const isPositiveInt = (n: number): boolean => Number.isSafeInteger(n) && n >= 1;

/** A numeric option: what it expects, in words, and the check. */
export interface NumberField {
  readonly what: string;
  readonly ok: (n: number) => boolean;
}

/** Every numeric option with what it expects; shared by the schema and the environment table. */
export const NUMBER_FIELDS: {
  readonly [
    K in
      | "seed"
      | "startTs"
      | "disconnectEvery"
      | "stallAfter"
      | "stallMs"
      | "malformedRate"
      | "limit"
  ]: NumberField;
} = {
  seed: { what: "an integer", ok: Number.isSafeInteger },
  startTs: { what: "an epoch time in ms", ok: (n) => Number.isFinite(n) && n >= 0 },
  disconnectEvery: { what: "a positive integer", ok: isPositiveInt },
  stallAfter: { what: "a positive integer", ok: isPositiveInt },
  stallMs: { what: "a number of ms >= 0", ok: (n) => Number.isFinite(n) && n >= 0 },
  malformedRate: { what: "a number from 0 to 1", ok: (n) => n >= 0 && n <= 1 },
  limit: { what: "a positive integer", ok: isPositiveInt },
};

/** What `rate` expects, in words. */
export const RATE_WHAT = 'a positive number or "max"';

/**
 * @param n Candidate numeric rate.
 * @returns Whether it is a valid events-per-second rate.
 */
export const isRate = (n: number): boolean => Number.isFinite(n) && n > 0;

/**
 * @param s Candidate symbol.
 * @returns Whether it looks like a symbol (letters, digits, `.`, `&`, `_`, `-`).
 */
export const isSymbol = (s: string): boolean => SYMBOL_RE.test(s);

function numberField(field: NumberField) {
  return v.pipe(v.number(expected(field.what)), v.check(field.ok, expected(field.what)));
}

const symbolSchema = v.pipe(
  v.string(expected("a symbol")),
  v.check(isSymbol, expected("a symbol (letters, digits, . & _ -)")),
);

const phaseSchema = v.strictObject(
  {
    at: numberField({ what: "an integer >= 0", ok: (n) => Number.isSafeInteger(n) && n >= 0 }),
    phase: v.picklist(["ato", "normal", "atc"], expected('"ato", "normal" or "atc"')),
  },
  (issue) =>
    issue.path?.length ? "unknown key" : expected('an object like { at: 0, phase: "ato" }')(issue),
);

const OptionsSchema = v.strictObject(
  {
    symbols: v.optional(v.pipe(
      v.array(symbolSchema, expected("an array of symbols")),
      v.check((a) => a.length > 0, expected("at least one symbol")),
    )),
    seed: v.optional(numberField(NUMBER_FIELDS.seed)),
    rate: v.optional(v.union(
      [v.literal("max"), v.pipe(v.number(), v.check(isRate))],
      expected(RATE_WHAT),
    )),
    channels: v.optional(v.pipe(
      v.array(
        v.picklist(CHANNELS, expected(`one of ${CHANNELS.join(", ")}`)),
        expected("an array"),
      ),
      v.check((a) => a.length > 0, expected("at least one channel")),
    )),
    startTs: v.optional(numberField(NUMBER_FIELDS.startTs)),
    phases: v.optional(v.array(phaseSchema, expected("an array of phases"))),
    disconnectEvery: v.optional(numberField(NUMBER_FIELDS.disconnectEvery)),
    stallAfter: v.optional(numberField(NUMBER_FIELDS.stallAfter)),
    stallMs: v.optional(numberField(NUMBER_FIELDS.stallMs)),
    malformedRate: v.optional(numberField(NUMBER_FIELDS.malformedRate)),
    limit: v.optional(numberField(NUMBER_FIELDS.limit)),
  },
  (issue) => issue.path?.length ? "unknown option" : expected("an options object")(issue),
);

/** Every option key of the synthetic connector. */
export const SYNTHETIC_OPTION_KEYS: readonly string[] = Object.keys(OptionsSchema.entries);

/**
 * Validates synthetic connector options and fills in the defaults.
 *
 * @param input Options given in code or built from the environment (`undefined` = all defaults).
 * @returns The validated {@link SyntheticOptions}.
 * @throws ConfigError listing every problem, by option key, with the value quoted.
 * @example Listing every problem at once
 * ```ts
 * import { parseSyntheticOptions } from "@tickwire/tickwire/connectors/synthetic";
 * try {
 *   parseSyntheticOptions({ rate: "fast", seed: 1.5 });
 * } catch (e) {
 *   console.log((e as Error).message.includes("rate")); // true
 * }
 * ```
 */
export function parseSyntheticOptions(input: unknown): SyntheticOptions {
  const o = parseOptions(OptionsSchema, input ?? {}, "synthetic");
  return {
    symbols: [...new Set((o.symbols ?? DEFAULT_SYMBOLS).map((s) => s.toUpperCase()))],
    seed: o.seed ?? 1,
    rate: o.rate ?? 10,
    channels: o.channels ? [...new Set(o.channels)] : CHANNELS,
    startTs: o.startTs ?? DEFAULT_START_TS,
    phases: [...(o.phases ?? [])].sort((a, b) => a.at - b.at),
    disconnectEvery: o.disconnectEvery,
    stallAfter: o.stallAfter,
    stallMs: o.stallMs ?? DEFAULT_STALL_MS,
    malformedRate: o.malformedRate ?? 0,
    limit: o.limit,
  };
}
