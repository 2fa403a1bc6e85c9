/**
 * Turns valibot validation into {@link ConfigIssue}s and one {@link ConfigError}:
 * the shared path from an options schema to the error a user reads. Connector
 * authors use it for their own options.
 *
 * @module
 */

import * as v from "valibot";
import { ConfigError, type ConfigIssue } from "./errors.ts";

/**
 * A synchronous valibot schema, as {@link checkOptions} and {@link parseOptions}
 * take it: every `v.object(...)`, `v.pipe(...)` and other sync schema fits. Only
 * the parts that carry the output type are spelled out, so that the public
 * signatures do not name valibot's internal types.
 *
 * @typeParam TOutput Type of a valid, parsed value.
 * @example A helper that takes any options schema
 * ```ts
 * import * as v from "valibot";
 * import { parseOptions, type SchemaOutput, type ValibotSchema } from "@tickwire/tickwire";
 * function load<S extends ValibotSchema>(schema: S, input: unknown): SchemaOutput<S> {
 *   return parseOptions(schema, input, "my-venue");
 * }
 * const o = load(v.object({ port: v.number() }), { port: 8080 });
 * console.log(o.port); // 8080
 * ```
 */
export interface ValibotSchema<TOutput = unknown> {
  /** Valibot's marker of a schema (as opposed to a validation or transformation). */
  readonly kind: "schema";
  /** Always `false`: async schemas are not accepted. */
  readonly async: false;
  /** The Standard Schema properties valibot implements; `types` carries the output type. */
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: "valibot";
    readonly types?: { readonly input: unknown; readonly output: TOutput } | undefined;
  };
}

/**
 * The type of a value parsed by a {@link ValibotSchema}, as valibot's `InferOutput`
 * gives it.
 *
 * @typeParam S The schema.
 * @example The options type of a schema
 * ```ts
 * import * as v from "valibot";
 * import type { SchemaOutput } from "@tickwire/tickwire";
 * const Schema = v.object({ url: v.string(), retries: v.optional(v.number(), 3) });
 * type Options = SchemaOutput<typeof Schema>; // { url: string; retries: number }
 * const o: Options = { url: "ws://127.0.0.1:9000", retries: 3 };
 * console.log(o.retries); // 3
 * ```
 */
export type SchemaOutput<S extends ValibotSchema> = NonNullable<
  S["~standard"]["types"]
>["output"];

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
 * console.log(issues[0].key, issues[0].message); // port expected a number, got "80"
 * ```
 */
export function checkOptions<S extends ValibotSchema>(
  schema: S,
  input: unknown,
  options: CheckOptions = {},
): CheckResult<SchemaOutput<S>> {
  const result = v.safeParse(schema as unknown as v.GenericSchema, input);
  if (result.success) return { output: result.output as SchemaOutput<S>, issues: [] };
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const issue of result.issues) {
    const key = v.getDotPath(issue) ?? "options";
    if (seen.has(key)) continue;
    seen.add(key);
    const got = options.quoteInput === true && issue.input !== undefined
      ? `, got ${JSON.stringify(issue.input)}`
      : "";
    issues.push({ key, message: `${issueSentence(issue)}${got}` });
  }
  return { output: undefined, issues };
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: "a number",
  string: "text",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  bigint: "an integer",
  date: "a date",
  function: "a function",
};

/** `("a" | "b" | "c")` → `a, b or c`. */
function alternatives(expected: string): string {
  const names = expected.replace(/^\(|\)$/g, "").split(" | ").map((s) =>
    s.replace(/^"(.*)"$/, "$1")
  );
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/**
 * A valibot issue as a short sentence fragment naming what is accepted. A message
 * the schema author wrote is kept; valibot's defaults ("Invalid type: Expected ...
 * but received ...") are rewritten.
 */
function issueSentence(issue: v.BaseIssue<unknown>): string {
  if (!issue.message.startsWith("Invalid ")) return issue.message;
  const requirement = (issue as { requirement?: unknown }).requirement;
  if (issue.kind === "schema" && issue.received === "undefined") return "is required";
  switch (issue.type) {
    case "picklist":
    case "enum":
    case "literal":
    case "union":
    case "variant":
      return issue.expected === null
        ? "is not one of the accepted values"
        : `expected ${alternatives(issue.expected)}`;
    case "integer":
      return "expected a whole number";
    case "min_value":
      return `expected at least ${String(requirement)}`;
    case "max_value":
      return `expected at most ${String(requirement)}`;
    case "min_length":
      return typeof issue.input === "string"
        ? (requirement === 1
          ? "must not be empty"
          : `expected at least ${String(requirement)} characters`)
        : `expected at least ${String(requirement)} item${requirement === 1 ? "" : "s"}`;
    case "max_length":
      return `expected at most ${String(requirement)}`;
    case "url":
      return "expected a URL";
    case "regex":
      return "does not have the expected form";
  }
  if (issue.kind === "schema" && Object.hasOwn(TYPE_NAMES, issue.type)) {
    return `expected ${TYPE_NAMES[issue.type]}`;
  }
  return issue.message.replace(/^Invalid ([a-z ]+): /, "invalid $1: ");
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
export function parseOptions<S extends ValibotSchema>(
  schema: S,
  input: unknown,
  component: string,
): SchemaOutput<S> {
  const { output, issues } = checkOptions(schema, input);
  if (issues.length > 0) throw new ConfigError(`[${component}] invalid options`, issues);
  return output as SchemaOutput<S>;
}
