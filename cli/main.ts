/**
 * The `tickwire` command line. The executable entry is `bin.ts`.
 *
 * Exit codes: 0 done (also when the reader of the output went away, as with
 * `| head`), 1 runtime failure, 2 bad usage or configuration.
 *
 * @module
 */

import { isConfigError } from "../mod.ts";
import { UsageError } from "./args.ts";
import { type CommandSpec, runCommand } from "./command.ts";
import { type CliIo, defaultIo } from "./_runtime.ts";
import { VERSION } from "./_version.ts";

/**
 * A command written as a function of its raw arguments. It handles its own
 * `--help`; the CLI passes `-h` on as `--help` and answers `--version` itself.
 */
export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** One line of the command table: a summary for `tickwire --help`, and the command, loaded on use. */
export interface CommandEntry {
  /** One line: what the command does. */
  readonly summary: string;
  /** Loads the command (a spec, or a function of its raw arguments). */
  readonly load: () => Promise<CommandSpec | Command>;
}

/**
 * The commands, each loaded on use so that one command never loads another's
 * dependencies (the Settrade decoders, the emulator's servers).
 */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  stream: {
    summary: "stream normalized events (a live table on a terminal, NDJSON otherwise)",
    load: async () => (await import("./stream.ts")).STREAM_COMMAND,
  },
  publish: {
    summary: "publish normalized events to NATS JetStream (tickwire.<source>.<type>.<SYMBOL>)",
    load: async () => (await import("./publish.ts")).PUBLISH_COMMAND,
  },
  record: {
    summary: "record a source to a capture file (raw .twr, optionally NDJSON)",
    load: async () => (await import("./record.ts")).RECORD_COMMAND,
  },
  replay: {
    summary: "replay a capture as normalized events, at recorded pace or faster",
    load: async () => (await import("./replay.ts")).REPLAY_COMMAND,
  },
  inspect: {
    summary: "print a capture's header, counts, time span, symbols and damage",
    load: async () => (await import("./inspect.ts")).INSPECT_COMMAND,
  },
  decode: {
    summary: "decode captured Settrade payloads (hex) into JSON lines",
    load: async () => (await import("./decode.ts")).DECODE_COMMAND,
  },
  emulate: {
    summary: "run a local Settrade emulator and hand its settings to other shells",
    load: async () => (await import("./emulate.ts")).EMULATE_COMMAND,
  },
  serve: {
    summary: "serve a source over HTTP and WebSocket: health, metrics, latest, live page",
    load: async () => (await import("./serve.ts")).SERVE_COMMAND,
  },
  check: {
    summary: "check a Settrade setup is ready: login, stream, first events",
    load: async () => (await import("./check.ts")).CHECK_COMMAND,
  },
};

/** The version line: `tickwire 0.1.0`. */
export const VERSION_LINE: string = `tickwire ${VERSION}`;

/**
 * The program's help text.
 * @returns Usage, the commands with their summaries, and where to read more.
 */
export function programHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = names.map((n) => `  ${n.padEnd(width)}${COMMANDS[n]!.summary}`);
  return `Usage: tickwire <command> [options]

Normalized, bounded, health-monitored market data: Settrade, a seeded synthetic
market, and recorded sessions.

Commands:
${lines.join("\n")}

Options:
  -h, --help      show this help; "tickwire help <command>" or
                  "tickwire <command> --help" shows a command's
  --version       print the version

Environment: DATA_SOURCE picks the source; TICKWIRE_LOG_LEVEL (debug, info,
warn, error, silent) and TICKWIRE_LOG_FORMAT (text, json) set the logs, which
go to stderr only. Exit codes: 0 done, 1 runtime failure, 2 bad usage.
`;
}

/** Runs one command, loaded by name. */
async function runEntry(name: string, argv: readonly string[], io: CliIo): Promise<number> {
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    throw new UsageError(
      `unknown command ${JSON.stringify(name)}; commands: ${
        Object.keys(COMMANDS).join(", ")
      } (tickwire --help)`,
    );
  }
  const command = await entry.load();
  if (typeof command !== "function") return await runCommand(command, argv, io, VERSION_LINE);
  const end = argv.indexOf("--");
  const before = end < 0 ? argv : argv.slice(0, end);
  if (before.includes("--version") && !before.includes("--help") && !before.includes("-h")) {
    await io.out.write(`${VERSION_LINE}\n`);
    return 0;
  }
  return await command(argv.map((a, i) => (a === "-h" && (end < 0 || i < end) ? "--help" : a)), io);
}

/**
 * Runs the CLI.
 * @param argv Arguments after the program name.
 * @param io Streams and environment. @default the host process
 * @returns The exit code.
 */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      await io.err.write(programHelp());
      return 2;
    }
    if (first === "-h" || first === "--help") {
      await io.out.write(programHelp());
      return 0;
    }
    if (first === "--version" || first === "version") {
      await io.out.write(`${VERSION_LINE}\n`);
      return 0;
    }
    if (first === "help") {
      if (rest.length === 0) {
        await io.out.write(programHelp());
        return 0;
      }
      return await runEntry(rest[0]!, ["--help"], io);
    }
    if (first.startsWith("-")) {
      throw new UsageError(
        `unknown option ${first}; a command comes first: tickwire <command> [options] (tickwire --help)`,
      );
    }
    return await runEntry(first, rest, io);
  } catch (e) {
    if (e instanceof UsageError || isConfigError(e)) {
      await io.err.write(`tickwire: ${e.message}\n`);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    await io.err.write(`tickwire: ${err.name === "Error" ? "" : `${err.name}: `}${err.message}\n`);
    return 1;
  }
}
