/**
 * `createFeed`: validates options, builds connector + dispatcher + health, subscribes
 * and connects.
 *
 * @module
 */

import { systemClock } from "./clock.ts";
import type { ConnectorDefinition } from "./connector.ts";
import { Dispatcher } from "./dispatcher.ts";
import { ConfigError, type ConfigIssue, isConfigError } from "./errors.ts";
import { Feed } from "./feed.ts";
import {
  CORE_KEYS,
  type DefinitionFeedOptions,
  type FeedCoreOptions,
  type FeedOptions,
  type FeedOptionsFor,
  initialSubscriptions,
  splitFeedOptions,
} from "./feed-options.ts";
import { consoleLogger } from "./log.ts";
import { type ConnectorOptionsMap, type ConnectorTable, resolveConnector } from "./registry.ts";
import { unknownOptionMessage } from "./_nearest.ts";

/** Options resolved and validated, ready to start a feed. */
export interface ResolvedFeedConfig {
  /** The connector to run: resolved from a registered name, or the definition given. */
  readonly definition: ConnectorDefinition<any, any>;
  /** The feed's own options (everything that is not the connector's). */
  readonly core: FeedCoreOptions;
  /** The connector's options, as its `parseOptions` returned them. */
  readonly connectorOptions: unknown;
}

/** Where {@link resolveFeedConfig} looks beyond the options themselves. */
export interface ResolveContext {
  /** Connectors known by name besides the registered ones. @default {} */
  readonly connectors?: ConnectorTable;
  /** Problems already found (e.g. while reading the environment), reported first. */
  readonly issues?: readonly ConfigIssue[];
}

/**
 * Validates feed options without connecting: the feed's own keys and the
 * connector's, all problems reported in one {@link ConfigError}. An option no
 * one accepts is reported with the nearest valid key.
 *
 * @param options Feed options (checked at run time only).
 * @param context Connectors known by name, and problems found earlier.
 * @returns The connector definition and validated options.
 * @throws ConfigError listing every problem.
 * @example
 * ```ts
 * import { resolveFeedConfig } from "@tickwire/tickwire";
 * const cfg = await resolveFeedConfig({ source: "synthetic", seed: 7 });
 * console.log(cfg.definition.name); // "synthetic"
 * ```
 */
export async function resolveFeedConfig(
  options: FeedOptions,
  context: ResolveContext = {},
): Promise<ResolvedFeedConfig> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`createFeed: options must be an object, got ${String(options)}`);
  }
  const { core, connector, issues } = splitFeedOptions(options);
  issues.unshift(...(context.issues ?? []));
  let definition: ConnectorDefinition<any, any> | undefined;
  if (typeof core.source === "string") {
    try {
      definition = await resolveConnector(core.source, context.connectors);
    } catch (e) {
      if (!isConfigError(e)) throw e;
      issues.push(...e.issues.map((i) => ({ ...i, key: "source" })));
    }
  } else if (typeof core.source === "object" && core.source !== null) {
    definition = core.source;
  } else {
    issues.push({ key: "source", message: "a connector name or definition is required" });
  }
  let connectorOptions: unknown;
  if (definition !== undefined) {
    const known = definition.optionKeys;
    if (known !== undefined) {
      const candidates = [...CORE_KEYS, ...known];
      for (const key of Object.keys(connector)) {
        if (known.includes(key)) continue;
        issues.push({ key, message: unknownOptionMessage(key, candidates) });
        delete connector[key];
      }
    }
    try {
      connectorOptions = definition.parseOptions(connector);
    } catch (e) {
      if (!isConfigError(e)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length > 0 || definition === undefined) {
    throw new ConfigError(`[${definition?.name ?? "tickwire"}] invalid configuration`, issues);
  }
  return { definition, core, connectorOptions };
}

/**
 * Starts a feed from validated configuration: subscribes, connects, starts monitoring.
 *
 * @param config From {@link resolveFeedConfig}.
 * @returns The connected feed.
 * @throws AuthError / ConnectionError when connecting fails (the feed is closed first).
 * @example
 * ```ts
 * import { resolveFeedConfig, startFeed } from "@tickwire/tickwire";
 * const feed = await startFeed(await resolveFeedConfig({ source: "synthetic" }));
 * await feed.close();
 * ```
 */
export async function startFeed(config: ResolvedFeedConfig): Promise<Feed> {
  const { definition, core, connectorOptions } = config;
  const logger = core.logger ??
    consoleLogger({ level: core.logLevel ?? "warn", format: core.logFormat ?? "text" });
  const clock = core.clock ?? systemClock;
  const overflow = core.overflow ?? definition.preferredOverflow?.(connectorOptions);
  const dispatcher = new Dispatcher({
    ...(core.capacity === undefined ? {} : { capacity: core.capacity }),
    ...(overflow === undefined ? {} : { overflow }),
    ...(core.dropWarnThreshold === undefined ? {} : { dropWarnThreshold: core.dropWarnThreshold }),
    logger,
  });
  const feed = new Feed(definition.name, { core, logger, clock, dispatcher });
  feed.attach(definition.create(connectorOptions, {
    sink: feed.sink,
    logger,
    clock,
    ...(core.rawTap === undefined ? {} : { rawTap: core.rawTap }),
  }));
  const defaults = {
    symbols: definition.defaultSymbols?.(connectorOptions) ?? [],
    channels: definition.defaultChannels?.(connectorOptions) ?? ["quote" as const],
  };
  try {
    await Promise.all(initialSubscriptions(core, defaults).map((sub) => feed.subscribe(sub)));
    core.signal?.throwIfAborted();
    await feed.connector.connect(core.signal);
  } catch (e) {
    // The feed is never handed out: closing it stops what the connector started.
    await feed.close("connect failed");
    throw e;
  }
  feed.startMonitoring();
  core.signal?.addEventListener("abort", () => void feed.close("aborted"), { once: true });
  return feed;
}

/**
 * Creates a feed: picks the connector, validates every option, subscribes to
 * `symbols` × `channels`, connects, and returns once connected.
 *
 * Options are checked at compile time against the source: a definition's own
 * options, or those declared for a name in `ConnectorOptionsMap`.
 *
 * @param options The source, the feed's options and the connector's options.
 * @param connectors Connectors known by name besides the registered ones. @default {}
 * @returns The connected feed; close it with `close()` or `await using`.
 * @throws ConfigError listing every invalid option; AuthError / ConnectionError from connecting.
 * @example Streaming synthetic quotes
 * ```ts
 * import { createFeed } from "@tickwire/tickwire";
 * const feed = await createFeed({ source: "synthetic", symbols: ["AOT", "PTT"], seed: 42 });
 * try {
 *   for await (const ev of feed) {
 *     if (ev.type === "quote") {
 *       console.log(ev.symbol, ev.bid, ev.ask);
 *       break;
 *     }
 *   }
 * } finally {
 *   await feed.close();
 * }
 * ```
 */
export function createFeed<I>(
  options: DefinitionFeedOptions<I>,
  connectors?: ConnectorTable,
): Promise<Feed>;
/**
 * Creates a feed of a connector registered by name and declared in
 * `ConnectorOptionsMap`, whose options are checked against the declared ones.
 * @param options The source name, the feed's options and the connector's options.
 * @param connectors Connectors known by name besides the registered ones. @default {}
 * @returns The connected feed.
 */
export function createFeed(
  options: FeedOptionsFor<ConnectorOptionsMap>,
  connectors?: ConnectorTable,
): Promise<Feed>;
export async function createFeed(
  options: FeedCoreOptions,
  connectors?: ConnectorTable,
): Promise<Feed> {
  return startFeed(
    await resolveFeedConfig(options as FeedOptions, connectors === undefined ? {} : { connectors }),
  );
}
