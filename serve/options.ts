/**
 * Options of {@link serveFeed}: every limit of the service in one place, with
 * its default, validated into one `ConfigError` that lists every problem.
 *
 * @module
 */

import type { PromText } from "./metrics.ts";
import * as v from "valibot";
import type { Clock } from "../src/clock.ts";
import { checkOptions } from "../src/config-issues.ts";
import { ConfigError, type ConfigIssue } from "../src/errors.ts";
import type { Logger } from "../src/log.ts";
import { isSecret, Secret } from "../src/secret.ts";

/** Options of `serveFeed`. Every limit has a default fit for a desk of a few hundred clients. */
export interface ServeOptions {
  /** Address to bind. Any address other than a loopback one requires `token`. @default "127.0.0.1" */
  readonly host?: string;
  /** Port to bind; 0 picks a free one (read it from `server.port`). @default 8080 */
  readonly port?: number;
  /**
   * Bearer token every HTTP request (but `/livez` and the page's static files) and
   * every WebSocket upgrade must carry: `Authorization: Bearer <token>`, or, for a
   * browser, the WebSocket subprotocol `tickwire.bearer.<token>`. Required when
   * `host` is not a loopback address. The CLI reads it from `TICKWIRE_SERVE_TOKEN`.
   * @default none (only allowed on loopback)
   */
  readonly token?: string | Secret;
  /**
   * Origins (`scheme://host[:port]`) allowed to open a WebSocket; `"*"` allows any.
   * An upgrade from the page this server serves (same host and port) is always
   * allowed, and one without an `Origin` header (not a browser) is too.
   * @default []
   */
  readonly allowedOrigins?: readonly string[];
  /** Where the service logs (stderr in the CLI). @default a console logger at warn */
  readonly logger?: Logger;
  /** Time source (tests). @default systemClock */
  readonly clock?: Clock;
  /** `/health` says 503 once the feed has been disconnected this long. @default 10_000 */
  readonly healthGraceMs?: number;
  /** Symbols kept by the latest-event cache (least recently updated evicted first). @default 1_000 */
  readonly cacheSize?: number;
  /**
   * Conflate each client's updates latest-wins per (channel, symbol) and throttle
   * them per key; `false` sends every event in order through a bounded queue.
   * @default true
   */
  readonly conflate?: boolean;
  /** Updates per second per (channel, symbol) a client gets unless it asks otherwise. @default 10 */
  readonly defaultRate?: number;
  /** Most updates per second per (channel, symbol) a client may ask for. @default 100 */
  readonly maxRate?: number;
  /** A conflated update older than this when its turn comes is dropped (counted as expired). @default 5_000 */
  readonly maxAgeMs?: number;
  /** Most WebSocket clients at once; the next one is closed with code 1013. @default 1_000 */
  readonly maxClients?: number;
  /** Most (channel, symbol) subscriptions per client (a wildcard counts once per channel). @default 1_000 */
  readonly maxSubscriptions?: number;
  /** Largest message a client may send, bytes; a larger one closes it with code 1009. @default 16_384 */
  readonly maxMessageBytes?: number;
  /** Messages per second a client may send (a burst of twice as many is allowed). @default 50 */
  readonly maxMessagesPerSecond?: number;
  /** Bytes a client's socket may hold unsent before the client gets no more writes. @default 1_048_576 */
  readonly highWaterBytes?: number;
  /** A client held above `highWaterBytes` this long is closed with code 4008. @default 10_000 */
  readonly maxBehindMs?: number;
  /** With `conflate: false`: events a client may have queued; one more closes it with code 4008. @default 10_000 */
  readonly queueLimit?: number;
  /** Interval of WebSocket pings; a client that answers none for two intervals is dropped. @default 15_000 */
  readonly heartbeatMs?: number;
  /** Most symbols given their own series in `/metrics` (the first, alphabetically). @default 100 */
  readonly metricsSymbols?: number;
  /** Most clients given their own series in `/metrics` (those with the most conflated and dropped). @default 20 */
  readonly metricsClients?: number;
  /** How long `close()` waits for clients to close before cutting them off, ms. @default 2_000 */
  readonly closeTimeoutMs?: number;
  /**
   * What a service built on the feed adds to `/health` and `/metrics` (`tickwire
   * publish` adds its publisher's counters).
   * @default none
   */
  readonly extra?: ServeExtra;
}

/** A part of `/health` and `/metrics` that a service built on the feed adds. */
export interface ServeExtra {
  /** Key of its part of the `/health` body (`"publisher"`). */
  readonly name: string;
  /**
   * Its part of the `/health` body; a `reason` makes `/health` answer 503 with it.
   * @returns A JSON-able object.
   */
  health(): { readonly reason?: string; readonly [key: string]: unknown };
  /**
   * Appends its families to `/metrics`, named apart from tickwire's own.
   * @param t The exposition being written.
   */
  metrics(t: PromText): void;
}

/** {@link ServeOptions} with every default filled in; the token boxed in a `Secret`. */
export type ResolvedServeOptions =
  & Readonly<Required<Omit<ServeOptions, "token" | "logger" | "clock" | "extra">>>
  & {
    /** The bearer token, redacted when printed; `undefined` when none is required. */
    readonly token: Secret | undefined;
  };

const count = (min = 1) => v.pipe(v.number(), v.integer(), v.minValue(min));
const rate = v.pipe(v.number(), v.gtValue(0));
const origin = v.union([
  v.literal("*"),
  v.pipe(
    v.string(),
    v.regex(/^https?:\/\/[^/\s]+$/, "expected an origin like https://desk.example"),
  ),
]);

const Schema = v.object({
  host: v.optional(v.pipe(v.string(), v.minLength(1)), "127.0.0.1"),
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65_535)), 8080),
  allowedOrigins: v.optional(v.array(origin), []),
  healthGraceMs: v.optional(count(0), 10_000),
  cacheSize: v.optional(count(), 1_000),
  conflate: v.optional(v.boolean(), true),
  defaultRate: v.optional(rate, 10),
  maxRate: v.optional(rate, 100),
  maxAgeMs: v.optional(count(), 5_000),
  maxClients: v.optional(count(), 1_000),
  maxSubscriptions: v.optional(count(), 1_000),
  maxMessageBytes: v.optional(count(64), 16_384),
  maxMessagesPerSecond: v.optional(rate, 50),
  highWaterBytes: v.optional(count(1_024), 1_048_576),
  maxBehindMs: v.optional(count(), 10_000),
  queueLimit: v.optional(count(), 10_000),
  heartbeatMs: v.optional(count(100), 15_000),
  metricsSymbols: v.optional(count(0), 100),
  metricsClients: v.optional(count(0), 20),
  closeTimeoutMs: v.optional(count(0), 2_000),
});

/**
 * Whether a host name or address is a loopback one (127.0.0.0/8, ::1, localhost).
 * @param host Host name or address.
 * @returns `true` for a loopback address.
 */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Validates the options and fills in the defaults.
 * @param options As given to `serveFeed`.
 * @returns The resolved options.
 * @throws ConfigError listing every problem, including a non-loopback `host` without a token.
 */
export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  const { token, logger: _l, clock: _c, ...rest } = options;
  const { output, issues } = checkOptions(Schema, rest, { quoteInput: true });
  const all: ConfigIssue[] = [...issues];
  let secret: Secret | undefined;
  if (token !== undefined) {
    const raw = isSecret(token) ? token.reveal() : token;
    if (typeof raw !== "string" || raw.length < 16 || /\s/.test(raw)) {
      // The value is never quoted: it is a secret.
      all.push({
        key: "token",
        message: "must be a string of at least 16 characters without spaces (TICKWIRE_SERVE_TOKEN)",
      });
    } else secret = isSecret(token) ? token : new Secret(raw);
  }
  const host = output?.host ?? rest.host ?? "127.0.0.1";
  if (typeof host === "string" && !isLoopback(host) && token === undefined) {
    all.push({
      key: "host",
      message: `binding ${JSON.stringify(host)} exposes the service beyond this machine; ` +
        "set a token (TICKWIRE_SERVE_TOKEN, or the token option) or bind 127.0.0.1",
    });
  }
  if (output !== undefined && output.defaultRate > output.maxRate) {
    all.push({
      key: "defaultRate",
      message: `must not exceed maxRate (${output.maxRate}), got ${output.defaultRate}`,
    });
  }
  if (all.length > 0 || output === undefined) {
    throw new ConfigError("[serve] invalid options", all);
  }
  return { ...output, token: secret };
}
