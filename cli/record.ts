/**
 * `tickwire record`: records a source to a raw capture (and optionally NDJSON),
 * with a progress line on a terminal; stops after `--duration`, at the end of the
 * source, or on SIGINT/SIGTERM, closing the files cleanly.
 *
 * @module
 */

import { type Logger, startFeed } from "../mod.ts";
import {
  createRecorder,
  FSYNC_POLICIES,
  type FsyncPolicy,
  type Recorder,
} from "../connectors/replay/mod.ts";
import { numberFlag, type ParsedArgs, SOURCE_FLAGS, UsageError } from "./args.ts";
import { type CommandSpec, resolveSourceConfig } from "./command.ts";
import { type CliIo, host, onInterrupt } from "./_runtime.ts";

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

/** Whether an error says that a file exists already (Node, Bun and Deno word it differently). */
function isExistsError(e: unknown): boolean {
  const err = e as { code?: unknown; name?: unknown; message?: unknown };
  return err?.code === "EEXIST" || err?.name === "AlreadyExists" ||
    /\bEEXIST\b|already exists/i.test(String(err?.message ?? ""));
}

/**
 * Opens the recorder; a file that exists already is one usage error naming the
 * flag that overwrites it (the recorder's own log line about it is not written:
 * the CLI reports write failures itself, once).
 */
async function openRecorder(
  options: Parameters<typeof createRecorder>[0] & { out: string },
  logger: Logger,
): Promise<Recorder> {
  try {
    return await createRecorder({ ...options, logger: { ...logger, error: () => {} } });
  } catch (e) {
    if (!isExistsError(e)) throw e;
    const which =
      options.events !== undefined && !String((e as Error).message).includes(options.out)
        ? options.events
        : options.out;
    throw new UsageError(`${JSON.stringify(which)} exists already; add --force to overwrite it`);
  }
}

/**
 * Runs the command.
 * @param args Parsed arguments.
 * @param io Streams and environment.
 * @returns The exit code.
 */
async function run({ flags, positionals }: ParsedArgs, io: CliIo): Promise<number> {
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
  const noRotate = typeof flags["rotate-mb"] === "string" && Number(flags["rotate-mb"]) === 0 &&
    flags["rotate-mb"].trim() !== "";
  const rotateMb = noRotate ? 0 : numberFlag(flags, "rotate-mb");
  const rotateMinutes = numberFlag(flags, "rotate-minutes");
  const fsync = flags.fsync ?? "interval";
  if (!(FSYNC_POLICIES as readonly unknown[]).includes(fsync)) {
    throw new UsageError(
      `--fsync must be one of ${FSYNC_POLICIES.join(", ")}, got ${JSON.stringify(fsync)}`,
    );
  }
  const { config, logger } = await resolveSourceConfig(io, flags, { buffer: false });
  const recorder = await openRecorder({
    out,
    ...(events === undefined ? {} : { events }),
    overwrite: flags.force === true,
    ...(rotateMb === undefined
      ? {}
      : { rotateBytes: rotateMb === 0 ? false : Math.round(rotateMb * 1024 * 1024) }),
    ...(rotateMinutes === undefined ? {} : { rotateMs: rotateMinutes * 60_000 }),
    fsync: fsync as FsyncPolicy,
    rotateDaily: flags["rotate-daily"] === true,
    meta: {
      recordedBy: "tickwire record",
      ...(config.core.symbols === undefined ? {} : { symbols: config.core.symbols }),
      channels: config.core.channels ?? ["quote"],
    },
  }, logger);
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
  // The handlers stay until the capture is closed: a second signal while closing must
  // not kill the process before the close record is written; a third aborts.
  let signals = 0;
  const removeInterrupt = onInterrupt((signal) => {
    signals++;
    if (signals === 1) {
      void io.err.write(
        `${tty ? "\r\x1b[K" : ""}tickwire: ${signal}: stopping, closing the capture\n`,
      );
      stop(signal);
    } else if (signals === 2) {
      void io.err.write(
        `tickwire: ${signal}: still closing the capture; a third signal aborts without its close record\n`,
      );
    } else {
      void io.err.write(
        `tickwire: ${signal}: aborted; ${JSON.stringify(out)} has no close record ` +
          `(it replays up to where it was cut)\n`,
      );
      const code = signal === "SIGINT" ? 130 : 143;
      void io.err.flush().finally(() => (io.exit ?? ((c: number) => host().exit(c)))(code));
    }
  });
  const timer = duration === undefined
    ? undefined
    : setTimeout(() => stop("duration"), duration * 1000);
  const tty = io.err.isTTY;
  const ticker = tty
    ? setInterval(() => void io.err.write(`\r\x1b[K${progress(false)}`), 250)
    : flags.progress === true
    ? setInterval(() => void io.err.write(`${progress(false)}\n`), 1_000)
    : undefined;
  let info;
  try {
    info = await feed.closed();
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (ticker !== undefined) clearInterval(ticker);
    await recorder.close(
      feed.health().lastError === undefined ? "closed" : "source ended with an error",
    );
    removeInterrupt();
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

/** `tickwire record`. */
export const RECORD_COMMAND: CommandSpec = {
  usage: "record --out FILE [options]",
  description: `Records a source: its raw wire payloads and lifecycle (or, for a source without
a wire format, its normalized events) to a raw capture, and optionally every
normalized event to NDJSON. Stops after --duration, when the source ends, or
on Ctrl-C / SIGTERM, closing the files cleanly. Replay with
"tickwire replay FILE".`,
  flags: {
    out: { type: "string", value: "FILE", help: "raw capture to write (.twr; .twr.gz compresses)" },
    events: {
      type: "string",
      value: "FILE",
      help: "also write normalized events as NDJSON (.ndjson[.gz])",
    },
    ...SOURCE_FLAGS,
    duration: { type: "string", value: "S", help: "stop after S seconds" },
    force: { type: "boolean", help: "overwrite files that exist" },
    "rotate-mb": {
      type: "string",
      value: "N",
      help: "start a new file part every N MiB (uncompressed; default 25, 0 = never)",
    },
    "rotate-minutes": {
      type: "string",
      value: "N",
      help: "start a new file part every N minutes (of receive time)",
    },
    fsync: {
      type: "string",
      value: "WHEN",
      help: "none | interval (default: at most once a second) | every-flush",
    },
    "rotate-daily": { type: "boolean", help: "start a new file part every day (UTC)" },
    progress: {
      type: "boolean",
      help: "print the progress line every second even when stderr is not a terminal",
    },
  },
  notes: `Connector settings come from the environment (see the README).

Example:
  tickwire record --source synthetic --duration 5 --out s.twr --events s.ndjson`,
  run,
};
