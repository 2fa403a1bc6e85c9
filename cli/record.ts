/**
 * `tickwire record`: records a source to a raw capture (and optionally NDJSON),
 * with a progress line on a terminal; stops after `--duration`, at the end of the
 * source, or on SIGINT/SIGTERM, closing the files cleanly.
 *
 * @module
 */

import { type FeedOptions, resolveEnvConfig, startFeed } from "../mod.ts";
import { createRecorder } from "../connectors/replay/mod.ts";
import { numberFlag, parseArgs, SOURCE_FLAGS, sourceOverrides, UsageError } from "./args.ts";
import { type CliIo, defaultIo, onInterrupt } from "./_runtime.ts";

/** Help text of the command. */
export const RECORD_HELP: string = `tickwire record --out FILE [options]

Records a source: its raw wire payloads and lifecycle (or, for a source without a
wire format, its normalized events) to a raw capture, and optionally every
normalized event to NDJSON. Stops after --duration, when the source ends, or on
Ctrl-C / SIGTERM, closing the files cleanly. Replay with "tickwire replay FILE".

Options:
  --out FILE           raw capture to write (.twr; .twr.gz compresses)
  --events FILE        also write normalized events as NDJSON (.ndjson[.gz])
  --source NAME        connector (default: DATA_SOURCE, else synthetic)
  --symbols A,B        symbols (default: the source's defaults / TICKWIRE_SYMBOLS)
  --channels C,D       quote, book, trade, bar, info, market (default: quote)
  --duration S         stop after S seconds
  --force              overwrite existing files
  --rotate-mb N        start a new file part every N MB (uncompressed)
  --rotate-daily       start a new file part every day (UTC)
  --seed N             synthetic: seed
  --rate R             synthetic: events per second per symbol, or "max"
  --help               this text

Connector settings come from the environment (see README: DATA_SOURCE table).`;

const FLAGS = {
  out: "string",
  events: "string",
  ...SOURCE_FLAGS,
  duration: "string",
  force: "boolean",
  "rotate-mb": "string",
  "rotate-daily": "boolean",
  help: "boolean",
} as const;

/**
 * Formats a byte count.
 * @param n Bytes. @returns Like `"1.2 MB"`.
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function clockTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const mm = String(Math.floor(s / 60) % 60).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Runs the command.
 * @param argv Arguments after `record`.
 * @param io Streams and environment. @default the host process
 * @returns The exit code.
 */
export async function record(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS);
  if (flags.help === true) {
    await io.out.write(`${RECORD_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}; use --out FILE`);
  }
  const out = flags.out;
  if (typeof out !== "string" || out === "") {
    throw new UsageError("--out FILE is required (e.g. --out capture.twr)");
  }
  const events = typeof flags.events === "string" ? flags.events : undefined;
  if (events === out) throw new UsageError("--events must name a different file than --out");
  const duration = numberFlag(flags, "duration");
  const rotateMb = numberFlag(flags, "rotate-mb");
  const overrides: Record<string, unknown> = { buffer: false, ...sourceOverrides(flags) };

  const config = await resolveEnvConfig(io.env, overrides as Partial<FeedOptions>);
  const recorder = await createRecorder({
    out,
    ...(events === undefined ? {} : { events }),
    overwrite: flags.force === true,
    ...(rotateMb === undefined ? {} : { rotateBytes: Math.round(rotateMb * 1024 * 1024) }),
    rotateDaily: flags["rotate-daily"] === true,
    meta: {
      recordedBy: "tickwire record",
      ...(config.core.symbols === undefined ? {} : { symbols: config.core.symbols }),
      channels: config.core.channels ?? ["quote"],
    },
  });
  const started = performance.now();
  const progress = (final: boolean): string => {
    const s = recorder.stats();
    const elapsed = performance.now() - started;
    const count = s.events + s.payloads;
    const rate = elapsed > 0 ? Math.round(count / (elapsed / 1000)) : 0;
    return `${count.toLocaleString("en-US")} ${s.payloads > 0 ? "payloads+events" : "events"} | ${
      formatBytes(s.bytes)
    } | ${rate.toLocaleString("en-US")}/s | ${clockTime(elapsed)}${final ? "\n" : ""}`;
  };
  const feed = await startFeed({ ...config, definition: recorder.connector(config.definition) })
    .catch(async (e: unknown) => {
      await recorder.close("source failed to start");
      throw e;
    });
  const stop = (reason: string): void => void feed.close(reason);
  const removeInterrupt = onInterrupt(stop);
  const timer = duration === undefined
    ? undefined
    : setTimeout(() => stop("duration"), duration * 1000);
  const tty = io.err.isTTY;
  const ticker = tty
    ? setInterval(() => void io.err.write(`\r\x1b[K${progress(false)}`), 250)
    : undefined;
  let info;
  try {
    info = await feed.closed();
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (ticker !== undefined) clearInterval(ticker);
    removeInterrupt();
    await recorder.close(
      feed.health().lastError === undefined ? "closed" : "source ended with an error",
    );
  }
  const stats = recorder.stats();
  await io.err.write(`${tty ? "\r\x1b[K" : ""}recorded ${progress(true)}`);
  await io.err.write(`files: ${stats.files.join(", ")}\n`);
  if (stats.error !== undefined) {
    await io.err.write(`tickwire: recording failed: ${stats.error}\n`);
    return 1;
  }
  return info.error === undefined ? 0 : 1;
}
