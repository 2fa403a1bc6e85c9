/**
 * How a command declares itself: a {@link CommandSpec} (usage line, description,
 * flags with their help lines, notes, and `run`). The CLI parses the arguments
 * against the flags, and answers `-h`, `--help`, `tickwire help <command>` and
 * `--version` for every command from the same spec, so a new command gets them
 * without code of its own.
 *
 * @module
 */

import {
  ConfigError,
  consoleLogger,
  type FeedOptions,
  isConfigError,
  type Logger,
  type ResolvedFeedConfig,
  resolveEnvConfig,
} from "../mod.ts";
import {
  type FlagSpec,
  parseArgs,
  type ParsedArgs,
  SOURCE_FLAG_OF,
  sourceOverrides,
} from "./args.ts";
import type { CliIo } from "./_runtime.ts";

/** A command of the CLI, as `main.ts` runs it. */
export interface CommandSpec {
  /** What follows `tickwire ` in the usage line, e.g. `"replay FILE [options]"`. */
  readonly usage: string;
  /** What the command does, shown under the usage line. */
  readonly description: string;
  /** The command's flags; `-h`/`--help` and `--version` are added for every command. */
  readonly flags: FlagSpec;
  /** Text after the options: examples, environment, exit codes. */
  readonly notes?: string;
  /**
   * Runs the command.
   * @param args Flags and positionals, parsed against `flags`.
   * @param io Streams and environment.
   * @returns The exit code.
   */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** Flags every command has. */
export const COMMON_FLAGS: FlagSpec = {
  help: { type: "boolean", help: "show this help" },
  version: { type: "boolean", help: "print the version" },
};

/** Widest option column before the help text moves to its own line. */
const OPTION_COLUMN = 24;

/** Width the help text is wrapped to. */
const HELP_WIDTH = 80;

/** Wraps `text` into lines of at most `width` characters, breaking at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * Lays out option lines: `--name VALUE` then the help text, in two columns.
 * @param flags Declared flags.
 * @returns The lines, indented by two spaces.
 */
export function optionLines(flags: FlagSpec): string[] {
  const rows = Object.entries(flags).map(([name, def]) => {
    const d = typeof def === "string" ? { type: def } : def;
    const left = d.type === "boolean" ? `--${name}` : `--${name} ${d.value ?? "VALUE"}`;
    return [name === "help" ? "-h, --help" : left, d.help ?? ""] as const;
  });
  const width = Math.min(
    OPTION_COLUMN,
    Math.max(...rows.map(([left]) => left.length), 0) + 2,
  );
  const indent = " ".repeat(width + 2);
  return rows.map(([left, help]) => {
    if (help === "") return `  ${left}`;
    const text = wrap(help, HELP_WIDTH - width - 2);
    const first = left.length + 2 > width ? `  ${left}\n${indent}` : `  ${left.padEnd(width)}`;
    return `${first}${text.join(`\n${indent}`)}`;
  });
}

/**
 * The `--help` text of a command.
 * @param spec The command.
 * @returns Usage, description, options and notes, ending with a newline.
 */
export function formatHelp(spec: CommandSpec): string {
  const parts = [
    `Usage: tickwire ${spec.usage}`,
    spec.description.trim(),
    `Options:\n${optionLines({ ...spec.flags, ...COMMON_FLAGS }).join("\n")}`,
  ];
  if (spec.notes !== undefined && spec.notes.trim() !== "") parts.push(spec.notes.trim());
  return `${parts.join("\n\n")}\n`;
}

/**
 * Renames the keys of a configuration error that a flag set, so the message
 * names what the user typed (`--channels: expected quote, ...`), not the option.
 * @param e Any error.
 * @param flagOf Option (or variable) name → flag, for the flags that were given.
 * @returns The error, renamed when it is a configuration error.
 */
export function nameFlags(e: unknown, flagOf: Readonly<Record<string, string>>): unknown {
  if (!isConfigError(e)) return e;
  let renamed = false;
  const issues = e.issues.map((issue) => {
    // `channels.1` (the second item) was set by --channels too.
    const option = issue.key.split(".")[0]!;
    const flag = Object.hasOwn(flagOf, option) ? flagOf[option] : undefined;
    if (flag === undefined) return issue;
    renamed = true;
    return { ...issue, key: flag };
  });
  if (!renamed) return e;
  return new ConfigError(e.message.replace(/:\n[\s\S]*$/, ""), issues);
}

/** A command's source settings, with the logger the CLI's log settings ask for. */
export interface CommandConfig {
  /** The resolved settings; `core.logger` is `logger`. */
  readonly config: ResolvedFeedConfig;
  /** Writes to stderr at `TICKWIRE_LOG_LEVEL`, as `TICKWIRE_LOG_FORMAT` says. */
  readonly logger: Logger;
}

/**
 * Resolves a command's source: the environment read once, the flags' options
 * laid over it, errors naming the flags, and the CLI's logger.
 * @param io Where the environment comes from.
 * @param overrides Options the flags set.
 * @param flagOf Option → flag, for error messages.
 * @returns The settings and the logger.
 * @throws ConfigError naming the flag or variable that was wrong.
 */
export async function resolveCommandConfig(
  io: CliIo,
  overrides: Readonly<Record<string, unknown>>,
  flagOf: Readonly<Record<string, string>>,
): Promise<CommandConfig> {
  const config = await resolveEnvConfig(io.env, overrides as Partial<FeedOptions>).catch((e) => {
    throw nameFlags(e, flagOf);
  });
  const logger = config.core.logger ??
    consoleLogger({
      level: config.core.logLevel ?? "warn",
      format: config.core.logFormat ?? "text",
    });
  return { config: { ...config, core: { ...config.core, logger } }, logger };
}

/**
 * Resolves the source a command reads: the shared source flags
 * (`--source`, `--symbols`, ...) laid over the environment, then the command's
 * own options, with errors naming the flag the user typed.
 * @param io Where the environment comes from.
 * @param flags Parsed flags, the shared source flags among them.
 * @param options Options the command itself sets (e.g. `buffer: false`).
 * @returns The settings and the logger.
 * @throws UsageError for an empty `--symbols` or `--channels` list.
 * @throws ConfigError naming the flag or variable that was wrong.
 */
export async function resolveSourceConfig(
  io: CliIo,
  flags: ParsedArgs["flags"],
  options: Readonly<Record<string, unknown>> = {},
): Promise<CommandConfig> {
  return await resolveCommandConfig(io, { ...sourceOverrides(flags), ...options }, SOURCE_FLAG_OF);
}

/**
 * Parses a command's arguments with the common flags added.
 * @param spec The command.
 * @param argv Arguments after the command's name.
 * @returns Parsed arguments.
 * @throws UsageError for an unknown flag or a missing value.
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  return parseArgs(argv, { ...spec.flags, ...COMMON_FLAGS });
}

/**
 * Runs a command: prints its help for `-h`/`--help`, the version for `--version`,
 * and otherwise calls `run`.
 * @param spec The command.
 * @param argv Arguments after the command's name.
 * @param io Streams and environment.
 * @param version The program's version line.
 * @returns The exit code.
 */
export async function runCommand(
  spec: CommandSpec,
  argv: readonly string[],
  io: CliIo,
  version: string,
): Promise<number> {
  // Help first, so that `stream --bogus --help` still shows the options.
  const end = argv.indexOf("--");
  const before = end < 0 ? argv : argv.slice(0, end);
  if (before.includes("-h") || before.includes("--help")) {
    await io.out.write(formatHelp(spec));
    return 0;
  }
  const args = parseCommandArgs(spec, argv);
  if (args.flags.version === true) {
    await io.out.write(`${version}\n`);
    return 0;
  }
  return await spec.run(args, io);
}
