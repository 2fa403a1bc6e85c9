/**
 * Options of the direct mode: a connector that talks MQTT to a broker URL with
 * no login and no dispatcher (for tests, benchmarks and authenticating
 * proxies), and the parser that accepts either mode.
 *
 * @module
 */

import * as v from "valibot";
import { checkOptions } from "../../src/config-issues.ts";
import { ConfigError, type ConfigIssue, isConfigError } from "../../src/errors.ts";
import { checkSession } from "./_config-schema.ts";
import type { SettradeSessionOptions } from "./session.ts";
import {
  parseSettradeOptions,
  type SettradeOptions,
  type SettradeOptionsInput,
  type SettradeReconnectOptions,
} from "./config.ts";
import { SETTRADE_OPTION_KEYS } from "./_config-schema.ts";

/** Options of the direct mode, as a user writes them. */
export interface SettradeBrokerOptionsInput {
  /**
   * Broker URL (`mqtt://127.0.0.1:1883`, `ws://127.0.0.1:8080/mqtt`, `wss://proxy/...`):
   * no login, no dispatcher. For tests, benchmarks and proxies that authenticate for you.
   */
  readonly brokerUrl: string;
  /** Headers of the WebSocket upgrade (e.g. a proxy's `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra certificate authority (PEM text) to trust. */
  readonly ca?: string;
  /** Path of an extra certificate authority (PEM file) to trust. */
  readonly caFile?: string;
  /** Skips TLS certificate checks: insecure, for a local emulator only. @default false */
  readonly insecureSkipTlsVerify?: boolean;
  /** Reconnect backoff; any subset (same defaults as the Settrade options). */
  readonly reconnect?: Partial<SettradeReconnectOptions>;
  /** Longest wait for the broker to accept a connection, ms. @default 15_000 */
  readonly connectTimeoutMs?: number;
  /** Session awareness, as in the Settrade mode; `false` for none. @default {} */
  readonly session?: false | SettradeSessionOptions;
}

/** Validated direct-mode options. */
export interface SettradeBrokerOptions {
  /** Broker URL (`ws`, `wss`, `mqtt` or `mqtts`). */
  readonly brokerUrl: string;
  /** Headers of the WebSocket upgrade. */
  readonly headers: Readonly<Record<string, string>>;
  /** Extra certificate authority (PEM text). */
  readonly ca: string | undefined;
  /** Path of an extra certificate authority (PEM file). */
  readonly caFile: string | undefined;
  /** Whether TLS certificate checks are skipped (insecure). */
  readonly insecureSkipTlsVerify: boolean;
  /** Reconnect backoff, defaults filled in. */
  readonly reconnect: SettradeReconnectOptions;
  /** Longest wait for the broker to accept a connection, ms. */
  readonly connectTimeoutMs: number;
  /** Session options, or `false` for none. */
  readonly session: false | SettradeSessionOptions;
}

/** Options of either mode, validated. */
export type SettradeConnectorOptions = SettradeOptions | SettradeBrokerOptions;

/** Options of either mode, as a user writes them. */
export type SettradeConnectorOptionsInput = SettradeOptionsInput | SettradeBrokerOptionsInput;

const SCHEMES = ["ws:", "wss:", "mqtt:", "mqtts:"];

const Schema = v.object({
  brokerUrl: v.pipe(
    v.string("expected a URL"),
    v.check(
      (s) => {
        try {
          return SCHEMES.includes(new URL(s).protocol);
        } catch {
          return false;
        }
      },
      (i) =>
        `expected a ws, wss, mqtt or mqtts URL, got ${
          JSON.stringify(String(i.input).slice(0, 80))
        }`,
    ),
    v.check((s) => {
      const u = new URL(s);
      return u.username === "" && u.password === "";
    }, "must not contain credentials (use headers)"),
  ),
  headers: v.optional(v.record(v.string(), v.string("expected a string")), {}),
  ca: v.optional(v.pipe(v.string("expected PEM text"), v.minLength(1, "must not be empty"))),
  caFile: v.optional(v.pipe(v.string("expected a file path"), v.minLength(1, "must not be empty"))),
  insecureSkipTlsVerify: v.optional(v.boolean("expected true or false"), false),
  reconnect: v.optional(v.unknown()),
  connectTimeoutMs: v.optional(
    v.pipe(
      v.number("expected a number"),
      v.check((n) => n > 0 && n <= 2 ** 31 - 1, (i) => `expected a number > 0, got ${i.input}`),
    ),
    15_000,
  ),
  session: v.optional(v.unknown()), // checked apart: false or an object
});

/** A valid key, used only to reach the shared reconnect schema and its defaults. */
const PLACEHOLDER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE=";

/** The reconnect policy through the one schema that holds its defaults (`config.ts`). */
function reconnectPolicy(
  input: unknown,
): { policy?: SettradeReconnectOptions; issues: ConfigIssue[] } {
  try {
    const parsed = parseSettradeOptions({
      appId: "direct",
      appSecret: PLACEHOLDER_KEY,
      appCode: "DIRECT",
      brokerId: "direct",
      ...(input === undefined ? {} : { reconnect: input }),
    });
    return { policy: parsed.reconnect, issues: [] };
  } catch (e) {
    if (!isConfigError(e)) throw e;
    return { issues: [...e.issues] };
  }
}

/**
 * Whether parsed options are of the direct mode.
 * @param o Parsed options.
 * @returns `true` when they name a `brokerUrl`.
 */
export function isBrokerOptions(o: SettradeConnectorOptions): o is SettradeBrokerOptions {
  return typeof (o as { brokerUrl?: unknown }).brokerUrl === "string";
}

/**
 * Validates direct-mode options.
 * @param input Options with a `brokerUrl`.
 * @returns Frozen options with defaults.
 * @throws ConfigError listing every problem.
 */
export function parseBrokerOptions(input: Record<string, unknown>): SettradeBrokerOptions {
  const issues: ConfigIssue[] = [];
  const known = Object.keys(Schema.entries);
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) issues.push({ key, message: "is not an option with brokerUrl" });
  }
  const checked = checkOptions(Schema, input);
  issues.push(...checked.issues);
  const session = checkSession(input.session, issues) ?? {};
  const { policy, issues: policyIssues } = reconnectPolicy(input.reconnect);
  issues.push(...policyIssues);
  const o = checked.output;
  if (o === undefined || policy === undefined || issues.length > 0) {
    throw new ConfigError("[settrade] invalid configuration", issues);
  }
  return Object.freeze({
    brokerUrl: o.brokerUrl,
    headers: Object.freeze({ ...o.headers }),
    ca: o.ca,
    caFile: o.caFile,
    insecureSkipTlsVerify: o.insecureSkipTlsVerify,
    reconnect: policy,
    connectTimeoutMs: o.connectTimeoutMs,
    session,
  });
}

/** Every option key of either mode. */
export const SETTRADE_CONNECTOR_OPTION_KEYS: readonly string[] = [
  ...new Set([...Object.keys(Schema.entries), ...SETTRADE_OPTION_KEYS]),
];

/**
 * Validates options of either mode: with `brokerUrl`, the direct mode; otherwise
 * the Settrade options (`parseSettradeOptions`).
 *
 * @param input Options from code or the environment.
 * @returns Validated options.
 * @throws ConfigError listing every problem, never quoting the secret.
 * @example The direct mode, for a benchmark broker
 * ```ts
 * import { parseSettradeConnectorOptions } from "@tickwire/tickwire/connectors/settrade";
 * const o = parseSettradeConnectorOptions({ brokerUrl: "mqtt://127.0.0.1:1883" });
 * console.log(o.reconnect.maxAttempts); // Infinity
 * ```
 */
export function parseSettradeConnectorOptions(input: unknown): SettradeConnectorOptions {
  if (
    input !== null && typeof input === "object" && !Array.isArray(input) &&
    (input as Record<string, unknown>).brokerUrl !== undefined
  ) {
    return parseBrokerOptions(input as Record<string, unknown>);
  }
  return parseSettradeOptions(input);
}
