/**
 * Recording under load: `tickwire record` on the synthetic source at `--rate max`,
 * as a real process, plain and gzip. The recorder holds back the producer when its
 * writes fall behind, so the process's memory stops growing after start-up, and a
 * SIGKILL loses at most what the recorder buffers (`flushBytes`) plus what waits to
 * be written (`maxPendingBytes`): the promise of FORMAT.md, "Crash safety".
 *
 * Each run lasts 5 s (`TICKWIRE_RECORD_LOAD_S=20` for the long version). RSS is read
 * from `/proc` (Linux); elsewhere that check is skipped with a message.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { inspectCapture } from "../../connectors/replay/mod.ts";
import { startChild, tempDirAndChildren, until } from "./_replay-helpers.ts";

const { tmp, children } = tempDirAndChildren();

const bin = fileURLToPath(new URL("../../cli/bin.ts", import.meta.url));
const SECONDS = Number(
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
    .TICKWIRE_RECORD_LOAD_S ?? 5,
);
/** The recorder's defaults: buffer (`flushBytes`) and write queue (`maxPendingBytes`). */
const FLUSH_BYTES = 65_536;
const MAX_PENDING = 2 * FLUSH_BYTES;
/** How much more the later half of the run may hold than the earlier (bytes). */
const RSS_TREND = 16 * 1_048_576;
/** Seconds of start-up before the first RSS sample. */
const START_UP_S = 3;
/**
 * Growth of RSS allowed after start-up (GC heuristics, JIT code;
 * Node 26's collector spiked to 35 MB once, then settled).
 */
const RSS_GROWTH = 48 * 1024 * 1024;
const procStatus = (pid: number): string => `/proc/${pid}/status`;

/** Resident set size of a process, bytes, or undefined when `/proc` cannot tell. */
function rss(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(procStatus(pid), "utf8"));
    return m === null ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** The counts of the progress lines printed so far (`12,345 events | ...`). */
function progressCounts(stderr: string): number[] {
  return [...stderr.matchAll(/^([\d,]+) events \|/gm)].map((m) =>
    Number(m[1]!.replaceAll(",", ""))
  );
}

describe("tickwire record at the maximum rate", () => {
  for (const name of ["load.twr", "load.twr.gz"]) {
    it(
      `keeps its memory bounded and loses at most the buffer and write queue of ${name} to SIGKILL`,
      async () => {
        const out = tmp.path(name);
        const { child, output, done } = startChild(bin, [
          "record",
          "--source",
          "synthetic",
          "--rate",
          "max",
          "--symbols",
          "PTT,AOT,KBANK",
          "--out",
          out,
          "--rotate-mb",
          "0",
          "--progress",
        ], children);
        const samples: number[] = [];
        let first: number | undefined;
        try {
          // Start-up first: a runtime's heap may grow in steps for its first seconds
          // (Deno: about 17 MB over the first 5 s at this rate, then flat).
          await until(
            () =>
              progressCounts(output().stderr).length >= 1 + START_UP_S ||
              child.exitCode !== null,
            "the end of start-up",
            60_000,
          );
          expect(child.exitCode, output().stderr).toBe(null);
          first = rss(child.pid!);
          // One sample per progress line, until the run has lasted SECONDS more.
          const lines = (): number => progressCounts(output().stderr).length;
          for (let seen = lines(); seen < START_UP_S + SECONDS + 1;) {
            await until(
              () => lines() > seen || child.exitCode !== null,
              "the next progress line",
              30_000,
            );
            seen = lines();
            const r = rss(child.pid!);
            if (r !== undefined) samples.push(r);
          }
        } finally {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGKILL");
          }
        }
        const { signal, stderr } = await done;
        expect(signal, stderr).toBe("SIGKILL");

        if (first === undefined || !existsSync(procStatus(process.pid))) {
          console.warn("record-load: no /proc here; the RSS check is skipped");
        } else {
          const peak = Math.max(...samples);
          const what = `RSS ${first} → ${samples.join(", ")}`;
          expect(peak - first, what).toBeLessThan(RSS_GROWTH);
          // No trend either: unbounded buffering grows all the way (13 MB/s for
          // gzip before the recorder applied backpressure), while a runtime's
          // collector may spike once early (seen on Node 26) and settle.
          const half = Math.floor(samples.length / 2);
          const early = Math.max(first, ...samples.slice(0, half));
          expect(Math.max(...samples.slice(half)) - early, what).toBeLessThan(RSS_TREND);
        }

        const reported = progressCounts(stderr).at(-1)!;
        const summary = await inspectCapture(out);
        expect(summary.closedCleanly).toBe(false);
        const cut = summary.issues.find((i) => i.tail);
        // Bytes of complete records in the file (uncompressed), and their mean size.
        const bytes = readFileSync(out);
        const complete = cut?.offset ??
          (name.endsWith(".gz") ? gunzipSync(bytes).length : bytes.length);
        expect(complete).toBeGreaterThan(0);
        const mean = complete / summary.records;
        const missing = reported - summary.counts.event;
        expect(
          missing * mean,
          `${reported} reported, ${summary.counts.event} in the file`,
        ).toBeLessThanOrEqual(FLUSH_BYTES + MAX_PENDING + mean);
      },
      120_000 + (START_UP_S + SECONDS) * 2_000,
    );
  }
});
