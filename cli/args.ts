/**
 * A strict command-line parser: `--name value`, `--name=value`, boolean flags,
 * `-h` for `--help`, and positionals; an unknown flag or a missing value is a
 * usage error (exit code 2). Each flag can carry its help line, from which the
 * command's `--help` text is written (see `command.ts`).
 *
 * @module
 */

/** A flag: whether it takes a value, the value's placeholder and one line of help. */
export interface FlagDef {
  /** `"string"` takes a value, `"boolean"` does not. */
  readonly type: "string" | "boolean";
  /** Placeholder of the value in the help (`N`, `FILE`, `A,B`). @default "VALUE" */
  readonly value?: string;
  /** One line of help: what it does and its default. */
  readonly help?: string;
}

/** Declared flags by name (without `--`): a {@link FlagDef}, or just its type. */
export type FlagSpec = Readonly<Record<string, "string" | "boolean" | FlagDef>>;

/** Parsed command line. */
export interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | boolean>>;
  readonly positionals: readonly string[];
}

/** A usage error: the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  override readonly name: "UsageError" = "UsageError";
}

/**
 * The type of a declared flag.
 * @param spec Declared flags. @param name Flag name.
 * @returns Its type, or `undefined` when it is not declared.
 */
export function flagType(spec: FlagSpec, name: string): "string" | "boolean" | undefined {
  if (!Object.hasOwn(spec, name)) return undefined;
  const def = spec[name]!;
  return typeof def === "string" ? def : def.type;
}

/**
 * Parses arguments against a flag spec. `-h` stands for `--help` when the spec
 * declares `help`.
 * @param argv Arguments after the command name.
 * @param spec Allowed flags.
 * @returns Flags and positionals.
 * @throws UsageError naming the unknown flag or the flag missing its value.
 */
export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h" && flagType(spec, "help") === "boolean") arg = "--help";
    if (!arg.startsWith("--")) {
      if (/^-[A-Za-z]/.test(arg)) {
        throw new UsageError(`unknown option ${arg}; run with --help to see the options`);
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = flagType(spec, name);
    if (kind === undefined) {
      throw new UsageError(
        `unknown option --${name}; options: ${Object.keys(spec).map((k) => `--${k}`).join(", ")}`,
      );
    }
    if (kind === "boolean") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith("--"))) {
      throw new UsageError(`--${name} needs a value`);
    }
    flags[name] = value;
  }
  return { flags, positionals };
}

/**
 * Reads a positive integer flag.
 * @param flags Parsed flags. @param name Flag name.
 * @returns The number, or `undefined` when absent.
 * @throws UsageError quoting a bad value.
 */
export function intFlag(flags: ParsedArgs["flags"], name: string): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isInteger(n) || n <= 0) {
    throw new UsageError(`--${name} must be a whole number above 0, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * Reads a positive number flag.
 * @param flags Parsed flags. @param name Flag name.
 * @returns The number, or `undefined` when absent.
 * @throws UsageError quoting a bad value.
 */
export function numberFlag(flags: ParsedArgs["flags"], name: string): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a number above 0, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * Splits a comma list flag. A list with no item (`--symbols ,`, `--symbols " "`)
 * is a usage error: it would subscribe to nothing and wait forever.
 * @param flags Parsed flags. @param name Flag name.
 * @param example What a valid list looks like, for the message. @default "A,B"
 * @returns The items, or `undefined` when absent.
 * @throws UsageError when the list is empty.
 */
export function listFlag(
  flags: ParsedArgs["flags"],
  name: string,
  example = "A,B",
): string[] | undefined {
  const raw = flags[name];
  if (typeof raw !== "string") return undefined;
  const items = raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) {
    throw new UsageError(
      `--${name} needs at least one name, comma-separated (e.g. --${name} ${example}), got ${
        JSON.stringify(raw)
      }`,
    );
  }
  return items;
}

/** Flags every source-reading command shares: `--source`, `--symbols`, `--channels`, `--seed`, `--rate`. */
export const SOURCE_FLAGS: FlagSpec = {
  source: {
    type: "string",
    value: "NAME",
    help: "connector: synthetic, settrade, replay (default: DATA_SOURCE, else synthetic)",
  },
  symbols: {
    type: "string",
    value: "A,B",
    help: "symbols (default: TICKWIRE_SYMBOLS, else the source's own)",
  },
  channels: {
    type: "string",
    value: "C,D",
    help: "quote, book, trade, bar, info, market (default: quote)",
  },
  seed: { type: "string", value: "N", help: "synthetic: seed of the market (default 1)" },
  rate: {
    type: "string",
    value: "R",
    help: 'synthetic: up to R events per second per symbol (default 10), or "max"',
  },
};

/** Which flag set each feed option, so a configuration error names the flag. */
export const SOURCE_FLAG_OF: Readonly<Record<string, string>> = {
  source: "--source",
  DATA_SOURCE: "--source",
  symbols: "--symbols",
  channels: "--channels",
  seed: "--seed",
  rate: "--rate",
};

/**
 * Turns the shared source flags into feed options (what `resolveEnvConfig` takes
 * as overrides). `--seed` and `--rate` pass numbers as numbers and anything else
 * as written, so the connector's own error quotes the value.
 * @param flags Parsed flags.
 * @returns The options the flags set.
 * @throws UsageError for an empty `--symbols` or `--channels` list.
 */
export function sourceOverrides(flags: ParsedArgs["flags"]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof flags.source === "string") out.source = flags.source;
  const symbols = listFlag(flags, "symbols", "PTT,AOT");
  if (symbols !== undefined) out.symbols = symbols;
  const channels = listFlag(flags, "channels", "quote,book");
  if (channels !== undefined) out.channels = channels;
  for (const name of ["seed", "rate"] as const) {
    const raw = flags[name];
    if (typeof raw !== "string") continue;
    const n = Number(raw);
    out[name] = raw.trim() !== "" && Number.isFinite(n) ? n : raw;
  }
  return out;
}

/**
 * Reads `--port`.
 * @param raw The flag as parsed.
 * @returns The port, or `undefined` when not given.
 * @throws UsageError unless it is an integer from 0 to 65535.
 */
export function portFlag(raw: string | boolean | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return n;
}
