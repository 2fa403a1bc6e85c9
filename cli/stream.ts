/**
 * `tickwire stream`: a live table on a terminal, NDJSON otherwise.
 *
 * @module
 */

import { type FeedOptions, resolveEnvConfig, startFeed } from "../mod.ts";
import { intFlag, numberFlag, parseArgs, SOURCE_FLAGS, sourceOverrides } from "./args.ts";
import { type CliIo, defaultIo } from "./_runtime.ts";
import { formatFlag, printUntilDone } from "./_print.ts";

/** Help text of the command. */
export const STREAM_HELP: string = `tickwire stream [options]

Streams normalized events from a source: a live top-of-book table on a terminal,
NDJSON (one event per line) otherwise.

Options:
  --source NAME        connector (default: DATA_SOURCE, else synthetic)
  --symbols A,B        symbols (default: the source's defaults / TICKWIRE_SYMBOLS)
  --channels C,D       quote, book, trade, bar, info, market (default: quote)
  --format F           table | ndjson (default: table on a terminal, else ndjson)
  --limit N            stop after N market events
  --duration S         stop after S seconds
  --status             include lifecycle status events in NDJSON output
  --seed N             synthetic: seed
  --rate R             synthetic: events per second per symbol, or "max"
  --help               this text

Connector settings come from the environment (see README: DATA_SOURCE table).`;

const FLAGS = {
  ...SOURCE_FLAGS,
  format: "string",
  limit: "string",
  duration: "string",
  status: "boolean",
  help: "boolean",
} as const;

/**
 * Runs the command.
 * @param argv Arguments after `stream`.
 * @param io Streams and environment. @default the host process
 * @returns The exit code.
 */
export async function stream(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS);
  const out = io.out;
  if (flags.help === true) {
    await out.write(`${STREAM_HELP}\n`);
    return 0;
  }
  const format = formatFlag(flags.format, out);
  const limit = intFlag(flags, "limit");
  const duration = numberFlag(flags, "duration");
  const overrides: Record<string, unknown> = { ...sourceOverrides(flags) };

  const config = await resolveEnvConfig(io.env, overrides as Partial<FeedOptions>);
  const info = await printUntilDone(
    await startFeed(config),
    out,
    { format, withStatus: flags.status === true, ...(limit === undefined ? {} : { limit }) },
    duration === undefined ? undefined : duration * 1000,
  );
  return info.error === undefined ? 0 : 1;
}
