/**
 * Turns valibot validation into {@link ConfigIssue}s and one {@link ConfigError}:
 * the shared path from an options schema to the error a user reads. Connector
 * authors use it for their own options.
 *
 * @module
 */

import * as v from "valibot";
import { ConfigError, type ConfigIssue } from "./errors.ts";

/** Options of {@link checkOptions}. */
export interface CheckOptions {
  /** Append `, got <value>` to each message. Never set it for a schema holding a secret. @default false */
  readonly quoteInput?: boolean;
}

/** What {@link checkOptions} found. */
export interface CheckResult<T> {
  /** The parsed value, when there was no issue. */
  readonly output: T | undefined;
  /** One issue per failing key (the first valibot reported for it). */
  readonly issues: ConfigIssue[];
}

/**
 * Validates input against a schema, collecting one issue per failing key.
 *
 * @param schema A valibot schema.
 * @param input Anything.
 * @param options Message options.
 * @returns The output, or the issues.
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { checkOptions } from "@tickwire/tickwire";
 * const { issues } = checkOptions(v.object({ port: v.number() }), { port: "80" }, { quoteInput: true });
 * console.log(issues[0].key, issues[0].message); // port Invalid type: Expected number but received "80", got "80"
 * ```
 */
export function checkOptions<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  options: CheckOptions = {},
): CheckResult<v.InferOutput<S>> {
  const result = v.safeParse(schema, input);
  if (result.success) return { output: result.output, issues: [] };
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const issue of result.issues) {
    const key = v.getDotPath(issue) ?? "options";
    if (seen.has(key)) continue;
    seen.add(key);
    const got = options.quoteInput === true && issue.input !== undefined
      ? `, got ${JSON.stringify(issue.input)}`
      : "";
    issues.push({ key, message: `${issue.message}${got}` });
  }
  return { output: undefined, issues };
}

/**
 * Validates input against a schema, throwing one {@link ConfigError} listing every issue.
 *
 * @param schema A valibot schema.
 * @param input Anything.
 * @param component Names the component in the message (`"synthetic"` → `[synthetic] invalid options`).
 * @returns The parsed value.
 * @throws ConfigError listing one issue per failing key.
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { parseOptions } from "@tickwire/tickwire";
 * const o = parseOptions(v.object({ url: v.string() }), { url: "ws://127.0.0.1:9000" }, "my-venue");
 * console.log(o.url);
 * ```
 */
export function parseOptions<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  component: string,
): v.InferOutput<S> {
  const { output, issues } = checkOptions(schema, input);
  if (issues.length > 0) throw new ConfigError(`[${component}] invalid options`, issues);
  return output as v.InferOutput<S>;
}
