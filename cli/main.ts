/**
 * The `tickwire` command line. The executable entry is `bin.ts`.
 *
 * Exit codes: 0 done, 1 runtime failure, 2 bad usage or configuration.
 *
 * @module
 */

import { isConfigError } from "../src/errors.ts";
import { UsageError } from "./args.ts";
import { host } from "./_runtime.ts";
import { stream } from "./stream.ts";

const HELP = `tickwire <command> [options]

Commands:
  stream     stream normalized events (table on a terminal, NDJSON otherwise)

Run "tickwire <command> --help" for a command's options.`;

const COMMANDS: Readonly<Record<string, (argv: readonly string[]) => Promise<number>>> = {
  stream,
};

/**
 * Runs the CLI.
 * @param argv Arguments after the program name.
 * @returns The exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const p = host();
  if (command === undefined || command === "--help" || command === "help") {
    p.stdout.write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  try {
    if (run === undefined) throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${HELP}`);
    return await run(rest);
  } catch (e) {
    if (e instanceof UsageError || isConfigError(e)) {
      p.stderr.write(`tickwire: ${e.message}\n`);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    p.stderr.write(`tickwire: ${err.name === "Error" ? "" : `${err.name}: `}${err.message}\n`);
    return 1;
  }
}
