/**
 * Configuration from environment variables: `DATA_SOURCE` picks the connector,
 * `TICKWIRE_*` set the feed, and each connector declares its own variables
 * (`SYNTHETIC_SEED`, `SETTRADE_APP_ID`, ...). Every bad variable is reported at
 * once in one {@link ConfigError}, its value quoted unless it is a secret.
 *
 * @module
 */

import type { EnvSource, EnvVarSpec } from "./connector.ts";
import { type ResolvedFeedConfig, resolveFeedConfig, startFeed } from "./create-feed.ts";
import { readEnvVar } from "./env.ts";
import { ConfigError, type ConfigIssue, isConfigError } from "./errors.ts";
import type { Feed } from "./feed.ts";
import type { FeedOptions } from "./feed-options.ts";
import { type ConnectorTable, resolveConnector } from "./registry.ts";

function list(raw: string): string[] {
  const items = raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new TypeError("expected at least one name, comma-separated");
  return items;
}

function number(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) throw new TypeError("expected a number");
  return n;
}

function boolean(raw: string): boolean {
  const s = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(s)) return true;
  if (["0", "false", "no", "off"].includes(s)) return false;
  throw new TypeError("expected true or false");
}

/** The feed's own environment variables (every connector also reads its own). */
export const FEED_ENV_VARS: readonly EnvVarSpec[] = [
  {
    name: "TICKWIRE_SYMBOLS",
    option: "symbols",
    description: "Symbols to subscribe, comma-separated",
    parse: list,
  },
  {
    name: "TICKWIRE_CHANNELS",
    option: "channels",
    description: "Channels per symbol, comma-separated (default quote)",
    parse: list,
  },
  {
    name: "TICKWIRE_INTERVAL",
    option: "interval",
    description: "Bar interval for the bar channel (default 1m)",
  },
  {
    name: "TICKWIRE_CAPACITY",
    option: "capacity",
    description: "Queue capacity in events (default 100000)",
    parse: number,
  },
  {
    name: "TICKWIRE_OVERFLOW",
    option: "overflow",
    description: "drop-oldest (default), drop-newest or block",
  },
  {
    name: "TICKWIRE_BUFFER",
    option: "buffer",
    description: "Queue events for pull consumers (default true)",
    parse: boolean,
  },
  {
    name: "TICKWIRE_LOG_LEVEL",
    option: "logLevel",
    description: "debug, info, warn (default), error or silent",
  },
  {
    name: "TICKWIRE_LOG_FORMAT",
    option: "logFormat",
    description: "text (default) or json: one JSON object per log line",
  },
];

const HEALTH_ENV_VARS: readonly EnvVarSpec[] = [
  {
    name: "TICKWIRE_STALE_AFTER_MS",
    option: "staleAfterMs",
    description: "Per-symbol stale gap, ms (default 30000)",
    parse: number,
  },
  {
    name: "TICKWIRE_FEED_STALE_AFTER_MS",
    option: "feedStaleAfterMs",
    description: "Whole-feed stale gap, ms (default 10000)",
    parse: number,
  },
];

/** The variable that names an option in errors; `unset` when it was not set. */
type NamedBy = EnvVarSpec & { readonly unset?: boolean };

function quote(spec: EnvVarSpec, raw: string): string {
  return spec.secret === true ? "(value hidden)" : JSON.stringify(raw);
}

function readVars(
  specs: readonly EnvVarSpec[],
  env: EnvSource | undefined,
  into: Record<string, unknown>,
  issues: ConfigIssue[],
  byOption: Map<string, NamedBy>,
): void {
  for (const spec of specs) {
    const raw = readEnvVar(spec.name, env);
    if (raw === undefined || raw === "") {
      // A missing variable still names its option, unless a set one does:
      // "SETTRADE_APP_SECRET: is required", not "appSecret".
      if (!byOption.has(spec.option)) byOption.set(spec.option, { ...spec, unset: true });
      continue;
    }
    byOption.set(spec.option, spec);
    try {
      into[spec.option] = spec.parse ? spec.parse(raw) : raw;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      issues.push({ key: spec.name, message: `${why}, got ${quote(spec, raw)}` });
    }
  }
}

/** Where {@link resolveEnvConfig} looks beyond the environment and the overrides. */
export interface EnvContext {
  /** Connectors known by name besides the registered ones. @default {} */
  readonly connectors?: ConnectorTable;
  /**
   * What the user called each override, for messages: a command line passes
   * `{ symbols: "--symbols" }` so that an error names the flag, not the option.
   * @default {}
   */
  readonly names?: Readonly<Record<string, string>>;
}

/**
 * Builds feed options from environment variables, validating everything. This
 * is the one place that reads the environment: `createFeed` never does.
 *
 * @param env Variables to read. @default the process environment (where readable)
 * @param overrides Options that win over the environment (e.g. a `signal`, a
 *   `logger`, or values from a command line).
 * @param context Connectors known by name, and the names the user gave the overrides.
 * @returns Validated configuration, ready for `startFeed`.
 * @throws ConfigError listing every problem by the name the user set: the
 *   variable (`TICKWIRE_SYMBOLS`), or the override's name (`--symbols`).
 * @example
 * ```ts
 * import { resolveEnvConfig } from "@tickwire/tickwire";
 * const cfg = await resolveEnvConfig({ DATA_SOURCE: "synthetic", SYNTHETIC_SEED: "7" });
 * console.log(cfg.definition.name); // "synthetic"
 * ```
 */
export async function resolveEnvConfig(
  env?: EnvSource,
  overrides: Partial<FeedOptions> = {},
  context: EnvContext = {},
): Promise<ResolvedFeedConfig> {
  const names = context.names ?? {};
  const nameOf = (key: string): string => {
    const top = key.split(".")[0]!;
    return names[top] === undefined ? key : names[top] + key.slice(top.length);
  };
  const fromEnv = overrides.source === undefined;
  const source = overrides.source ?? readEnvVar("DATA_SOURCE", env) ?? "synthetic";
  let definition;
  try {
    definition = typeof source === "string"
      ? await resolveConnector(source, context.connectors)
      : source;
  } catch (e) {
    if (!isConfigError(e) || fromEnv) throw e;
    throw new ConfigError(
      "[tickwire] invalid configuration",
      e.issues.map((i) => ({ ...i, key: nameOf("source") })),
    );
  }
  const issues: ConfigIssue[] = [];
  const byOption = new Map<string, NamedBy>();
  const feedOpts: Record<string, unknown> = {};
  const health: Record<string, unknown> = {};
  readVars(FEED_ENV_VARS, env, feedOpts, issues, byOption);
  readVars(HEALTH_ENV_VARS, env, health, issues, byOption);
  readVars(definition.env ?? [], env, feedOpts, issues, byOption);
  if (Object.keys(health).length > 0) feedOpts.health = health;
  const options = { ...feedOpts, ...overrides, source: definition } as FeedOptions;
  try {
    return await resolveFeedConfig(options, {
      issues,
      ...(context.connectors === undefined ? {} : { connectors: context.connectors }),
    });
  } catch (e) {
    if (!isConfigError(e)) throw e;
    const renamed = e.issues.map((i) => {
      const top = i.key.split(".")[0]!;
      if (Object.hasOwn(overrides, top)) return { ...i, key: nameOf(i.key) };
      const spec = byOption.get(top);
      return spec === undefined ? i : { ...i, key: spec.name };
    });
    throw new ConfigError(`[${definition.name}] invalid configuration`, renamed);
  }
}

/**
 * Creates a feed from environment variables: `DATA_SOURCE` (default `synthetic`),
 * the `TICKWIRE_*` feed variables and the connector's own variables.
 *
 * @param env Variables to read. @default the process environment (where readable)
 * @param overrides Options that win over the environment.
 * @param context Connectors known by name, and the names the user gave the overrides.
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
export async function createFeedFromEnv(
  env?: EnvSource,
  overrides: Partial<FeedOptions> = {},
  context: EnvContext = {},
): Promise<Feed> {
  return startFeed(await resolveEnvConfig(env, overrides, context));
}
