/**
 * Settrade connector options: the schema (private), {@link parseSettradeOptions},
 * the environment variables it reads and the endpoints it talks to.
 *
 * Every default is documented once, with `@default`, on {@link SettradeOptionsInput},
 * {@link SettradeReconnectOptions} and {@link SettradeLoginOptions}; the private
 * schema (`_config-schema.ts`) applies them.
 *
 * @module
 */

import type { EnvVarSpec } from "../../src/connector.ts";
import { ConfigError } from "../../src/errors.ts";
import type { Secret } from "../../src/secret.ts";
import { checkOptions, isSandbox, trimSlash } from "./_config-schema.ts";
import type { SettradeSessionOptions } from "./session.ts";

const POLL_DEFAULTS: SettradePollOptions = Object.freeze({
  enabled: true,
  intervalMs: 500,
  graceMs: 2_000,
  maxDurationMs: 60_000,
});

/** A Settrade environment: production, or the uat sandbox. */
export type SettradeEnv = "prod" | "uat";

/** The bases a connector talks to, and the broker id that goes into every path. */
export interface SettradeEndpoints {
  /** REST base for login, refresh and the dispatcher, without a trailing slash. */
  readonly baseUrl: string;
  /** Market REST base (quotes, candlesticks), without a trailing slash. */
  readonly marketUrl: string;
  /** Broker id for URL paths (`SANDBOX` already mapped to `098`). */
  readonly brokerId: string;
}

/** Reconnect backoff of the realtime connection. */
export interface SettradeReconnectOptions {
  /** Delay before the first reconnect attempt, ms. @default 500 */
  readonly initialDelayMs: number;
  /** Cap on any delay, ms. @default 30_000 */
  readonly maxDelayMs: number;
  /** Growth factor per attempt (≥ 1). @default 2 */
  readonly multiplier: number;
  /** Random spread as a fraction of the delay (0.2 = ±20 %), in [0, 1]. @default 0.2 */
  readonly jitter: number;
  /** Attempts before giving up (an integer ≥ 0, or `Infinity`). @default Infinity */
  readonly maxAttempts: number;
}

/** Backoff between login attempts the server refused or could not answer. */
export interface SettradeLoginOptions {
  /** Attempts in one `loginWithRetry` (an integer ≥ 1, or `Infinity`). @default 5 */
  readonly maxAttempts: number;
  /** Delay before the second attempt, ms. @default 1_000 */
  readonly initialDelayMs: number;
  /** Cap on any delay, ms. @default 30_000 */
  readonly maxDelayMs: number;
  /** Growth factor per attempt (≥ 1). @default 2 */
  readonly multiplier: number;
  /** Random spread as a fraction of the delay, in [0, 1]. @default 0.2 */
  readonly jitter: number;
}

/**
 * Stream → poll fallback: while the stream is down, subscribed quotes are fetched
 * from the market REST quote endpoint (events marked `via: "poll"`).
 */
export interface SettradePollOptions {
  /**
   * Serve quotes by polling while the stream is down. On by default: a trader
   * usually wants data over silence, and the polling spell is bounded by
   * `maxDurationMs`. @default true
   */
  readonly enabled: boolean;
  /**
   * How often each symbol is polled, ms. Requests go one at a time, spread across
   * the symbols, and never faster than the server's rate-limit headers allow.
   * @default 500
   */
  readonly intervalMs: number;
  /** How long the stream may be down before polling starts, ms. @default 2_000 */
  readonly graceMs: number;
  /**
   * Longest polling spell, ms: then polling stops and the mode is `"down"` until
   * the stream returns, a clean outage signal. `Infinity` polls for as long as it takes.
   * @default 60_000
   */
  readonly maxDurationMs: number;
}

/** Options as a user writes them (in code, or built from {@link SETTRADE_ENV_VARS}). */
export interface SettradeOptionsInput {
  /** App id (the API key). */
  readonly appId: string;
  /** App secret: base64 of the P-256 private key. Never printed. */
  readonly appSecret: string | Secret;
  /** App code, e.g. `ALGO`. */
  readonly appCode: string;
  /** Broker id, e.g. `023`; `SANDBOX` (any case) selects uat with broker `098`. */
  readonly brokerId: string;
  /** Environment. @default "prod" ("uat" when brokerId is SANDBOX) */
  readonly env?: SettradeEnv;
  /** REST base override (proxy, emulator). @default per env, see {@link SETTRADE_BASES} */
  readonly baseUrl?: string;
  /** Market REST base override. @default per env, see {@link SETTRADE_BASES} */
  readonly marketUrl?: string;
  /** Path of an extra CA certificate (PEM) to trust, used by the transport. */
  readonly caFile?: string;
  /** Skips TLS certificate checks: insecure, for a local emulator only. @default false */
  readonly insecureSkipTlsVerify?: boolean;
  /** Reconnect backoff; any subset. */
  readonly reconnect?: Partial<SettradeReconnectOptions>;
  /** Refresh the access token when fewer than this many ms remain. @default 100_000 */
  readonly refreshBeforeMs?: number;
  /** Login retry backoff; any subset. */
  readonly login?: Partial<SettradeLoginOptions>;
  /** Timeout of one REST request, ms. @default 15_000 */
  readonly requestTimeoutMs?: number;
  /**
   * Longest start-up, ms: `connect()` (and `createFeed`) rejects with a
   * `ConnectionError` naming the host when no connection is up by then.
   * @default 30_000
   */
  readonly connectTimeoutMs?: number;
  /** Stream → poll fallback: `false` turns it off; an object tunes it. @default true */
  readonly poll?: boolean | Partial<SettradePollOptions>;
  /**
   * Bars fetched per bar subscription at start-up, delivered (marked
   * `via: "backfill"`) before the live ones. @default 0
   */
  readonly backfill?: number;
  /**
   * After a gap in a bar subscription (a reconnect), the bars missed within this
   * window before the newest bar are fetched and delivered before the live ones;
   * 0 turns gap backfill off. @default 300_000 (5 minutes)
   */
  readonly backfillWindowMs?: number;
  /**
   * When each symbol's market is open, so staleness counts only then: holidays,
   * hours, symbol markets, status codes; `false` counts staleness around the clock.
   * @default {} (the built-in SET/TFEX calendar, no holidays)
   */
  readonly session?: false | SettradeSessionOptions;
}

/** Validated options with every default filled in. */
export interface SettradeOptions {
  /** App id (the API key). */
  readonly appId: string;
  /** App secret, wrapped so that it never prints. */
  readonly appSecret: Secret;
  /** App code, e.g. `ALGO`. */
  readonly appCode: string;
  /** Resolved broker id (`098` for SANDBOX). */
  readonly brokerId: string;
  /** Resolved environment (`"uat"` for SANDBOX). */
  readonly env: SettradeEnv;
  /** REST base (auth, dispatcher), without a trailing slash. */
  readonly baseUrl: string;
  /** Market REST base, without a trailing slash. */
  readonly marketUrl: string;
  /** Path of an extra CA certificate (PEM) to trust; `undefined` for none. */
  readonly caFile: string | undefined;
  /** Whether TLS certificate checks are skipped (local emulator only). */
  readonly insecureSkipTlsVerify: boolean;
  /** Reconnect backoff, every field set. */
  readonly reconnect: SettradeReconnectOptions;
  /** Refresh the access token when fewer than this many ms remain. */
  readonly refreshBeforeMs: number;
  /** Login retry backoff, every field set. */
  readonly login: SettradeLoginOptions;
  /** Timeout of one REST request, ms. */
  readonly requestTimeoutMs: number;
  /** Longest start-up, ms. */
  readonly connectTimeoutMs: number;
  /** Stream → poll fallback, every field set. */
  readonly poll: SettradePollOptions;
  /** Bars fetched per bar subscription at start-up. */
  readonly backfill: number;
  /** Gap backfill window, ms (0: off). */
  readonly backfillWindowMs: number;
  /** Session options, or `false` for none. */
  readonly session: false | SettradeSessionOptions;
}

/**
 * Default REST bases per environment.
 * @example
 * ```ts
 * import { SETTRADE_BASES } from "./config.ts";
 * console.log(SETTRADE_BASES.uat.baseUrl); // https://open-api-test.settrade.com
 * ```
 */
export const SETTRADE_BASES: Readonly<
  Record<SettradeEnv, { readonly baseUrl: string; readonly marketUrl: string }>
> = Object.freeze({
  prod: Object.freeze({
    baseUrl: "https://open-api.settrade.com",
    marketUrl: "https://marketapi.settrade.com",
  }),
  uat: Object.freeze({
    baseUrl: "https://open-api-test.settrade.com",
    marketUrl: "https://marketapi-test.settrade.com",
  }),
});

const SANDBOX_BROKER = "098";

/**
 * The bases and broker id for a set of options: `SANDBOX` means uat and broker
 * `098`; an explicit `baseUrl`/`marketUrl` wins over the environment's default.
 *
 * @param options Broker id, environment and optional overrides (parsed options fit).
 * @returns Bases without trailing slashes, and the broker id for paths.
 * @example The sandbox
 * ```ts
 * import { resolveEndpoints } from "./config.ts";
 * console.log(resolveEndpoints({ brokerId: "sandbox" }));
 * // { baseUrl: "https://open-api-test.settrade.com", marketUrl: "https://marketapi-test.settrade.com", brokerId: "098" }
 * ```
 */
export function resolveEndpoints(options: {
  readonly brokerId: string;
  readonly env?: SettradeEnv;
  readonly baseUrl?: string;
  readonly marketUrl?: string;
}): SettradeEndpoints {
  const sandbox = isSandbox(options.brokerId);
  const env: SettradeEnv = sandbox ? "uat" : options.env ?? "prod";
  return {
    baseUrl: trimSlash(options.baseUrl ?? SETTRADE_BASES[env].baseUrl),
    marketUrl: trimSlash(options.marketUrl ?? SETTRADE_BASES[env].marketUrl),
    brokerId: sandbox ? SANDBOX_BROKER : options.brokerId.trim(),
  };
}

function parseBool(raw: string): boolean {
  const s = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(s)) return true;
  if (["", "0", "false", "no", "off"].includes(s)) return false;
  throw new TypeError(`expected true or false, got ${JSON.stringify(raw)}`);
}

/**
 * Environment variables of the Settrade connector, for `createFeedFromEnv` and `--help`.
 * @example
 * ```ts
 * import { SETTRADE_ENV_VARS } from "@tickwire/tickwire/connectors/settrade";
 * console.log(SETTRADE_ENV_VARS.filter((e) => e.secret).map((e) => e.name)); // ["SETTRADE_APP_SECRET"]
 * ```
 */
export const SETTRADE_ENV_VARS: readonly EnvVarSpec[] = Object.freeze([
  { name: "SETTRADE_APP_ID", option: "appId", description: "App id (API key)." },
  {
    name: "SETTRADE_APP_SECRET",
    option: "appSecret",
    description: "App secret: base64 of the P-256 private key.",
    secret: true,
  },
  { name: "SETTRADE_APP_CODE", option: "appCode", description: "App code, e.g. ALGO." },
  {
    name: "SETTRADE_BROKER_ID",
    option: "brokerId",
    description: "Broker id, e.g. 023; SANDBOX selects the uat sandbox (broker 098).",
  },
  {
    name: "SETTRADE_ENV",
    option: "env",
    description: 'Environment: "prod" (default) or "uat".',
    parse: (raw: string): string => raw.trim().toLowerCase(),
  },
  { name: "SETTRADE_BASE_URL", option: "baseUrl", description: "REST base override." },
  { name: "SETTRADE_MARKET_URL", option: "marketUrl", description: "Market REST base override." },
  { name: "SETTRADE_CA_FILE", option: "caFile", description: "Extra CA certificate (PEM) path." },
  {
    name: "SETTRADE_INSECURE_SKIP_TLS_VERIFY",
    option: "insecureSkipTlsVerify",
    description: "Skip TLS certificate checks (insecure; local emulator only).",
    parse: parseBool,
  },
  {
    name: "SETTRADE_POLL",
    option: "poll",
    description: "Poll quotes over REST while the stream is down (default true).",
    parse: parseBool,
  },
  {
    name: "SETTRADE_HOLIDAYS",
    option: "session",
    description: "Exchange holidays, YYYY-MM-DD, comma-separated (Bangkok dates).",
    parse: (raw: string): SettradeSessionOptions => ({
      holidays: raw.split(",").map((d) => d.trim()).filter((d) => d !== ""),
    }),
  },
]);

/**
 * Validates Settrade options, filling in defaults and resolving `SANDBOX` and the bases.
 *
 * @param input Options from code or built from {@link SETTRADE_ENV_VARS}.
 * @returns Frozen, validated options; the secret is wrapped in a {@link Secret}.
 * @throws ConfigError listing every problem by option key, never quoting the secret.
 * @example Sandbox options
 * ```ts
 * import { parseSettradeOptions } from "./config.ts";
 * const options = parseSettradeOptions({
 *   appId: "my-app", appSecret: "AIKi/X7lvfu0haz0SttdbCj+nXmWBt/jfrbPAHRjwNHq",
 *   appCode: "ALGO", brokerId: "SANDBOX",
 * });
 * console.log(options.env, options.brokerId, JSON.stringify(options.appSecret)); // uat 098 "[redacted]"
 * ```
 */
export function parseSettradeOptions(input: unknown): SettradeOptions {
  const { issues, output: o, secret } = checkOptions(input);
  if (o === undefined || secret === undefined || issues.length > 0) {
    throw new ConfigError("[settrade] invalid configuration", issues);
  }
  const endpoints = resolveEndpoints(o);
  return Object.freeze({
    appId: o.appId,
    appSecret: secret,
    appCode: o.appCode,
    brokerId: endpoints.brokerId,
    env: isSandbox(o.brokerId) ? "uat" : o.env ?? "prod",
    baseUrl: endpoints.baseUrl,
    marketUrl: endpoints.marketUrl,
    caFile: o.caFile,
    insecureSkipTlsVerify: o.insecureSkipTlsVerify,
    reconnect: Object.freeze({ ...o.reconnect }),
    refreshBeforeMs: o.refreshBeforeMs,
    login: Object.freeze({ ...o.login }),
    requestTimeoutMs: o.requestTimeoutMs,
    connectTimeoutMs: o.connectTimeoutMs,
    poll: typeof o.poll === "boolean"
      ? Object.freeze({ ...POLL_DEFAULTS, enabled: o.poll })
      : Object.freeze({ ...o.poll }),
    backfill: o.backfill,
    backfillWindowMs: o.backfillWindowMs,
    session: o.session,
  });
}
