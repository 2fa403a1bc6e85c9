/**
 * The replay's reading thread (`worker` option): run for real in a child
 * process (`_read-ahead-child.ts`, in the runtime that runs this test), over a
 * raw capture of Settrade payloads several blocks long.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { RawEncoder, xxh32 } from "../../connectors/replay/mod.ts";
import { bidOfferBytes, realisticBook } from "../settrade/_fixtures.ts";
import { quote, status } from "../capture/_helpers.ts";
import type { MarketEvent } from "../../src/events.ts";
import { killChildren, startChild, tempDir } from "./_replay-helpers.ts";

const tmp = tempDir();
const children: ChildProcess[] = [];
afterAll(() => {
  killChildren(children);
  tmp.cleanup();
});

const script = fileURLToPath(new URL("./_read-ahead-child.ts", import.meta.url));

/** Runs the child in a mode; its one JSON line. */
async function child<T>(mode: string, file: string): Promise<T> {
  const { child, done } = startChild(script, [mode, file], children);
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const r = await done.finally(() => clearTimeout(timer));
  expect(r.code, r.stderr).toBe(0);
  const line = r.stdout.trim().split("\n").at(-1)!;
  return JSON.parse(line) as T;
}

/** About 6 MiB of bid/offer payloads for 20 symbols, with some events and statuses. */
function writeCapture(name: string): { path: string; bytes: Uint8Array } {
  const payloads = Array.from({ length: 200 }, (_, i) => {
    const symbol = `S${i % 20}`;
    return {
      topic: `proto/topic/bidofferv3/${symbol}`,
      bytes: bidOfferBytes(realisticBook(symbol, 10 + (i % 37), { seed: i + 1 })),
    };
  });
  const enc = new RawEncoder();
  const t0 = 1_767_582_000_000;
  enc.begin({ source: "settrade", created: t0, part: 0, meta: {} });
  enc.status(status("connected"));
  for (let i = 0; i < 24_000; i++) {
    const p = payloads[i % payloads.length]!;
    enc.payload(p.topic, p.bytes, t0 + i, i, 0);
    if (i % 5_000 === 0) enc.event(quote(i + 1) as MarketEvent);
  }
  enc.close(t0 + 30_000, "closed");
  const bytes = enc.take();
  const path = tmp.path(name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe("replay on a reading thread", () => {
  const sound = writeCapture("sound.twr");

  it("hands over every byte of the file, in blocks, all of it checked", async () => {
    expect(sound.bytes.length).toBeGreaterThan(5 * 1024 * 1024);
    const r = await child<{ bytes: number; digest: number; blocks: number; checked: number }>(
      "read",
      sound.path,
    );
    expect(r.bytes).toBe(sound.bytes.length);
    expect(r.digest).toBe(xxh32(sound.bytes));
    expect(r.blocks).toBeGreaterThan(4);
    expect(r.checked).toBe(sound.bytes.length);
  });

  it("replays the same events with the reading thread as without it, sound or damaged", async () => {
    const damaged = sound.bytes.slice();
    for (const at of [1_000_000, 3_500_000, 3_500_100]) damaged[at] ^= 0x5a;
    const bad = tmp.path("damaged.twr");
    writeFileSync(bad, damaged);
    for (const file of [sound.path, bad]) {
      type Run = { events: number; digest: number; issues: string[] };
      const r = await child<{ worker: Run; thread: Run }>("replay", file);
      expect(r.worker.events).toBeGreaterThan(20_000);
      expect(r.worker).toEqual(r.thread);
      expect(r.worker.issues.length).toBe(file === bad ? 2 : 0);
    }
    expect(readFileSync(bad).length).toBe(sound.bytes.length);
  });

  it("lets the process exit when a replay is left unfinished", async () => {
    const r = await child<{ first: number }>("abandon", sound.path);
    expect(r.first).toBeGreaterThan(0);
  });

  it("reports a file it cannot open as the replay does without it", async () => {
    const r = await child<{ error: string }>("missing", tmp.path("no-such.twr"));
    expect(r.error).toMatch(
      /^ConnectionError: \[replay\] cannot open ".*no-such\.twr": .*(ENOENT|No such file|not found)/i,
    );
  });
});
