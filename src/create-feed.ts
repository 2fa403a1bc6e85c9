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
  type FeedCoreOptions,
  type FeedOptions,
  initialSubscriptions,
  splitFeedOptions,
} from "./feed-options.ts";
import { consoleLogger, isLogLevel, type Logger } from "./log.ts";
import { resolveConnector } from "./registry.ts";
import { readEnvVar } from "./env.ts";

/** Options resolved and validated, ready to start a feed. */
export interface ResolvedFeedConfig {
  /** The connector to run: resolved from a registered name, or the definition given. */
  readonly definition: ConnectorDefinition<any>;
  /** The feed's own options (everything that is not the connector's). */
  readonly core: FeedCoreOptions;
  /** The connector's options, as its `parseOptions` returned them. */
  readonly connectorOptions: unknown;
}

/**
 * Validates feed options without connecting: the feed's own keys and the
 * connector's, all problems reported in one {@link ConfigError}.
 *
 * @param options As for {@link createFeed}.
 * @param extraIssues Problems already found (e.g. while reading the environment).
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
  extraIssues: readonly ConfigIssue[] = [],
): Promise<ResolvedFeedConfig> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`createFeed: options must be an object, got ${String(options)}`);
  }
  const { core, connector, issues } = splitFeedOptions(options);
  issues.unshift(...extraIssues);
  let definition: ConnectorDefinition<any> | undefined;
  if (typeof core.source === "string") {
    try {
      definition = await resolveConnector(core.source);
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

function defaultLogger(core: FeedCoreOptions): Logger {
  if (core.logger !== undefined) return core.logger;
  const fromEnv = readEnvVar("TICKWIRE_LOG_LEVEL");
  return consoleLogger(core.logLevel ?? (isLogLevel(fromEnv) ? fromEnv : "warn"));
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
  const logger = defaultLogger(core);
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
    const error = e instanceof Error ? e : new Error(String(e));
    feed.fail(error, "connect failed");
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
 * @param options The source, the feed's options and the connector's options.
 * @returns The connected feed; close it with `close()` or `await using`.
 * @throws ConfigError listing every invalid option; AuthError / ConnectionError from connecting.
 * @example Streaming synthetic quotes
 * ```ts
 * import { createFeed } from "@tickwire/tickwire";
 * await using feed = await createFeed({ source: "synthetic", symbols: ["AOT", "PTT"], seed: 42 });
 * for await (const ev of feed) {
 *   if (ev.type === "quote") { console.log(ev.symbol, ev.bid, ev.ask); break; }
 * }
 * ```
 */
export async function createFeed(options: FeedOptions): Promise<Feed> {
  return startFeed(await resolveFeedConfig(options));
}
