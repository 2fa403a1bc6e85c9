/**
 * The `tickwire` command line. The executable entry is `bin.ts`.
 *
 * Exit codes: 0 done, 1 runtime failure, 2 bad usage or configuration.
 *
 * @module
 */

import { isConfigError } from "../mod.ts";
import { UsageError } from "./args.ts";
import { type CliIo, defaultIo } from "./_runtime.ts";
import { emulate } from "./emulate.ts";
import { stream } from "./stream.ts";

const HELP = `tickwire <command> [options]

Commands:
  stream     stream normalized events (table on a terminal, NDJSON otherwise)
  decode     decode captured Settrade payloads (hex) into JSON lines
  emulate    run a local Settrade emulator and print the environment to use it
  record     record a source to a capture file (raw .twr, optionally NDJSON)
  replay     replay a capture as normalized events, at recorded pace or faster
  inspect    print a capture's header, counts, time span, symbols and damage
  serve      serve a source over HTTP and WebSocket: health, metrics, latest, live page
  check      check a Settrade setup is ready: login, stream, first events

Run "tickwire <command> --help" for a command's options.`;

/** A command: arguments after its name, and where to read and write. */
export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  stream,
  emulate,
  // Loaded on use: only this command needs the Settrade decoders.
  decode: async (argv, io) => (await import("./decode.ts")).decode(argv, io),
  record: async (argv, io) => (await import("./record.ts")).record(argv, io),
  replay: async (argv, io) => (await import("./replay.ts")).replay(argv, io),
  inspect: async (argv, io) => (await import("./inspect.ts")).inspect(argv, io),
  serve: async (argv, io) => (await import("./serve.ts")).serve(argv, io),
  check: async (argv, io) => (await import("./check.ts")).check(argv, io),
};

/**
 * Runs the CLI.
 * @param argv Arguments after the program name.
 * @param io Streams and environment. @default the host process
 * @returns The exit code.
 */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "help") {
    await (command === undefined ? io.err : io.out).write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  try {
    if (run === undefined) {
      throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${HELP}`);
    }
    return await run(rest, io);
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
