/**
 * The built-in connectors, by `DATA_SOURCE` name, and the feed functions of the
 * root entry point that know them. The core (`src/`) names no connector: it
 * takes this table as an argument. Each entry is a lazy import, so a user of
 * `synthetic` never loads `mqtt`, and nothing runs at import time.
 *
 * @module
 */

import type { ConnectorDefinition, EnvSource } from "../src/connector.ts";
import * as core from "../src/create-feed.ts";
import {
  createFeedFromEnv as coreFromEnv,
  type EnvContext,
  resolveEnvConfig as coreEnv,
} from "../src/config.ts";
import type { Feed } from "../src/feed.ts";
import type {
  DefinitionFeedOptions,
  FeedCoreOptions,
  FeedOptions,
  FeedOptionsFor,
} from "../src/feed-options.ts";
import * as registry from "../src/registry.ts";
import type { NatsOptionsInput } from "./nats/_options.ts";
import type { ReplayOptionsInput } from "./replay/_options.ts";
import type { SettradeConnectorOptionsInput } from "./settrade/_broker-options.ts";
import type { SyntheticOptionsInput } from "./synthetic/_options.ts";

/** The options of each built-in connector, by name. */
export interface BuiltinConnectorOptions {
  /** Seeded, deterministic SET-like data. */
  synthetic: SyntheticOptionsInput;
  /** Settrade Open API (credentials), or an MQTT broker (`brokerUrl`). */
  settrade: SettradeConnectorOptionsInput;
  /** A recorded capture (`file` or `stream`). */
  replay: ReplayOptionsInput;
  /** Events published to NATS JetStream by `tickwire publish`. */
  nats: NatsOptionsInput;
}

/**
 * The built-in connectors, each loaded on first use.
 * @example
 * ```ts
 * import { BUILTIN_CONNECTORS } from "@tickwire/tickwire";
 * console.log(Object.keys(BUILTIN_CONNECTORS)); // ["synthetic", "settrade", "replay", "nats"]
 * ```
 */
export const BUILTIN_CONNECTORS: registry.ConnectorTable = {
  synthetic: async (): Promise<ConnectorDefinition<any, any>> =>
    (await import("./synthetic/mod.ts")).syntheticConnector,
  settrade: async (): Promise<ConnectorDefinition<any, any>> =>
    (await import("./settrade/mod.ts")).settradeConnector,
  replay: async (): Promise<ConnectorDefinition<any, any>> =>
    (await import("./replay/mod.ts")).replayConnector,
  nats: async (): Promise<ConnectorDefinition<any, any>> =>
    (await import("./nats/mod.ts")).natsConnector,
};

function withBuiltins(connectors?: registry.ConnectorTable): registry.ConnectorTable {
  return connectors === undefined ? BUILTIN_CONNECTORS : { ...BUILTIN_CONNECTORS, ...connectors };
}

/** Feed options for a built-in or a declared connector, checked against its options. */
export type BuiltinFeedOptions = FeedOptionsFor<
  BuiltinConnectorOptions & registry.ConnectorOptionsMap
>;

/**
 * Creates a feed: picks the connector (`"synthetic"`, `"settrade"`,
 * `"replay"`, a registered one, or a definition), validates every option,
 * subscribes to `symbols` × `channels`, connects, and returns once connected.
 *
 * Options are checked at compile time against the source's own options:
 * `createFeed({ source: "synthetic", sede: 1 })` does not compile, and at run
 * time it is a ConfigError naming `sede` and suggesting `seed`.
 *
 * @param options The source, the feed's options and the connector's options.
 * @param connectors More connectors by name, besides the built-in and registered ones.
 * @returns The connected feed; close it with `close()` (or `await using`).
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
  connectors?: registry.ConnectorTable,
): Promise<Feed>;
/**
 * Creates a feed of a built-in connector (or one declared in `ConnectorOptionsMap`)
 * by name, its options checked against that connector's.
 * @param options The source name, the feed's options and the connector's options.
 * @param connectors More connectors by name, besides the built-in and registered ones.
 * @returns The connected feed.
 */
export function createFeed(
  options: BuiltinFeedOptions,
  connectors?: registry.ConnectorTable,
): Promise<Feed>;
export function createFeed(
  options: FeedCoreOptions,
  connectors?: registry.ConnectorTable,
): Promise<Feed> {
  return core.createFeed(options as never, withBuiltins(connectors));
}

/**
 * Validates feed options without connecting (built-in connectors known).
 * @param options Feed options (checked at run time).
 * @param context More connectors by name, and problems found earlier.
 * @returns The connector definition and validated options.
 * @throws ConfigError listing every problem.
 * @example
 * ```ts
 * import { resolveFeedConfig } from "@tickwire/tickwire";
 * const cfg = await resolveFeedConfig({ source: "synthetic", seed: 7 });
 * console.log(cfg.definition.name); // "synthetic"
 * ```
 */
export function resolveFeedConfig(
  options: FeedOptions,
  context: core.ResolveContext = {},
): Promise<core.ResolvedFeedConfig> {
  return core.resolveFeedConfig(options, {
    ...context,
    connectors: withBuiltins(context.connectors),
  });
}

/**
 * Builds feed options from environment variables (built-in connectors known);
 * see the core's `resolveEnvConfig`.
 * @param env Variables to read. @default the process environment (where readable)
 * @param overrides Options that win over the environment.
 * @param context More connectors by name, and the names the user gave the overrides.
 * @returns Validated configuration, ready for `startFeed`.
 * @throws ConfigError listing every problem by the name the user set.
 * @example
 * ```ts
 * import { resolveEnvConfig } from "@tickwire/tickwire";
 * const cfg = await resolveEnvConfig({ DATA_SOURCE: "synthetic", SYNTHETIC_SEED: "7" });
 * console.log(cfg.definition.name); // "synthetic"
 * ```
 */
export function resolveEnvConfig(
  env?: EnvSource,
  overrides: Partial<FeedOptions> = {},
  context: EnvContext = {},
): Promise<core.ResolvedFeedConfig> {
  return coreEnv(env, overrides, { ...context, connectors: withBuiltins(context.connectors) });
}

/**
 * Creates a feed from environment variables: `DATA_SOURCE` (default
 * `synthetic`), the `TICKWIRE_*` feed variables and the connector's own.
 * @param env Variables to read. @default the process environment (where readable)
 * @param overrides Options that win over the environment.
 * @param context More connectors by name, and the names the user gave the overrides.
 * @returns The connected feed.
 * @throws ConfigError listing every bad variable by name (secrets never quoted).
 * @example Same code, any source
 * ```ts
 * import { createFeedFromEnv } from "@tickwire/tickwire";
 * // DATA_SOURCE=synthetic | settrade | replay
 * const feed = await createFeedFromEnv({ DATA_SOURCE: "synthetic", SYNTHETIC_SYMBOLS: "PTT" });
 * try {
 *   for await (const ev of feed) if (ev.type === "quote") break;
 * } finally {
 *   await feed.close();
 * }
 * ```
 */
export function createFeedFromEnv(
  env?: EnvSource,
  overrides: Partial<FeedOptions> = {},
  context: EnvContext = {},
): Promise<Feed> {
  return coreFromEnv(env, overrides, { ...context, connectors: withBuiltins(context.connectors) });
}

/**
 * Finds a connector definition by name: registered ones first, then the built-ins.
 * @param name The `DATA_SOURCE` name.
 * @returns The definition (loaded if lazy).
 * @throws ConfigError naming the unknown source and listing the known names.
 * @example
 * ```ts
 * import { resolveConnector } from "@tickwire/tickwire";
 * const def = await resolveConnector("synthetic");
 * console.log(def.name); // "synthetic"
 * ```
 */
export function resolveConnector(name: string): Promise<ConnectorDefinition<any, any>> {
  return registry.resolveConnector(name, BUILTIN_CONNECTORS);
}

/**
 * Names a feed can be created with: the built-ins and the registered ones, sorted.
 * @returns The names.
 * @example
 * ```ts
 * import { connectorNames } from "@tickwire/tickwire";
 * console.log(connectorNames().includes("synthetic")); // true
 * ```
 */
export function connectorNames(): string[] {
  return registry.connectorNames(BUILTIN_CONNECTORS);
}
