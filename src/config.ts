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
import { resolveConnector } from "./registry.ts";

const list = (raw: string): string[] =>
  raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);

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

function quote(spec: EnvVarSpec, raw: string): string {
  return spec.secret === true ? "(value hidden)" : JSON.stringify(raw);
}

function readVars(
  specs: readonly EnvVarSpec[],
  env: EnvSource | undefined,
  into: Record<string, unknown>,
  issues: ConfigIssue[],
  byOption: Map<string, EnvVarSpec>,
): void {
  for (const spec of specs) {
    const raw = readEnvVar(spec.name, env);
    if (raw === undefined || raw === "") continue;
    byOption.set(spec.option, spec);
    try {
      into[spec.option] = spec.parse ? spec.parse(raw) : raw;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      issues.push({ key: spec.name, message: `${why}, got ${quote(spec, raw)}` });
    }
  }
}

/**
 * Builds feed options from environment variables, validating everything.
 *
 * @param env Variables to read. @default the process environment (where readable)
 * @param overrides Options that win over the environment (e.g. a `signal` or `logger`).
 * @returns Validated configuration, ready for `startFeed`.
 * @throws ConfigError listing every bad variable by name.
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
): Promise<ResolvedFeedConfig> {
  const source = overrides.source ?? readEnvVar("DATA_SOURCE", env) ?? "synthetic";
  const definition = typeof source === "string" ? await resolveConnector(source) : source;
  const issues: ConfigIssue[] = [];
  const byOption = new Map<string, EnvVarSpec>();
  const feedOpts: Record<string, unknown> = {};
  const health: Record<string, unknown> = {};
  readVars(FEED_ENV_VARS, env, feedOpts, issues, byOption);
  readVars(HEALTH_ENV_VARS, env, health, issues, byOption);
  readVars(definition.env ?? [], env, feedOpts, issues, byOption);
  if (Object.keys(health).length > 0) feedOpts.health = health;
  const options = { ...feedOpts, ...overrides, source: definition } as FeedOptions;
  try {
    return await resolveFeedConfig(options, issues);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    const renamed = e.issues.map((i) => {
      const spec = byOption.get(i.key.split(".")[0]!);
      return spec === undefined || Object.hasOwn(overrides, i.key) ? i : { ...i, key: spec.name };
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
 * @returns The connected feed.
 * @throws ConfigError listing every bad variable by name (secrets never quoted).
 * @example Same code, any source
 * ```ts
 * import { createFeedFromEnv } from "@tickwire/tickwire";
 * // DATA_SOURCE=synthetic | settrade | replay
 * await using feed = await createFeedFromEnv({ DATA_SOURCE: "synthetic", SYNTHETIC_SYMBOLS: "PTT" });
 * const [first] = feed.poll(1);
 * ```
 */
export async function createFeedFromEnv(
  env?: EnvSource,
  overrides: Partial<FeedOptions> = {},
): Promise<Feed> {
  return startFeed(await resolveEnvConfig(env, overrides));
}
