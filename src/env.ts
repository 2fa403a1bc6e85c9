/**
 * Portable access to environment variables. `process.env` exists on Node, Bun and
 * Deno, but throws on Deno without `--allow-env` and is absent on edge runtimes:
 * every read is guarded, and every option can also be passed in code.
 *
 * @module
 */

import type { EnvSource } from "./connector.ts";

/**
 * Reads one environment variable, or `undefined` where there is no environment
 * or no permission to read it.
 *
 * @param name Variable name.
 * @param env An explicit source to read instead. @default the process environment
 * @returns The value, or `undefined`.
 * @example
 * ```ts
 * import { readEnvVar } from "@tickwire/tickwire";
 * console.log(readEnvVar("DATA_SOURCE", { DATA_SOURCE: "synthetic" })); // "synthetic"
 * ```
 */
export function readEnvVar(name: string, env?: EnvSource): string | undefined {
  if (env !== undefined) return env[name];
  try {
    const proc = (globalThis as { process?: { env?: EnvSource } }).process;
    return proc?.env?.[name];
  } catch {
    return undefined;
  }
}
