/**
 * Runs `cli/bin.ts` as a real process of the runtime that runs the test (Node
 * through the TypeScript hooks of the benchmark suite, Bun and Deno directly),
 * with the pipes under the test's control.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = fileURLToPath(new URL("../../cli/bin.ts", import.meta.url));
const register = fileURLToPath(new URL("../connectors/_ts-register.mjs", import.meta.url));

/** Whether this Node strips TypeScript types itself (22.18 and later). */
const stripsTypes = (): boolean =>
  Boolean((process as { features?: { typescript?: unknown } }).features?.typescript);

/** The program and leading arguments that run the CLI in this runtime. */
export function cliCommand(): { program: string; args: string[] } {
  // Node 20 needs the TypeScript hooks; later Nodes run the sources as they are
  // (the hooks' module.register() is deprecated on Node 26 and warns on stderr).
  const pre = "Deno" in globalThis
    ? ["run", "-A"]
    : "Bun" in globalThis || stripsTypes()
    ? []
    : ["--disable-warning=DEP0205", "--import", register];
  return { program: process.execPath, args: [...pre, bin] };
}

/**
 * Starts the CLI with stdout and stderr piped, stdin closed.
 * @param args Arguments after `tickwire`.
 * @param env Extra environment.
 * @param children Receives the child, for the test file's `afterAll` to kill by its pid.
 */
export function spawnCli(
  args: readonly string[],
  env: Record<string, string>,
  children: ChildProcess[],
): ChildProcess {
  const { program, args: pre } = cliCommand();
  const child = spawn(program, [...pre, ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  children.push(child);
  return child;
}

/** Settles when the child has exited and its pipes are closed. */
export function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      // Already gone: wait for the pipes only.
      child.once("close", () => resolve({ code: child.exitCode, signal: child.signalCode }));
      return;
    }
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
}

/** Collects a readable stream as text. */
export function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = "";
  stream?.on("data", (d) => (text += String(d)));
  return () => text;
}
