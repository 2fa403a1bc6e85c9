/**
 * Fuzzing the capture reader with hostile files: the stored corpus (`corpus/`,
 * written by `corpus/make.ts` from `_hostile.ts`) and random damage to it and to a
 * sample capture, with a fixed seed and a bounded count (`TICKWIRE_FUZZ_RUNS`
 * raises it, `TICKWIRE_FUZZ_SEED` changes the seed). Every read must end, throw
 * nothing but a `DecodeError` at open, decompress at most `maxInflatedBytes`, and
 * checksum at most a linear amount while resynchronising.
 */
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openCapture } from "../../../connectors/replay/capture/reader.ts";
import {
  RawParser,
  RESYNC_WORK_ALLOWANCE,
  RESYNC_WORK_FACTOR,
} from "../../../connectors/replay/capture/raw-parser.ts";
import type { OnCorrupt } from "../../../connectors/replay/capture/issues.ts";
import { isDecodeError } from "../../../src/errors.ts";
import { sampleCapture, streamOf } from "./_helpers.ts";
import { craftedResync, memberBomb } from "./_hostile.ts";

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process
  ?.env ?? {};
const RUNS = Number(env.TICKWIRE_FUZZ_RUNS ?? 150);
const SEED = Number(env.TICKWIRE_FUZZ_SEED ?? 16);
const LIMIT = 8 * 1_048_576;

const dir = fileURLToPath(new URL("./corpus/", import.meta.url));
const corpus = readdirSync(dir).filter((f) => !f.endsWith(".ts")).sort();

interface Outcome {
  records: number;
  issues: { code: string; message: string; tail: boolean }[];
  hashed: number;
  unchecked: number;
  /** Bytes the parser was given (decompressed). */
  read: number;
}

/** Reads a capture to its end; `undefined` when it was refused at open (a DecodeError). */
async function read(
  bytes: Uint8Array,
  name: string,
  onCorrupt: OnCorrupt,
  chunk = 65_536,
): Promise<Outcome | undefined> {
  let reader;
  try {
    reader = await openCapture(streamOf(bytes, chunk), {
      name,
      onCorrupt,
      maxInflatedBytes: LIMIT,
    });
  } catch (e) {
    expect(isDecodeError(e), String(e)).toBe(true);
    return undefined;
  }
  let records = 0;
  for await (const _ of reader.records()) records++;
  const p = reader.parser;
  return {
    records,
    issues: reader.issues.map((i) => ({ code: i.code, message: i.message, tail: i.tail })),
    hashed: p instanceof RawParser ? p.resyncHashed : 0,
    unchecked: p instanceof RawParser ? p.resyncUnchecked : 0,
    read: p.position,
  };
}

/** The bound on resynchronisation work for a read of `n` decompressed bytes. */
const bound = (n: number): number => RESYNC_WORK_FACTOR * n + RESYNC_WORK_ALLOWANCE;

describe("capture fuzzing", () => {
  it("reads every corpus file to its end, stopping or skipping, within the limits", async () => {
    expect(corpus.length).toBeGreaterThanOrEqual(4);
    for (const name of corpus) {
      const bytes = new Uint8Array(readFileSync(dir + name));
      for (const onCorrupt of ["stop", "skip"] as const) {
        const out = await read(bytes, name, onCorrupt);
        if (out === undefined) continue;
        expect(out.read, name).toBeLessThanOrEqual(LIMIT + 65_536);
        expect(out.hashed, name).toBeLessThanOrEqual(bound(out.read));
      }
    }
  });

  it("stops a gzip bomb at maxInflatedBytes with an error naming it, in bounded memory", async () => {
    const bomb = await memberBomb(128);
    const before = process.memoryUsage().rss;
    const out = (await read(bomb, "bomb.twr.gz", "skip"))!;
    const grown = process.memoryUsage().rss - before;
    const limit = out.issues.find((i) => i.code === "gzip");
    expect(limit).toMatchObject({ code: "gzip", tail: true });
    expect(limit!.message).toMatch(
      /decompresses to more than 8388608 bytes \(maxInflatedBytes, --max-inflated-mb\)/,
    );
    expect(out.read).toBeLessThanOrEqual(LIMIT + 65_536);
    // Holding the member's output (128 MiB) is what this guards against, on every
    // runtime: the member is fed to the decompressor a slice at a time, so one that
    // inflates all it is given at once (Deno's) holds a slice's output, not 128 MiB.
    expect(grown).toBeLessThan(96 * 1_048_576);
  });

  it("resynchronises over 2 MB of crafted candidate frames in linear work, and finds the record after", async () => {
    const bytes = craftedResync(2 * 1_048_576);
    const out = (await read(bytes, "crafted.twr", "skip"))!;
    // The opening event and the one after the damage.
    expect(out.records).toBe(2);
    expect(out.unchecked).toBeGreaterThan(0);
    expect(out.hashed).toBeLessThanOrEqual(bound(bytes.length));
    const stop = (await read(bytes, "crafted.twr", "stop"))!;
    expect(stop.records).toBe(1);
    expect(stop.hashed).toBeLessThanOrEqual(bound(bytes.length));
  });

  it("survives random damage to the corpus and a sample capture (fixed seed, bounded count)", async () => {
    const bases = [
      sampleCapture(40),
      ...corpus.filter((n) => !n.includes("bomb")).map((n) =>
        new Uint8Array(readFileSync(dir + n))
      ),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.nat(bases.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.option(fc.nat()),
        fc.integer({ min: 1, max: 4096 }),
        fc.constantFrom("stop" as const, "skip" as const),
        async (which, flips, cut, chunk, onCorrupt) => {
          const base = bases[which]!;
          let bytes = base.slice();
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
          const out = await read(bytes, "fuzzed", onCorrupt, chunk);
          if (out === undefined) return;
          expect(out.hashed).toBeLessThanOrEqual(bound(out.read));
          for (const i of out.issues) expect(i.message).toMatch(/^\[capture\] "fuzzed"/);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
