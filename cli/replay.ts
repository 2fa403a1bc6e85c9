/**
 * `tickwire replay`: plays a capture back as normalized events, paced as recorded
 * (or faster), as a table on a terminal or NDJSON otherwise. Problems found in the
 * capture are printed on stderr, and the exit code is 1 when there were any.
 *
 * @module
 */

import { type Channel, type FeedOptions, resolveEnvConfig, startFeed } from "../mod.ts";
import { intFlag, listFlag, parseArgs, type ParsedArgs, UsageError } from "./args.ts";
import { type CaptureIssue, parseOnCorrupt, parseSpeed } from "../connectors/replay/mod.ts";
import { type CliIo, defaultIo } from "./_runtime.ts";
import { formatFlag, printUntilDone } from "./_print.ts";

/** Help text of the command. */
export const REPLAY_HELP: string = `tickwire replay FILE [options]

Replays a capture (raw .twr or NDJSON, optionally .gz) as normalized events:
a live top-of-book table on a terminal, NDJSON (one event per line) otherwise.
Raw payloads are decoded again with the live decoder. Replayed events have
source "replay" and their recorded source in "origin".

Options:
  --speed S            1 = recorded pace (default), N = N times faster, max = as fast as possible
  --format F           table | ndjson (default: table on a terminal, else ndjson)
  --from T             skip records received before T (epoch ms or ISO time)
  --to T               stop at the first record received after T
  --symbols A,B        replay only these symbols (every channel unless --channels)
  --channels C,D       replay only these channels
  --loop               start again at the end of the file
  --on-corrupt P       stop (default) or skip, after a damaged record
  --status             include lifecycle status events in NDJSON output
  --limit N            stop after N market events
  --help               this text`;

const FLAGS = {
  speed: "string",
  format: "string",
  from: "string",
  to: "string",
  symbols: "string",
  channels: "string",
  loop: "boolean",
  "on-corrupt": "string",
  status: "boolean",
  limit: "string",
  help: "boolean",
} as const;

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
    throw new UsageError(`--${name}: ${(e as Error).message}, got ${JSON.stringify(raw)}`);
  }
}

/**
 * Runs the command.
 * @param argv Arguments after `replay`.
 * @param io Streams and environment. @default the host process
 * @returns The exit code.
 */
export async function replay(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS);
  const out = io.out;
  if (flags.help === true) {
    await out.write(`${REPLAY_HELP}\n`);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected one capture file, got ${positionals.length}`);
  }
  const file = positionals[0] ?? io.env.REPLAY_FILE;
  if (file === undefined || file === "") {
    throw new UsageError("name the capture to replay: tickwire replay FILE");
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
      issues.push(issue);
      void io.err.write(`tickwire: ${issue.message}\n`);
    },
  };
  if (speed !== undefined) overrides.speed = speed;
  if (typeof flags.from === "string") overrides.from = flags.from;
  if (typeof flags.to === "string") overrides.to = flags.to;
  if (flags.loop === true) overrides.loop = true;
  if (onCorrupt !== undefined) overrides.onCorrupt = onCorrupt;
  const symbols = listFlag(flags, "symbols");
  const channels = listFlag(flags, "channels");
  if (symbols !== undefined) overrides.symbols = symbols;
  else if (channels !== undefined) {
    throw new UsageError("--channels needs --symbols (the pairs to replay)");
  }
  if (channels !== undefined) overrides.channels = channels as Channel[];

  const config = await resolveEnvConfig(io.env, overrides as Partial<FeedOptions>);
  const info = await printUntilDone(await startFeed(config), out, {
    format,
    withStatus: flags.status === true,
    ...(limit === undefined ? {} : { limit }),
  });
  return info.error === undefined && issues.length === 0 ? 0 : 1;
}
