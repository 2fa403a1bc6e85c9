/**
 * `tickwire stream`: a live table on a terminal, NDJSON otherwise.
 *
 * @module
 */

import { startFeed } from "../mod.ts";
import { intFlag, numberFlag, type ParsedArgs, SOURCE_FLAGS } from "./args.ts";
import { type CommandSpec, resolveSourceConfig } from "./command.ts";
import type { CliIo } from "./_runtime.ts";
import { FORMAT_FLAG, formatFlag, printUntilDone } from "./_print.ts";

/**
 * Runs the command.
 * @param args Parsed arguments.
 * @param io Streams and environment.
 * @returns The exit code.
 */
async function run({ flags }: ParsedArgs, io: CliIo): Promise<number> {
  const out = io.out;
  const format = formatFlag(flags.format, out);
  const limit = intFlag(flags, "limit");
  const duration = numberFlag(flags, "duration");
  const { config } = await resolveSourceConfig(io, flags);
  const info = await printUntilDone(
    await startFeed(config),
    out,
    { format, withStatus: flags.status === true, ...(limit === undefined ? {} : { limit }) },
    duration === undefined ? undefined : duration * 1000,
  );
  return info.error === undefined ? 0 : 1;
}

/** `tickwire stream`. */
export const STREAM_COMMAND: CommandSpec = {
  usage: "stream [options]",
  description: `Streams normalized events from a source: a live top-of-book table on a
terminal, NDJSON (one event per line) otherwise. Runs until Ctrl-C, --limit,
--duration, the end of a finite source, or a closed pipe (| head).`,
  flags: {
    ...SOURCE_FLAGS,
    format: FORMAT_FLAG,
    limit: { type: "string", value: "N", help: "stop after N market events" },
    duration: { type: "string", value: "S", help: "stop after S seconds" },
    status: { type: "boolean", help: "include lifecycle status events in NDJSON output" },
  },
  notes: `Connector settings come from the environment: DATA_SOURCE, TICKWIRE_*,
SYNTHETIC_*, SETTRADE_*, REPLAY_* (see the README).

Examples:
  tickwire stream --limit 5 --format ndjson
  tickwire stream --symbols PTT,AOT --channels quote,book`,
  run,
};
