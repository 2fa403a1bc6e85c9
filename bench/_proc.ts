/**
 * Child processes of the suite: one per section (and the publisher of the
 * end-to-end section), each started by its own pid, bounded in time, and killed
 * by that pid in a `finally`.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Marker of the result line a section prints on stdout. */
export const RESULT_MARK = "@@result ";

/** A runtime able to run the TypeScript sections. */
export type Runtime = "node" | "bun" | "deno";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Children started here and not yet exited. */
const live = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

/**
 * Stops every child still running (each by its own pid), e.g. on Ctrl-C.
 * @returns Resolves once they have exited.
 */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => stopChild(c)));
}
const REGISTER = fileURLToPath(new URL("./_register.mjs", import.meta.url));

/**
 * The command line that runs a TypeScript file on a runtime.
 * @param runtime Node (through the TypeScript hooks), Bun or Deno (both from node_modules).
 * @param file Path of the `.ts` file, relative to the repository root.
 * @param nodeFlags Extra Node flags (`--expose-gc`, `--cpu-prof`).
 * @returns The executable and its arguments.
 */
export function command(runtime: Runtime, file: string, nodeFlags: readonly string[] = []): {
  exe: string;
  args: string[];
} {
  switch (runtime) {
    case "node":
      return {
        exe: process.execPath,
        args: [...nodeFlags, "--disable-warning=DEP0205", "--import", REGISTER, file],
      };
    case "bun":
      return { exe: `${ROOT}node_modules/.bin/bun`, args: [file] };
    case "deno":
      return { exe: `${ROOT}node_modules/.bin/deno`, args: ["run", "-A", file] };
  }
}

/**
 * Stops a child we started, by its pid: SIGTERM, then SIGKILL after `graceMs`.
 * @param child The child process. @param graceMs Wait before SIGKILL. @default 2_000
 * @returns Resolves once the child has exited.
 */
export async function stopChild(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // child.kill, not process.kill(pid): a child that exited but whose "exit"
  // event is still queued is already reaped, and process.kill throws ESRCH.
  child.kill("SIGTERM");
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Options of {@link runSection}. */
export interface SectionRun {
  readonly runtime: Runtime;
  readonly section: string;
  readonly options?: Record<string, unknown>;
  readonly nodeFlags?: readonly string[];
  /** Longest run, ms. */
  readonly timeoutMs: number;
}

/**
 * Runs one section in a child process and returns what it printed as its result.
 * Its stderr (progress) is passed through.
 * @param run Runtime, section, options, flags and time limit.
 * @returns The parsed result.
 * @throws Error when the child fails, times out or prints no result.
 */
export async function runSection<T>(run: SectionRun): Promise<T> {
  const { exe, args } = command(run.runtime, "bench/_child.ts", run.nodeFlags);
  const child = track(spawn(exe, [...args, run.section, JSON.stringify(run.options ?? {})], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }));
  let out = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (s: string) => {
    out += s;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopChild(child);
  }, run.timeoutMs);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (c) => resolve(c));
    });
    const where = `${run.section} on ${run.runtime}`;
    if (timedOut) throw new Error(`bench: ${where} timed out after ${run.timeoutMs} ms`);
    const line = out.split("\n").find((l) => l.startsWith(RESULT_MARK));
    if (code !== 0 || line === undefined) {
      throw new Error(`bench: ${where} failed (exit code ${code})`);
    }
    return JSON.parse(line.slice(RESULT_MARK.length)) as T;
  } finally {
    clearTimeout(timer);
    await stopChild(child);
  }
}

/** A child process that talks JSON messages over Node's IPC channel. */
export interface IpcChild {
  /** The process. */
  readonly child: ChildProcess;
  /** Sends a message. */
  send(message: unknown): void;
  /**
   * The next message from the child.
   * @param timeoutMs Longest wait.
   * @throws Error on timeout or when the child exits first.
   */
  next<T>(timeoutMs: number): Promise<T>;
  /** Stops the child by its pid (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/**
 * Starts a TypeScript file on Node (through the TypeScript hooks) with an IPC channel.
 * @param file Path relative to the repository root. @param args Arguments.
 * @returns The handle.
 */
export function spawnIpc(file: string, args: readonly string[]): IpcChild {
  const { exe, args: base } = command("node", file);
  const child = track(spawn(exe, [...base, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  }));
  const inbox: unknown[] = [];
  let waiter: ((m: unknown) => void) | undefined;
  let exited = false;
  child.on("message", (m) => {
    if (waiter !== undefined) {
      const w = waiter;
      waiter = undefined;
      w(m);
    } else inbox.push(m);
  });
  child.once("exit", () => {
    exited = true;
    waiter?.(undefined);
  });
  return {
    child,
    send(message: unknown): void {
      if (!exited) child.send(message as object);
    },
    next<T>(timeoutMs: number): Promise<T> {
      if (inbox.length > 0) return Promise.resolve(inbox.shift() as T);
      if (exited) return Promise.reject(new Error(`bench: ${file} exited`));
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(new Error(`bench: no answer from ${file} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiter = (m) => {
          clearTimeout(timer);
          if (m === undefined) reject(new Error(`bench: ${file} exited`));
          else resolve(m as T);
        };
      });
    },
    stop: () => stopChild(child),
  };
}
