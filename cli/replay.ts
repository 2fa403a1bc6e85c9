/**
 * `tickwire replay`: plays a capture back as normalized events, paced as recorded
 * (or faster), as a table on a terminal or NDJSON otherwise. Problems found in the
 * capture are printed on stderr, and the exit code is 1 when there were any.
 *
 * @module
 */

import { type Channel, startFeed } from "../mod.ts";
import { type CaptureIssue, parseOnCorrupt, parseSpeed } from "../connectors/replay/mod.ts";
import { intFlag, listFlag, numberFlag, type ParsedArgs, UsageError } from "./args.ts";
import { type CommandSpec, resolveCommandConfig } from "./command.ts";
import type { CliIo } from "./_runtime.ts";
import { FORMAT_FLAG, formatFlag, printUntilDone } from "./_print.ts";

/** A flag read with the replay connector's own parser (`REPLAY_*` reads the same). */
function replayFlag<T>(
  flags: ParsedArgs["flags"],
  name: string,
  parse: (raw: string) => T,
): T | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  try {
    if (typeof raw !== "string") throw new TypeError("expected a value");
    return parse(raw);
  } catch (e) {
    throw new UsageError(`--${name} ${(e as Error).message}, got ${JSON.stringify(raw)}`);
  }
}

/** Which flag set each replay option, so a configuration error names the flag. */
const FLAG_OF: Readonly<Record<string, string>> = {
  from: "--from",
  to: "--to",
  symbols: "--symbols",
  channels: "--channels",
  speed: "--speed",
  onCorrupt: "--on-corrupt",
};

/**
 * Runs the command.
 * @param args Parsed arguments.
 * @param io Streams and environment.
 * @returns The exit code.
 */
async function run({ flags, positionals }: ParsedArgs, io: CliIo): Promise<number> {
  const out = io.out;
  if (positionals.length > 1) {
    throw new UsageError(`expected one capture file, got ${positionals.length}`);
  }
  const file = positionals[0] ?? io.env.REPLAY_FILE;
  if (file === undefined || file === "") {
    throw new UsageError("name the capture to replay: tickwire replay FILE (or set REPLAY_FILE)");
  }
  const format = formatFlag(flags.format, out);
  const onCorrupt = replayFlag(flags, "on-corrupt", parseOnCorrupt);
  const limit = intFlag(flags, "limit");
  const speed = replayFlag(flags, "speed", parseSpeed);
  const issues: CaptureIssue[] = [];
  const overrides: Record<string, unknown> = {
    source: "replay",
    file,
    onIssue: (issue: CaptureIssue) => {
      // A cut tail is one warning from the connector, unless --strict.
      if (flags.strict !== true && issue.tail && issue.code === "truncated") return;
      issues.push(issue);
      void io.err.write(`tickwire: ${issue.message}\n`);
    },
  };
  if (flags.strict === true) overrides.strict = true;
  const maxInflatedMb = numberFlag(flags, "max-inflated-mb");
  if (maxInflatedMb !== undefined) overrides.maxInflatedBytes = maxInflatedMb * 1_048_576;
  if (speed !== undefined) overrides.speed = speed;
  if (typeof flags.from === "string") overrides.from = flags.from;
  if (typeof flags.to === "string") overrides.to = flags.to;
  if (flags.loop === true) overrides.loop = true;
  if (onCorrupt !== undefined) overrides.onCorrupt = onCorrupt;
  const symbols = listFlag(flags, "symbols", "PTT,AOT");
  const channels = listFlag(flags, "channels", "quote,book");
  if (symbols !== undefined) overrides.symbols = symbols;
  else if (channels !== undefined) {
    throw new UsageError("--channels needs --symbols (the pairs to replay)");
  }
  if (channels !== undefined) overrides.channels = channels as Channel[];

  const { config } = await resolveCommandConfig(io, overrides, FLAG_OF);
  const info = await printUntilDone(await startFeed(config), out, {
    format,
    withStatus: flags.status === true,
    ...(limit === undefined ? {} : { limit }),
  });
  return info.error === undefined && issues.length === 0 ? 0 : 1;
}

/** `tickwire replay`. */
export const REPLAY_COMMAND: CommandSpec = {
  usage: "replay FILE [options]",
  description: `Replays a capture (raw .twr or NDJSON, optionally .gz) as normalized events:
a live top-of-book table on a terminal, NDJSON (one event per line) otherwise.
Raw payloads are decoded again with the live decoder. Replayed events have
source "replay" and their recorded source in "origin". Problems found in the
capture go to stderr, and the exit code is then 1; a capture cut short (by a
crash while recording) replays every complete record with one warning naming
the byte offset of the cut, exit code 0 (1 with --strict).`,
  flags: {
    speed: {
      type: "string",
      value: "S",
      help: "1 = recorded pace (default), N = N times faster, max = as fast as read",
    },
    format: FORMAT_FLAG,
    from: {
      type: "string",
      value: "T",
      help: "skip records received before T (epoch ms or ISO time)",
    },
    to: { type: "string", value: "T", help: "stop at the first record received after T" },
    symbols: {
      type: "string",
      value: "A,B",
      help: "replay only these symbols (every channel unless --channels)",
    },
    channels: { type: "string", value: "C,D", help: "replay only these channels (with --symbols)" },
    loop: { type: "boolean", help: "start again at the end of the file" },
    "max-inflated-mb": {
      type: "string",
      value: "N",
      help: "stop a compressed capture that decompresses to more than N MiB (default 16384)",
    },
    strict: {
      type: "boolean",
      help: "a capture cut short is an error (default: every complete record, one warning)",
    },
    "on-corrupt": {
      type: "string",
      value: "P",
      help: "after a damaged record: stop (default) or skip",
    },
    status: { type: "boolean", help: "include lifecycle status events in NDJSON output" },
    limit: { type: "string", value: "N", help: "stop after N market events" },
  },
  notes: `Without FILE, REPLAY_FILE names the capture; REPLAY_* set the other options.

Example:
  tickwire replay session.twr --speed max --format ndjson | head`,
  run,
};
