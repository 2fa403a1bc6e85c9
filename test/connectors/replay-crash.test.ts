/**
 * Crash safety: a real recording process (`_record-child.ts`, in the runtime that
 * runs this test) is killed with SIGKILL mid-recording; the file it leaves reads
 * back with every complete record, in order, and the unfinished end is reported.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { MarketEvent } from "../../src/events.ts";
import { inspectCapture, openCapture } from "../../connectors/replay/mod.ts";
import { tempDir, until } from "./_replay-helpers.ts";

const tmp = tempDir();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, "SIGKILL");
    }
  }
  tmp.cleanup();
});

const script = fileURLToPath(new URL("./_record-child.ts", import.meta.url));
const register = fileURLToPath(new URL("./_ts-register.mjs", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

/** The command that runs a TypeScript file in the runtime running this test. */
function command(file: string, args: readonly string[]): string[] {
  const exe = process.execPath;
  if ("Deno" in globalThis) return [exe, "run", "-A", file, ...args];
  if ("Bun" in globalThis) return [exe, file, ...args];
  return [exe, "--import", register, file, ...args];
}

/** Starts the recording child, waits for it to write `bytes`, and kills it by its pid. */
async function recordAndKill(out: string, bytes: number): Promise<{ signal: string | null }> {
  const [exe, ...args] = command(script, [out]);
  const child = spawn(exe!, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += String(d)));
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const exited = new Promise<{ signal: string | null }>((resolve) =>
    child.on("exit", (_code, signal) => resolve({ signal }))
  );
  const size = (): number => {
    try {
      return statSync(out).size;
    } catch {
      return 0;
    }
  };
  try {
    await until(
      () => stdout.includes("recording") || child.exitCode !== null,
      "the child to start",
      30_000,
    );
    expect(child.exitCode, stderr).toBe(null);
    await until(() => size() >= bytes, `${bytes} bytes in ${out}`, 15_000);
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGKILL");
  }
  return await exited;
}

describe("recording crash safety", () => {
  for (const name of ["killed.twr", "killed.twr.gz"]) {
    it(
      `keeps every complete record of ${name} after the recorder is killed with SIGKILL`,
      async () => {
        const out = tmp.path(name);
        const { signal } = await recordAndKill(out, 64 * 1024);
        expect(signal).toBe("SIGKILL");
        const summary = await inspectCapture(out);
        expect(summary.closedCleanly).toBe(false);
        expect(summary.counts.close).toBe(0);
        expect(summary.counts.event).toBeGreaterThan(100);
        expect(summary.issues.every((i) => i.tail && (i.code === "truncated" || i.code === "gzip")))
          .toBe(true);
        expect(summary.issues.length).toBeLessThanOrEqual(2);

        const { readFileSync } = await import("node:fs");
        const reader = await openCapture(new Response(readFileSync(out)).body!, { name });
        const seqs: number[] = [];
        for await (const r of reader.records()) {
          if (r.kind === "event") seqs.push((r.event as MarketEvent).seq);
        }
        expect(seqs.length).toBe(summary.counts.event);
        expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
      },
      60_000,
    );
  }
});
