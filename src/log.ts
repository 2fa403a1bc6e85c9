/**
 * Logging: a small {@link Logger} interface that pino, console and most loggers fit,
 * a console default at `warn` and above, and {@link RateLimitedLog} for errors that
 * repeat (first N, then every Mth, with the count).
 *
 * @module
 */

/** Structured fields attached to a log line. Never put a secret here. */
export type LogFields = Record<string, unknown>;

/** Log levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const LEVEL_RANK: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

/** The logger tickwire writes to. Replace it with your own through the `logger` option. */
export interface Logger {
  /** Writes a diagnostic line (e.g. `connecting`, `end`). */
  debug(message: string, fields?: LogFields): void;
  /** Writes a routine lifecycle line (e.g. `connected`, `reconnecting`, `recovered`). */
  info(message: string, fields?: LogFields): void;
  /** Writes a line about trouble the feed works around (e.g. `stale`, a skipped payload). */
  warn(message: string, fields?: LogFields): void;
  /** Writes a line about a failure (e.g. the connector gave up, a listener threw). */
  error(message: string, fields?: LogFields): void;
}

/**
 * Whether a string names a log level.
 * @param s Candidate.
 * @returns `true` for `debug`, `info`, `warn`, `error` and `silent`.
 * @example
 * ```ts
 * import { isLogLevel } from "@tickwire/tickwire";
 * console.log(isLogLevel("warn"), isLogLevel("loud")); // true false
 * ```
 */
export function isLogLevel(s: unknown): s is LogLevel {
  return typeof s === "string" && Object.prototype.hasOwnProperty.call(LEVEL_RANK, s);
}

/**
 * A logger writing to the console at `level` and above.
 *
 * @param level Lowest level written. @default "warn"
 * @param sink Console-like target (tests pass their own). @default globalThis.console
 * @returns A {@link Logger}.
 * @example Logging everything from info up
 * ```ts
 * import { consoleLogger } from "@tickwire/tickwire";
 * const log = consoleLogger("info");
 * log.info("connected", { epoch: 0 });
 * ```
 */
export function consoleLogger(
  level: LogLevel = "warn",
  sink: Pick<Console, "debug" | "info" | "warn" | "error"> = console,
): Logger {
  const min = LEVEL_RANK[level];
  const write =
    (lvl: Exclude<LogLevel, "silent">) => (message: string, fields?: LogFields): void => {
      if (LEVEL_RANK[lvl] < min) return;
      if (fields === undefined) sink[lvl](`[tickwire] ${message}`);
      else sink[lvl](`[tickwire] ${message}`, fields);
    };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

/**
 * A logger that discards everything.
 * @example
 * ```ts
 * import { silentLogger } from "@tickwire/tickwire";
 * silentLogger.error("never shown");
 * ```
 */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Options of {@link RateLimitedLog}. */
export interface RateLimitedLogOptions {
  /** Log the first `first` occurrences. @default 10 */
  readonly first?: number;
  /** Then log every `every`-th occurrence. @default 1000 */
  readonly every?: number;
  /** Level to log at. @default "warn" */
  readonly level?: Exclude<LogLevel, "silent">;
}

/**
 * Logs a repeated error without flooding: the first N occurrences, then every
 * Mth, each line carrying the running `count`.
 *
 * @example Decode errors, first 10 then every 1,000th
 * ```ts
 * import { RateLimitedLog, silentLogger } from "@tickwire/tickwire";
 * const decodeLog = new RateLimitedLog(silentLogger, { first: 10, every: 1000 });
 * for (let i = 0; i < 5000; i++) decodeLog.log("payload skipped", { topic: "t" });
 * console.log(decodeLog.count, decodeLog.logged); // 5000 14
 * ```
 */
export class RateLimitedLog {
  /** Occurrences seen. */
  count = 0;
  /** Occurrences written. */
  logged = 0;
  readonly #logger: Logger;
  readonly #first: number;
  readonly #every: number;
  readonly #level: Exclude<LogLevel, "silent">;

  /**
   * Creates a counter that writes through `logger`.
   * @param logger Where lines go.
   * @param options Thresholds and level.
   */
  constructor(logger: Logger, options: RateLimitedLogOptions = {}) {
    this.#logger = logger;
    this.#first = options.first ?? 10;
    this.#every = options.every ?? 1000;
    this.#level = options.level ?? "warn";
    if (!(this.#first >= 0) || !(this.#every >= 1)) {
      throw new RangeError("RateLimitedLog: first must be >= 0 and every >= 1");
    }
  }

  /**
   * Counts one occurrence and writes it if it is among the first N or a multiple of M.
   * @param message Line to write.
   * @param fields Structured fields (the count is added).
   * @returns Whether the line was written.
   */
  log(message: string, fields?: LogFields): boolean {
    const n = ++this.count;
    if (n > this.#first && n % this.#every !== 0) return false;
    this.logged++;
    this.#logger[this.#level](message, { ...fields, count: n });
    return true;
  }
}
