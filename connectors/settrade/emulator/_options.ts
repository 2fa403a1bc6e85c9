/**
 * Options of the Settrade emulator: the types users write, and the checks that
 * turn them into resolved options (TypeError / RangeError naming the option).
 *
 * @module
 */

import type { Clock } from "../../../src/clock.ts";
import { systemClock } from "../../../src/clock.ts";
import type { Logger } from "../../../src/log.ts";
import { silentLogger } from "../../../src/log.ts";
import type { SyntheticPhase } from "../../synthetic/mod.ts";

/** TLS key and certificate (PEM) for an `https:`/`wss:` emulator. */
export interface EmulatorTls {
  /** Private key, PEM (text, or its UTF-8 bytes). */
  readonly key: string | Uint8Array;
  /** Certificate (chain), PEM (text, or its UTF-8 bytes). */
  readonly cert: string | Uint8Array;
}

/** REST rate limits the emulator enforces and reports in `X-RateLimit-*` headers. */
export interface EmulatorRateLimit {
  /** Requests per wall-clock second. @default 100 */
  readonly perSecond?: number;
  /** Requests per wall-clock minute. @default 3_000 */
  readonly perMinute?: number;
  /** Send the `X-RateLimit-*` headers (the limits are enforced either way). @default true */
  readonly announce?: boolean;
}

/**
 * Options of `startSettradeEmulator`; every key is optional.
 *
 * @example A fixed port, a known secret and short-lived tokens
 * ```ts
 * import { startSettradeEmulator } from "@tickwire/tickwire/connectors/settrade/emulator";
 * const emulator = await startSettradeEmulator({
 *   port: 0, appSecret: "AIKi/X7lvfu0haz0SttdbCj+nXmWBt/jfrbPAHRjwNHq",
 *   accessTokenTtlSec: 30, symbols: ["PTT", "AOT"], markets: ["SET"], seed: 42, rate: 20,
 * });
 * await emulator.stop();
 * ```
 */
export interface SettradeEmulatorOptions {
  /** Address to listen on: a loopback address only (`127.x.x.x` or `::1`). @default "127.0.0.1" */
  readonly host?: string;
  /** Port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** TLS key and certificate: serve `https:` and `wss:`. @default plain HTTP and `ws:` */
  readonly tls?: EmulatorTls;
  /** App id (API key) the emulator accepts. @default "tickwire-emulator" */
  readonly appId?: string;
  /** App secret (base64 of the P-256 scalar) whose public key verifies logins. @default a fresh key */
  readonly appSecret?: string;
  /** Public key (uncompressed point, bytes or base64) to verify logins with, when the secret is kept elsewhere. */
  readonly publicKey?: string | Uint8Array;
  /** Broker id in every path. @default "098" */
  readonly brokerId?: string;
  /** App code in the login paths. @default "ALGO" */
  readonly appCode?: string;
  /** Lifetime of access tokens (and of the dispatcher tokens tied to them), s. @default 3600 */
  readonly accessTokenTtlSec?: number;
  /** Largest accepted distance of a login timestamp from the emulator's clock, ms; `Infinity` accepts any. @default 300_000 */
  readonly maxClockSkewMs?: number;
  /** Close MQTT connections when the dispatcher token they connected with expires. @default true */
  readonly dropOnTokenExpiry?: boolean;
  /** Seed of the synthetic market. @default 1 */
  readonly seed?: number;
  /** Published updates per second per subscribed symbol. @default 10 */
  readonly rate?: number;
  /** Known instruments (upper-cased); any other symbol gets a subscription error. @default ["AOT", "PTT", "KBANK", "CPALL", "SCB"] */
  readonly symbols?: readonly string[];
  /** Known markets, from `SET`, `mai` and `TFEX` (any case). @default all three */
  readonly markets?: readonly string[];
  /** Start of the synthetic exchange clock, epoch ms (bar times). @default the synthetic default */
  readonly startTs?: number;
  /** Scripted session phases of the synthetic market (ATO/ATC flags and statuses). @default [] */
  readonly phases?: readonly SyntheticPhase[];
  /** REST rate limits. */
  readonly rateLimit?: EmulatorRateLimit;
  /** Serve the fault controls under `/_emulator/` (loopback only, like everything else). @default true */
  readonly control?: boolean;
  /** Time source for token expiry, timestamps and publishing. @default systemClock */
  readonly clock?: Clock;
  /** Where the emulator logs (never a secret or token). @default silentLogger */
  readonly logger?: Logger;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: EmulatorTls | undefined;
  readonly appId: string;
  readonly appSecret: string | undefined;
  readonly publicKey: string | Uint8Array | undefined;
  readonly brokerId: string;
  readonly appCode: string;
  readonly accessTokenTtlSec: number;
  readonly maxClockSkewMs: number;
  readonly dropOnTokenExpiry: boolean;
  readonly seed: number;
  readonly rate: number;
  readonly symbols: readonly string[];
  /** Market names as spelled on the wire. */
  readonly markets: readonly string[];
  readonly startTs: number | undefined;
  readonly phases: readonly SyntheticPhase[];
  readonly perSecond: number;
  readonly perMinute: number;
  readonly announceLimits: boolean;
  readonly control: boolean;
  readonly clock: Clock;
  readonly logger: Logger;
}

const P = "[settrade-emulator]";
const MARKETS: Readonly<Record<string, string>> = { SET: "SET", MAI: "mai", TFEX: "TFEX" };
const DEFAULT_SYMBOLS = ["AOT", "PTT", "KBANK", "CPALL", "SCB"];
const SYMBOL = /^[A-Z0-9][A-Z0-9.&_-]{0,31}$/;

/**
 * Whether a host is a loopback address literal (`127.0.0.0/8` or `::1`).
 * @param host Candidate.
 * @returns `true` for a loopback address.
 */
export function isLoopback(host: string): boolean {
  if (host === "::1" || host === "[::1]") return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

function str(name: string, value: unknown, fallback: string, pattern: RegExp): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string") {
    throw new TypeError(`${P} ${name} must be a string, got ${typeof value}`);
  }
  if (!pattern.test(value)) {
    throw new TypeError(`${P} invalid ${name} ${JSON.stringify(value)}`);
  }
  return value;
}

function num(name: string, value: unknown, fallback: number, ok: (n: number) => boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(`${P} ${name} must be a number, got ${typeof value}`);
  }
  if (!ok(value)) throw new RangeError(`${P} ${name} is out of range: ${value}`);
  return value;
}

const positive = (n: number): boolean => Number.isFinite(n) && n > 0;
const positiveInt = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

function list(name: string, value: unknown, fallback: readonly string[]): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length === 0 || value.some((s) => typeof s !== "string")) {
    throw new TypeError(`${P} ${name} must be a non-empty array of strings`);
  }
  return value as string[];
}

/**
 * Checks the options and fills in the defaults.
 * @param o Options as given.
 * @returns Resolved options.
 * @throws TypeError for a non-loopback host or a malformed value; RangeError for a number out of range.
 */
export function resolveOptions(o: SettradeEmulatorOptions = {}): ResolvedOptions {
  if (typeof o !== "object" || o === null) throw new TypeError(`${P} options must be an object`);
  const host = str("host", o.host, "127.0.0.1", /^\S+$/);
  if (!isLoopback(host)) {
    throw new TypeError(
      `${P} host must be a loopback address (127.0.0.1 or ::1), got ${JSON.stringify(host)}`,
    );
  }
  const symbols = [
    ...new Set(list("symbols", o.symbols, DEFAULT_SYMBOLS).map((s) => s.toUpperCase())),
  ];
  for (const s of symbols) {
    if (!SYMBOL.test(s)) throw new TypeError(`${P} invalid symbol ${JSON.stringify(s)}`);
  }
  const markets = list("markets", o.markets, Object.keys(MARKETS)).map((m) => {
    const wire = MARKETS[m.toUpperCase()];
    if (wire === undefined) {
      throw new TypeError(`${P} unknown market ${JSON.stringify(m)}: expected SET, mai or TFEX`);
    }
    return wire;
  });
  if (o.tls !== undefined && (typeof o.tls !== "object" || !o.tls.key || !o.tls.cert)) {
    throw new TypeError(`${P} tls must be an object with key and cert`);
  }
  if (o.phases !== undefined && !Array.isArray(o.phases)) {
    throw new TypeError(`${P} phases must be an array`);
  }
  return {
    host: host.replace(/^\[(.*)\]$/, "$1"),
    port: num("port", o.port, 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535),
    tls: o.tls,
    appId: str("appId", o.appId, "tickwire-emulator", /^[\x21-\x7e]{1,128}$/),
    appSecret: o.appSecret,
    publicKey: o.publicKey,
    brokerId: str("brokerId", o.brokerId, "098", /^[A-Za-z0-9]{1,16}$/),
    appCode: str("appCode", o.appCode, "ALGO", /^[A-Za-z0-9_-]{1,32}$/),
    accessTokenTtlSec: num("accessTokenTtlSec", o.accessTokenTtlSec, 3_600, positive),
    maxClockSkewMs: num("maxClockSkewMs", o.maxClockSkewMs, 300_000, (n) => n >= 0),
    dropOnTokenExpiry: o.dropOnTokenExpiry ?? true,
    seed: num("seed", o.seed, 1, Number.isSafeInteger),
    rate: num("rate", o.rate, 10, (n) => positive(n) && n <= 10_000),
    symbols,
    markets: [...new Set(markets)],
    startTs: o.startTs === undefined ? undefined : num("startTs", o.startTs, 0, (n) => n >= 0),
    phases: o.phases ?? [],
    perSecond: num("rateLimit.perSecond", o.rateLimit?.perSecond, 100, positiveInt),
    perMinute: num("rateLimit.perMinute", o.rateLimit?.perMinute, 3_000, positiveInt),
    announceLimits: o.rateLimit?.announce ?? true,
    control: o.control ?? true,
    clock: o.clock ?? systemClock,
    logger: o.logger ?? silentLogger,
  };
}
