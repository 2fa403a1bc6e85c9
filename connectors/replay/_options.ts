/**
 * Options of the replay connector: types, the private valibot schema,
 * {@link parseReplayOptions}, and the environment variables.
 *
 * @module
 */

import * as v from "valibot";
import type { CaptureIssue, OnCorrupt } from "./capture/issues.ts";
import type { EnvVarSpec } from "../../src/connector.ts";
import { parseOptions } from "../../src/config-issues.ts";
import { ConfigError } from "../../src/errors.ts";

/** A point in time: epoch ms, an ISO 8601 string, or a `Date`. */
export type TimeInput = number | string | Date;

/** Options as given in code or built from the environment. */
export interface ReplayOptionsInput {
  /** Capture file to replay (raw `.twr` or NDJSON, optionally `.gz`). One of `file` or `stream`. */
  readonly file?: string;
  /**
   * The capture itself, where there is no file system or the bytes come from
   * elsewhere: a `ReadableStream` (a `fetch` body), a `Response`, a `Blob` (a
   * `File`) or the bytes. One of `file` or `stream`.
   */
  readonly stream?: CaptureBytes;
  /** Name of `stream` in messages. @default "stream" */
  readonly name?: string;
  /**
   * Pace: 1 reproduces the recorded gaps between events, N plays N times faster, and
   * `"max"` delivers as fast as the consumer takes them (pass `overflow: "block"` to the
   * feed so that nothing is dropped). @default 1
   */
  readonly speed?: number | "max";
  /** Skip records received before this time (`recvTs`). @default the start of the capture */
  readonly from?: TimeInput;
  /** Stop at the first record received after this time (`recvTs`). @default the end of the capture */
  readonly to?: TimeInput;
  /**
   * Replay only these symbols, on every channel. Through a feed, `symbols` is the
   * feed's own option (subscriptions on `channels`): pass every channel there to
   * replay every channel of those symbols. @default every symbol
   */
  readonly symbols?: readonly string[];
  /** Start again from the beginning at the end of the file (as a reconnect). Needs `file`. @default false */
  readonly loop?: boolean;
  /** After a damaged record or invalid line: `"stop"` there, or `"skip"` it. @default "stop" */
  readonly onCorrupt?: OnCorrupt;
  /**
   * A capture cut short (a crash, a kill, a full disk: it ends inside a record) is an
   * error too. Without it, every complete record is replayed, the cut is one warning
   * naming its byte offset, and the replay ends normally. @default false
   */
  readonly strict?: boolean;
  /**
   * The most bytes a compressed capture may decompress to: past it the replay ends with
   * an error naming it (a gzip bomb). @default 16 GiB
   */
  readonly maxInflatedBytes?: number;
  /** Receives each problem found in the capture (also reported through `sink.decodeError`, a cut tail only when `strict`). */
  readonly onIssue?: (issue: CaptureIssue) => void;
}

/** Validated options (see {@link ReplayOptionsInput} for each one). */
export interface ReplayOptions {
  /** Capture file, or `undefined` with a stream. */
  readonly file: string | undefined;
  /** Capture bytes, or `undefined` with a file. */
  readonly stream: ReadableStream<Uint8Array> | undefined;
  /** Name in messages: the file, or the given name of the stream. */
  readonly name: string;
  /** Speed factor, or `"max"`. */
  readonly speed: number | "max";
  /** Epoch ms, or `undefined`. */
  readonly from: number | undefined;
  /** Epoch ms, or `undefined`. */
  readonly to: number | undefined;
  /** Upper-cased, or `undefined` for every symbol. */
  readonly symbols: ReadonlySet<string> | undefined;
  /** Start again at the end of the file. */
  readonly loop: boolean;
  /** After a damaged record or invalid line. */
  readonly onCorrupt: OnCorrupt;
  /** A cut tail is an error. */
  readonly strict: boolean;
  /** Most bytes a compressed capture may decompress to, or `undefined` for the default. */
  readonly maxInflatedBytes: number | undefined;
  /** Problem callback, if any. */
  readonly onIssue: ((issue: CaptureIssue) => void) | undefined;
}

const show = (x: unknown): string => {
  if (typeof x === "string") return JSON.stringify(x);
  if (x instanceof Date) return `Date(${String(x.getTime())})`;
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
};

const expected = (what: string) => (issue: v.BaseIssue<unknown>): string =>
  `expected ${what}, got ${show(issue.input)}`;

/**
 * Turns a time option into epoch ms.
 * @param t Epoch ms, ISO string or Date.
 * @returns Epoch ms, or NaN when it is not a time.
 */
export function toEpochMs(t: TimeInput): number {
  if (t instanceof Date) return t.getTime();
  if (typeof t === "number") return Number.isFinite(t) ? t : NaN;
  if (typeof t !== "string" || t.trim() === "") return NaN;
  const s = t.trim();
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : Date.parse(s);
}

const time = v.pipe(
  v.union([v.number(), v.string(), v.date()], expected("epoch ms, an ISO time or a Date")),
  v.check(
    (t) => !Number.isNaN(toEpochMs(t as TimeInput)),
    expected("epoch ms, an ISO time or a Date"),
  ),
);

/** What a capture can be given as, besides a file path. */
export type CaptureBytes = ReadableStream<Uint8Array> | Response | Blob | Uint8Array;

function isCaptureBytes(x: unknown): boolean {
  return x instanceof ReadableStream || x instanceof Uint8Array ||
    (typeof Response === "function" && x instanceof Response) ||
    (typeof Blob === "function" && x instanceof Blob);
}

function toStream(x: CaptureBytes): ReadableStream<Uint8Array> {
  if (x instanceof ReadableStream) return x;
  if (x instanceof Uint8Array) {
    return new ReadableStream({
      start(controller): void {
        controller.enqueue(x);
        controller.close();
      },
    });
  }
  if (x instanceof Blob) return x.stream();
  if (x.body === null) {
    throw new ConfigError("[replay] invalid options", [{
      key: "stream",
      message: "the Response has no body",
    }]);
  }
  return x.body;
}

const Entries = v.strictObject(
  {
    file: v.optional(
      v.pipe(v.string(expected("a file path")), v.minLength(1, expected("a file path"))),
    ),
    stream: v.optional(
      v.custom<CaptureBytes>(
        isCaptureBytes,
        expected("a ReadableStream, a Response, a Blob or a Uint8Array"),
      ),
    ),
    name: v.optional(v.string(expected("a name"))),
    speed: v.optional(
      v.union(
        [v.literal("max"), v.pipe(v.number(), v.finite(), v.minValue(Number.MIN_VALUE))],
        expected('a positive number or "max"'),
      ),
    ),
    from: v.optional(time),
    to: v.optional(time),
    symbols: v.optional(
      v.array(v.pipe(v.string(), v.trim(), v.minLength(1)), expected("an array of symbols")),
    ),
    loop: v.optional(v.boolean(expected("true or false"))),
    onCorrupt: v.optional(v.picklist(["stop", "skip"], expected('"stop" or "skip"'))),
    strict: v.optional(v.boolean(expected("true or false"))),
    maxInflatedBytes: v.optional(
      v.pipe(
        v.number(expected("a positive number of bytes")),
        v.finite(expected("a positive number of bytes")),
        v.minValue(1, expected("a positive number of bytes")),
      ),
    ),
    onIssue: v.optional(v.function(expected("a function"))),
  },
  (issue) => (issue.path?.length ? "unknown option" : expected("an options object")(issue)),
);

/** Every option key of the replay connector. */
export const REPLAY_OPTION_KEYS: readonly string[] = Object.keys(Entries.entries);

const Schema = v.pipe(
  Entries,
  v.forward(
    v.check(
      (o) => (o.file === undefined) !== (o.stream === undefined),
      "give exactly one of file or stream",
    ),
    ["file"],
  ),
  v.forward(
    v.check(
      (o) => !(o.loop === true && o.stream !== undefined),
      "loop needs a file: a stream cannot be read twice",
    ),
    ["loop"],
  ),
  v.forward(
    v.check(
      (o) => o.from === undefined || o.to === undefined || toEpochMs(o.from) <= toEpochMs(o.to),
      "from must not be after to",
    ),
    ["to"],
  ),
);

/**
 * Validates replay options and fills in the defaults.
 *
 * @param input Options given in code or built from the environment.
 * @returns The validated {@link ReplayOptions}.
 * @throws ConfigError listing every problem, by option key.
 * @example
 * ```ts
 * import { parseReplayOptions } from "@tickwire/tickwire/connectors/replay";
 * const o = parseReplayOptions({ file: "s.twr", speed: "max", symbols: ["ptt"] });
 * console.log(o.speed, [...o.symbols!]); // "max" ["PTT"]
 * ```
 */
export function parseReplayOptions(input: unknown): ReplayOptions {
  const o = parseOptions(Schema, input ?? {}, "replay");
  return {
    file: o.file,
    stream: o.stream === undefined ? undefined : toStream(o.stream),
    name: o.name ?? o.file ?? "stream",
    speed: o.speed ?? 1,
    from: o.from === undefined ? undefined : toEpochMs(o.from as TimeInput),
    to: o.to === undefined ? undefined : toEpochMs(o.to as TimeInput),
    symbols: o.symbols === undefined ? undefined : new Set(o.symbols.map((s) => s.toUpperCase())),
    loop: o.loop ?? false,
    onCorrupt: o.onCorrupt ?? "stop",
    strict: o.strict ?? false,
    maxInflatedBytes: o.maxInflatedBytes,
    onIssue: o.onIssue as ((issue: CaptureIssue) => void) | undefined,
  };
}

function list(raw: string): string[] {
  return raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * Reads a speed as `REPLAY_SPEED` and `tickwire replay --speed` give it.
 * @param raw `max` (any case) or a positive number.
 * @returns The speed.
 * @throws TypeError naming what is expected.
 */
export function parseSpeed(raw: string): number | "max" {
  const s = raw.trim().toLowerCase();
  if (s === "max") return "max";
  const n = /^\d*\.?\d+([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
  if (!(n > 0) || !Number.isFinite(n)) throw new TypeError('expected a positive number or "max"');
  return n;
}

function parseTime(raw: string): number {
  const t = toEpochMs(raw);
  if (Number.isNaN(t)) throw new TypeError("expected epoch ms or an ISO time");
  return t;
}

function parseBool(raw: string): boolean {
  const s = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(s)) return true;
  if (["0", "false", "no", "off"].includes(s)) return false;
  throw new TypeError("expected true or false");
}

/**
 * Reads an `onCorrupt` policy as `REPLAY_ON_CORRUPT` and `tickwire replay --on-corrupt` give it.
 * @param raw `stop` or `skip` (any case).
 * @returns The policy.
 * @throws TypeError naming what is expected.
 */
export function parseOnCorrupt(raw: string): OnCorrupt {
  const s = raw.trim().toLowerCase();
  if (s !== "stop" && s !== "skip") throw new TypeError('expected "stop" or "skip"');
  return s;
}

/** The variables `createFeedFromEnv` reads for the replay connector. */
export const REPLAY_ENV: readonly EnvVarSpec[] = [
  {
    name: "REPLAY_FILE",
    option: "file",
    description: "Capture file to replay (.twr, .ndjson, optionally .gz)",
  },
  {
    name: "REPLAY_SPEED",
    option: "speed",
    description: 'Speed: 1 = recorded pace (default), N = N times faster, "max"',
    parse: parseSpeed,
  },
  {
    name: "REPLAY_FROM",
    option: "from",
    description: "Start of the time window: epoch ms or ISO time",
    parse: parseTime,
  },
  {
    name: "REPLAY_TO",
    option: "to",
    description: "End of the time window: epoch ms or ISO time",
    parse: parseTime,
  },
  {
    name: "REPLAY_SYMBOLS",
    option: "symbols",
    description:
      "Replay only these symbols, comma-separated (through a feed: subscribed on TICKWIRE_CHANNELS, default quote)",
    parse: list,
  },
  {
    name: "REPLAY_LOOP",
    option: "loop",
    description: "Start again at the end of the file (default false)",
    parse: parseBool,
  },
  {
    name: "REPLAY_ON_CORRUPT",
    option: "onCorrupt",
    description: 'After a damaged record: "stop" (default) or "skip"',
    parse: parseOnCorrupt,
  },
  {
    name: "REPLAY_STRICT",
    option: "strict",
    description:
      "A capture cut short (ends inside a record) is an error (default false: a warning)",
    parse: parseBool,
  },
];
