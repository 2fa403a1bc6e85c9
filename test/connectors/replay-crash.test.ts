/**
 * Crash safety: a real recording process (`_record-child.ts`, in the runtime that
 * runs this test) is killed with SIGKILL mid-recording; the file it leaves reads
 * back with every complete record, in order, and the unfinished end is reported.
 * The test waits for conditions (events read back from the file), never for time.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { MarketEvent } from "../../src/events.ts";
import { inspectCapture } from "../../connectors/replay/mod.ts";
import { openCapture } from "../../connectors/replay/capture/reader.ts";
import { startChild, tempDirAndChildren, until } from "./_replay-helpers.ts";

const { tmp, children } = tempDirAndChildren();

const script = fileURLToPath(new URL("./_record-child.ts", import.meta.url));

/** Events in the complete records of a capture so far (0 while it cannot be read). */
async function eventsIn(out: string): Promise<number> {
  try {
    return (await inspectCapture(out)).counts.event;
  } catch {
    return 0;
  }
}

/**
 * Starts the recording child, waits until its file holds `events` complete events
 * (read back, not guessed from its size: a compressed file grows in steps), and
 * kills it by its pid.
 */
async function recordAndKill(out: string, events: number): Promise<{ signal: string | null }> {
  const { child, output, done } = startChild(script, [out], children);
  try {
    await until(
      () => output().stdout.includes("recording") || child.exitCode !== null,
      "the child to start",
      60_000,
    );
    expect(child.exitCode, output().stderr).toBe(null);
    const deadline = performance.now() + 60_000;
    while (existsSync(out) ? (await eventsIn(out)) < events : true) {
      expect(child.exitCode, output().stderr).toBe(null);
      if (performance.now() > deadline) {
        throw new Error(`timed out waiting for ${events} events in ${out}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  return await done;
}

describe("recording crash safety", () => {
  for (const name of ["killed.twr", "killed.twr.gz"]) {
    it(
      `keeps every complete record of ${name} after the recorder is killed with SIGKILL`,
      async () => {
        const out = tmp.path(name);
        const { signal } = await recordAndKill(out, 200);
        expect(signal).toBe("SIGKILL");
        const summary = await inspectCapture(out);
        expect(summary.closedCleanly).toBe(false);
        expect(summary.counts.close).toBe(0);
        expect(summary.counts.event).toBeGreaterThan(100);
        expect(summary.issues.every((i) => i.tail && (i.code === "truncated" || i.code === "gzip")))
          .toBe(true);
        expect(summary.issues.length).toBeLessThanOrEqual(2);

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
