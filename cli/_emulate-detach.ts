/**
 * Handing the emulator's environment over without a race: the env file is
 * written under a temporary name and renamed once complete, and `--detach`
 * starts the emulator as a background process of the same runtime that writes
 * such a file, waits for it, and returns its contents.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParsedArgs } from "./args.ts";
import { host } from "./_runtime.ts";

/** How long `--detach` waits for the background emulator to be ready. */
const READY_TIMEOUT_MS = 30_000;

/**
 * Writes an env file atomically: a reader sees no file, or the whole file.
 * @param path Where. @param text The export lines.
 */
export async function writeEnvFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.${host().pid ?? 0}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

/**
 * Removes an env file written by {@link writeEnvFile}; a missing file is fine.
 * @param path Where.
 */
export async function removeEnvFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** Parses `export NAME=value` lines (values as {@link shellQuote} wrote them). */
function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^export ([A-Z_][A-Z0-9_]*)=(.*)$/gm)) {
    const raw = m[2]!;
    env[m[1]!] = raw.startsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw;
  }
  return env;
}

/** The command that runs this CLI again in the same runtime: program and leading arguments. */
function selfCommand(): { program: string; args: string[] } {
  const p = host();
  const script = p.argv[1];
  if (script === undefined) {
    throw new Error("cannot find the tickwire script to run in the background");
  }
  if ("Deno" in globalThis) return { program: p.execPath, args: ["run", "-A", script] };
  return { program: p.execPath, args: [...(p.execArgv ?? []), script] };
}

/**
 * Starts `tickwire emulate` in the background (its own session, no terminal, no
 * inherited output), waits until it has written its env file, and returns it.
 * @param args The command line of the foreground command (`--detach` is dropped).
 * @param env Environment for the background process.
 * @returns Its pid and environment.
 * @throws Error when it exits, or is not ready within 30 s.
 */
export async function detachEmulator(
  args: ParsedArgs,
  env: Record<string, string | undefined>,
): Promise<{ pid: number; env: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), "tickwire-emulate-"));
  const ready = join(dir, "ready.env");
  const userFile = args.flags["write-env"];
  const argv: string[] = [];
  for (const [name, value] of Object.entries(args.flags)) {
    if (name === "detach" || name === "print-env" || name === "write-env") continue;
    argv.push(value === true ? `--${name}` : `--${name}=${String(value)}`);
  }
  // The background emulator writes the user's file (if any); the parent reads it.
  const file = typeof userFile === "string" ? userFile : ready;
  const self = selfCommand();
  const child = spawn(self.program, [...self.args, "emulate", ...argv, "--write-env", file], {
    detached: true,
    stdio: "ignore",
    env: env as Record<string, string>,
  });
  let exited: string | undefined;
  child.once("exit", (code, signal) => (exited = `exit code ${code ?? signal}`));
  child.once("error", (e) => (exited = e.message));
  try {
    const deadline = performance.now() + READY_TIMEOUT_MS;
    for (;;) {
      const text = await readFile(file, "utf8").catch(() => undefined);
      if (text !== undefined) {
        child.unref();
        return { pid: child.pid!, env: parseExports(text) };
      }
      if (exited !== undefined) {
        throw new Error(`the background emulator stopped before it was ready (${exited})`);
      }
      if (performance.now() > deadline) {
        child.kill("SIGTERM");
        throw new Error(
          `the background emulator was not ready within ${READY_TIMEOUT_MS / 1000} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    if (file === ready) {
      // The background emulator removes its file at exit; the parent does not need it.
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    }
  }
}
