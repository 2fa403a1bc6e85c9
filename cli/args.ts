/**
 * A strict command-line parser: `--name value`, `--name=value`, boolean flags and
 * positionals; an unknown flag or a missing value is a usage error (exit code 2).
 *
 * @module
 */

/** Declared flags: `"string"` takes a value, `"boolean"` does not. */
export type FlagSpec = Readonly<Record<string, "string" | "boolean">>;

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
 * Parses arguments against a flag spec.
 * @param argv Arguments after the command name.
 * @param spec Allowed flags.
 * @returns Flags and positionals.
 * @throws UsageError naming the unknown flag or the flag missing its value.
 */
export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "--") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
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
  if (typeof raw !== "string" || !Number.isInteger(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
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
  if (typeof raw !== "string" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * Splits a comma list flag.
 * @param flags Parsed flags. @param name Flag name.
 * @returns The items, or `undefined` when absent.
 */
export function listFlag(flags: ParsedArgs["flags"], name: string): string[] | undefined {
  const raw = flags[name];
  if (typeof raw !== "string") return undefined;
  return raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Flags every source-reading command shares: `--source`, `--symbols`, `--channels`, `--seed`, `--rate`. */
export const SOURCE_FLAGS: FlagSpec = {
  source: "string",
  symbols: "string",
  channels: "string",
  seed: "string",
  rate: "string",
};

/**
 * Turns the shared source flags into feed options (what `resolveEnvConfig` takes
 * as overrides). `--seed` and `--rate` pass numbers as numbers and anything else
 * as written, so the connector's own error quotes the value.
 * @param flags Parsed flags.
 * @returns The options the flags set.
 */
export function sourceOverrides(flags: ParsedArgs["flags"]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof flags.source === "string") out.source = flags.source;
  const symbols = listFlag(flags, "symbols");
  if (symbols !== undefined) out.symbols = symbols;
  const channels = listFlag(flags, "channels");
  if (channels !== undefined) out.channels = channels;
  for (const name of ["seed", "rate"] as const) {
    const raw = flags[name];
    if (typeof raw !== "string") continue;
    const n = Number(raw);
    out[name] = raw.trim() !== "" && Number.isFinite(n) ? n : raw;
  }
  return out;
}
