/**
 * Options of {@link createFeed}: the feed's own keys, validated here, and every
 * other key handed to the connector's own options schema.
 *
 * @module
 */

import * as v from "valibot";
import type { Clock } from "./clock.ts";
import {
  type ConnectorDefinition,
  type RawTap,
  type Subscription,
  subscriptionKey,
} from "./connector.ts";
import type { OverflowPolicy } from "./dispatcher.ts";
import { checkOptions } from "./config-issues.ts";
import type { ConfigIssue } from "./errors.ts";
import { type Channel, CHANNELS } from "./events.ts";
import type { HealthOptions } from "./health.ts";
import type { LogFormat, Logger, LogLevel } from "./log.ts";

/** The feed's own options; see {@link FeedOptions}. */
export interface FeedCoreOptions {
  /** Connector: a registered name (`"synthetic"`, `"settrade"`, `"replay"`, ...) or a definition. */
  readonly source: string | ConnectorDefinition<any, any>;
  /** Symbols to subscribe on every channel in `channels`. @default the connector's default symbols */
  readonly symbols?: readonly string[];
  /** Channels to subscribe for each symbol. @default the connector's default channels, else ["quote"] */
  readonly channels?: readonly Channel[];
  /** Bar interval used for the `bar` channel. @default "1m" */
  readonly interval?: string;
  /** Explicit subscriptions, added to those from `symbols` × `channels`. @default [] */
  readonly subscriptions?: readonly Subscription[];
  /** Queue capacity (events). @default 100_000 */
  readonly capacity?: number;
  /** What a full queue does. @default the connector's preference, else "drop-oldest" */
  readonly overflow?: OverflowPolicy;
  /**
   * Whether events are queued for pull consumers (`for await`, `poll`). Turn it off
   * when you only use `on()` listeners, so unread events are not counted as drops.
   * @default true
   */
  readonly buffer?: boolean;
  /** Drop-rate EMA (0..1) above which a warning is logged. @default 0.01 */
  readonly dropWarnThreshold?: number;
  /** Staleness and rate settings. @default {} */
  readonly health?: HealthOptions;
  /** Your logger (pino, console, ...). @default a console logger at `logLevel` */
  readonly logger?: Logger;
  /** Level of the default console logger. @default TICKWIRE_LOG_LEVEL, else "warn" */
  readonly logLevel?: LogLevel;
  /** Line format of the default console logger. @default TICKWIRE_LOG_FORMAT, else "text" */
  readonly logFormat?: LogFormat;
  /** Time source (tests). @default systemClock */
  readonly clock?: Clock;
  /** Aborting it stops connecting, or closes the feed once connected. */
  readonly signal?: AbortSignal;
  /** Receives raw wire payloads before decoding (raw capture). */
  readonly rawTap?: RawTap;
}

/**
 * Feed options of any source, as configuration code builds them (the keys
 * unchecked at compile time, all checked at run time): the feed's own keys plus
 * the connector's options (e.g. `seed` and `rate` for `synthetic`).
 */
export interface FeedOptions extends FeedCoreOptions {
  /** Any other key is an option of the connector, passed to its `parseOptions`. */
  readonly [connectorOption: string]: unknown;
}

/** The feed's own options without `source`, shared by the typed forms below. */
export type FeedBaseOptions = Omit<FeedCoreOptions, "source">;

/**
 * Feed options for a source named in an options map: for each name, the feed's
 * own keys, `source: name` and that connector's options. An unknown key is a
 * compile error (`createFeed({ source: "synthetic", sede: 1 })`).
 *
 * @typeParam M Connector name → its options (see `ConnectorOptionsMap`).
 */
export type FeedOptionsFor<M> = {
  [K in keyof M & string]: FeedBaseOptions & { readonly source: K } & M[K];
}[keyof M & string];

/**
 * Feed options for a connector given as its definition: the feed's own keys
 * and the options the definition accepts.
 *
 * @typeParam I The definition's input options.
 */
export type DefinitionFeedOptions<I> =
  & FeedBaseOptions
  & { readonly source: ConnectorDefinition<any, I> }
  & NoInfer<I>;

/** The feed's own option keys: every other key belongs to the connector. */
export const CORE_KEYS: ReadonlySet<string> = new Set([
  "source",
  "symbols",
  "channels",
  "interval",
  "subscriptions",
  "capacity",
  "overflow",
  "buffer",
  "dropWarnThreshold",
  "health",
  "logger",
  "logLevel",
  "logFormat",
  "clock",
  "signal",
  "rawTap",
]);

const channel = v.picklist(CHANNELS as Channel[]);
const CoreSchema = v.object({
  symbols: v.optional(v.array(v.pipe(v.string(), v.trim(), v.minLength(1)))),
  channels: v.optional(v.array(channel)),
  interval: v.optional(
    v.pipe(v.string(), v.regex(/^\d+[smhdwM]$/, "expected an interval like 1m, 5m or 1d")),
  ),
  subscriptions: v.optional(
    v.array(v.object({
      channel,
      symbol: v.pipe(v.string(), v.minLength(1)),
      interval: v.optional(v.string()),
    })),
  ),
  capacity: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  overflow: v.optional(v.picklist(["drop-oldest", "drop-newest", "block"])),
  buffer: v.optional(v.boolean()),
  dropWarnThreshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  logLevel: v.optional(v.picklist(["debug", "info", "warn", "error", "silent"])),
  logFormat: v.optional(v.picklist(["text", "json"])),
});

/** Feed options split into the validated core and the rest (for the connector). */
export interface SplitOptions {
  readonly core: FeedCoreOptions;
  readonly connector: Record<string, unknown>;
  readonly issues: ConfigIssue[];
}

/**
 * Separates and validates the feed's own keys; the rest goes to the connector.
 * @param options As given to `createFeed`.
 * @returns The split options and every problem found in the core keys.
 */
export function splitFeedOptions(options: FeedOptions): SplitOptions {
  const core: Record<string, unknown> = {};
  const connector: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(options)) {
    if (value === undefined) continue;
    (CORE_KEYS.has(k) ? core : connector)[k] = value;
  }
  const { issues } = checkOptions(CoreSchema, core, { quoteInput: true });
  return { core: core as unknown as FeedCoreOptions, connector, issues };
}

/**
 * The subscriptions a feed starts with.
 * @param core Validated core options.
 * @param defaults The connector's default symbols and channels.
 * @returns Unique subscriptions, symbols upper-cased.
 */
export function initialSubscriptions(
  core: FeedCoreOptions,
  defaults: { readonly symbols: readonly string[]; readonly channels: readonly Channel[] },
): Subscription[] {
  const out = new Map<string, Subscription>();
  const add = (s: Subscription): void => {
    const sub = normalizeSubscription(s, core.interval);
    out.set(subscriptionKey(sub), sub);
  };
  for (const symbol of core.symbols ?? defaults.symbols) {
    for (const channel of core.channels ?? defaults.channels) add({ channel, symbol });
  }
  for (const s of core.subscriptions ?? []) add(s);
  return [...out.values()];
}

/**
 * Upper-cases the symbol and fills the bar interval.
 * @param sub A subscription as the user wrote it.
 * @param interval Default bar interval. @default "1m"
 * @returns The normalized subscription.
 */
export function normalizeSubscription(sub: Subscription, interval = "1m"): Subscription {
  const symbol = sub.symbol.trim().toUpperCase();
  return sub.channel === "bar"
    ? { channel: "bar", symbol, interval: sub.interval ?? interval }
    : { channel: sub.channel, symbol };
}
