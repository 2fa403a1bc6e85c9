/**
 * Logging: a small {@link Logger} interface that pino, console and most loggers fit,
 * a console default at `warn` and above that writes to standard error only (text
 * or JSON lines), and {@link RateLimitedLog} for errors that repeat (first N, then
 * every Mth, with the count).
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

/** How the console logger writes a line: readable text, or one JSON object per line. */
export type LogFormat = "text" | "json";

const LOG_FORMATS: readonly LogFormat[] = ["text", "json"];

/**
 * Whether a string names a log format.
 * @param s Candidate.
 * @returns `true` for `text` and `json`.
 * @example
 * ```ts
 * import { isLogFormat } from "@tickwire/tickwire";
 * console.log(isLogFormat("json"), isLogFormat("xml")); // true false
 * ```
 */
export function isLogFormat(s: unknown): s is LogFormat {
  return typeof s === "string" && (LOG_FORMATS as readonly string[]).includes(s);
}

/** Where the console logger writes: the two console methods that go to stderr. */
export type LogSink = Pick<Console, "warn" | "error">;

/** Options of {@link consoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Lowest level written. @default "warn" */
  readonly level?: LogLevel;
  /** `text` for people, `json` for log shippers (one object per line). @default "text" */
  readonly format?: LogFormat;
  /** The `source` of a line whose message names none (`[settrade] ...` names one). @default "tickwire" */
  readonly source?: string;
  /** Console-like target (tests pass their own). @default globalThis.console */
  readonly sink?: LogSink;
  /** Wall clock for the JSON `time` field, epoch ms. @default Date.now */
  readonly now?: () => number;
}

/** `[settrade] connected` → source `settrade`, message `connected`. */
const SOURCE_PREFIX = /^\[([^\]\s]+)\] /;

/** `lagMs` → `lag_ms`, for the JSON lines. */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A field value as JSON can carry it: errors by message, bigints as text. */
function plain(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** One field as `key=value` for a text line; strings with spaces or quotes are quoted. */
function textField(key: string, value: unknown): string {
  const v = plain(value);
  if (typeof v === "string") {
    return `${key}=${/^[^\s"=]*$/.test(v) && v !== "" ? v : JSON.stringify(v)}`;
  }
  return `${key}=${safeJson(v)}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => plain(v)) ?? String(value);
  } catch {
    return JSON.stringify(String(value));
  }
}

/**
 * A logger writing to standard error through `console.warn` and `console.error`,
 * never to standard output (where the CLI prints its data), at `level` and above.
 *
 * Text lines read `tickwire warn [settrade] login failed; retrying attempt=2`; JSON
 * lines are one object each, with `time` (ISO 8601), `level`, `message`, `source`
 * and the fields in snake case (`lag_ms`, `epoch`, `symbol`, ...).
 *
 * @param options A level, or the full options. @default "warn"
 * @returns A {@link Logger}.
 * @example Logging everything from info up, as JSON lines on stderr
 * ```ts
 * import { consoleLogger } from "@tickwire/tickwire";
 * const log = consoleLogger({ level: "info", format: "json" });
 * log.info("[synthetic] connected", { epoch: 0, lagMs: 3 });
 * // stderr: {"time":"…","level":"info","message":"connected","source":"synthetic","epoch":0,"lag_ms":3}
 * ```
 */
export function consoleLogger(options: LogLevel | ConsoleLoggerOptions = {}): Logger {
  const o: ConsoleLoggerOptions = typeof options === "string" ? { level: options } : options;
  const min = LEVEL_RANK[o.level ?? "warn"];
  const sink = o.sink ?? console;
  const json = o.format === "json";
  const fallbackSource = o.source ?? "tickwire";
  const now = o.now ?? Date.now;
  const line = (lvl: Exclude<LogLevel, "silent">, message: string, fields?: LogFields): string => {
    const m = SOURCE_PREFIX.exec(message);
    const source = m === null ? fallbackSource : m[1]!;
    const text = m === null ? message : message.slice(m[0].length);
    const entries = fields === undefined ? [] : Object.entries(fields);
    if (json) {
      const out: Record<string, unknown> = {
        time: new Date(now()).toISOString(),
        level: lvl,
        message: text,
        source,
      };
      for (const [k, v] of entries) {
        const key = snakeCase(k);
        if (!Object.hasOwn(out, key)) out[key] = v;
      }
      return safeJson(out);
    }
    const tail = entries.map(([k, v]) => ` ${textField(k, v)}`).join("");
    return `tickwire ${lvl} [${source}] ${text}${tail}`;
  };
  const write =
    (lvl: Exclude<LogLevel, "silent">) => (message: string, fields?: LogFields): void => {
      if (LEVEL_RANK[lvl] < min) return;
      const text = line(lvl, message, fields);
      if (lvl === "warn") sink.warn(text);
      else sink.error(text);
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
