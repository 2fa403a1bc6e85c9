/**
 * Helpers shared by the replay and recorder tests: temporary directories,
 * in-memory outputs, recording the synthetic feed, and running a replay
 * connector to its end on a recording sink.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Clock, systemClock } from "../../src/clock.ts";
import type { Subscription } from "../../src/connector.ts";
import { createFeed } from "../../mod.ts";
import type { FeedEvent, MarketEvent } from "../../src/events.ts";
import { silentLogger } from "../../src/log.ts";
import { syntheticConnector } from "../../connectors/synthetic/mod.ts";
import {
  createRecorder,
  createReplayConnector,
  type Recorder,
  type RecorderOptions,
  type ReplayConnector,
  type ReplayOptionsInput,
} from "../../connectors/replay/mod.ts";
import { afterAll } from "vitest";
import { createRecordingSink, type RecordingSink } from "../conformance/mod.ts";
import { waitUntil } from "../conformance/_wait.ts";
import { quote, streamOf } from "./capture/_helpers.ts";

/** A temporary directory, removed by `cleanup()`. */
export function tempDir(
  prefix = "tickwire-replay-",
): { dir: string; path(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const register = fileURLToPath(new URL("./_ts-register.mjs", import.meta.url));

/**
 * Node's flags for a TypeScript child: the hooks, and no word about
 * `module.register()` being deprecated (Node 26 prints it on stderr, where the
 * tests read the program's own messages).
 */
export const TS_HOOKS: readonly string[] = ["--disable-warning=DEP0205", "--import", register];
const root = fileURLToPath(new URL("../../", import.meta.url));

/** A child process started by {@link startChild}. */
export interface Child {
  readonly child: ChildProcess;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
  /** Settles when it has exited and its output is closed. */
  readonly done: Promise<
    { code: number | null; signal: string | null; stdout: string; stderr: string }
  >;
}

/**
 * Runs a TypeScript file in the runtime that runs the test (Node through the
 * TypeScript hooks), from the repository root, output piped.
 * @param file Absolute path of the script. @param args Its arguments.
 * @param children Receives the child, for the test file's `afterAll` to kill by its pid.
 */
export function startChild(file: string, args: readonly string[], children: ChildProcess[]): Child {
  const exe = process.execPath;
  const pre = "Deno" in globalThis ? ["run", "-A"] : "Bun" in globalThis ? [] : TS_HOOKS;
  const child = spawn(exe, [...pre, file, ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += String(d)));
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const done = new Promise<Awaited<Child["done"]>>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  );
  return { child, output: () => ({ stdout, stderr }), done };
}

/**
 * Kills (SIGKILL, by pid) every child still running: a test file's `afterAll`.
 * @param children Those started.
 */
export function killChildren(children: readonly ChildProcess[]): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill("SIGKILL");
    }
  }
}

/**
 * A test file's temporary directory and the child processes it starts: after the
 * file's tests the children still running are killed, then the directory is
 * removed. Call at the top level of the file.
 * @param prefix Name prefix of the directory.
 * @returns The directory and the list `startChild` adds to.
 */
export function tempDirAndChildren(
  prefix?: string,
): { tmp: ReturnType<typeof tempDir>; children: ChildProcess[] } {
  const tmp = tempDir(prefix);
  const children: ChildProcess[] = [];
  afterAll(() => {
    killChildren(children);
    tmp.cleanup();
  });
  return { tmp, children };
}

/** A `WritableStream` that keeps what is written. */
export interface MemorySink {
  readonly stream: WritableStream<Uint8Array>;
  bytes(): Uint8Array;
  text(): string;
}

/** A `WritableStream` that keeps what is written. */
export function memorySink(): MemorySink {
  const chunks: Uint8Array[] = [];
  const bytes = (): Uint8Array => {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  };
  return {
    stream: new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c.slice()) }),
    bytes,
    text: () => new TextDecoder().decode(bytes()),
  };
}

/** A recorder writing its raw records and its NDJSON to memory. */
export interface MemoryRecording {
  readonly rec: Recorder;
  /** The raw records (`out`). */
  readonly raw: MemorySink;
  /** The NDJSON lines (`events`). */
  readonly nd: MemorySink;
}

/**
 * Creates a recorder on two memory sinks, raw and NDJSON.
 * @param options Recorder options other than the outputs (silent by default).
 * @returns The recorder and its sinks.
 */
export async function memoryRecorder(
  options: Partial<RecorderOptions> = {},
): Promise<MemoryRecording> {
  const raw = memorySink();
  const nd = memorySink();
  const rec = await createRecorder({
    out: raw.stream,
    events: nd.stream,
    logger: silentLogger,
    ...options,
  });
  return { rec, raw, nd };
}

/**
 * Records quotes 1 to `count` to a file and closes the recorder.
 * @param out The capture's path. @param count How many quotes.
 * @param options Recorder options other than the output (silent by default).
 * @returns The recorder, closed (its `stats()` stay readable).
 */
export async function recordQuotes(
  out: string,
  count: number,
  options: Partial<RecorderOptions> = {},
): Promise<Recorder> {
  const rec = await createRecorder({ out, logger: silentLogger, ...options });
  for (let i = 1; i <= count; i++) rec.event(quote(i));
  await rec.close();
  return rec;
}

/** A stream over bytes, in chunks of 8 KiB unless `chunk` says otherwise ({@link streamOf}). */
export function bytesStream(bytes: Uint8Array, chunk = 8192): ReadableStream<Uint8Array> {
  return streamOf(bytes, chunk);
}

/** NDJSON text to events. */
export function parseLines(text: string): FeedEvent[] {
  return text.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as FeedEvent);
}

/** Bounded polling: {@link waitUntil}, 10 s by default. */
export function until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return waitUntil(done, timeoutMs, what);
}

/** Every subscription the synthetic recordings use. */
export const SYNTHETIC_SUBS: readonly Subscription[] = [
  { channel: "quote", symbol: "PTT" },
  { channel: "book", symbol: "PTT" },
  { channel: "trade", symbol: "PTT" },
  { channel: "quote", symbol: "AOT" },
  { channel: "trade", symbol: "AOT" },
  { channel: "bar", symbol: "AOT", interval: "1m" },
  { channel: "info", symbol: "KBANK" },
  { channel: "market", symbol: "SET" },
];

/**
 * Records the synthetic feed in memory, raw and NDJSON at once, until it ends.
 * @param synthetic Synthetic options (a `limit` makes it end by itself).
 * @param recorder Recorder options other than the outputs.
 */
export async function recordSynthetic(
  synthetic: Record<string, unknown> = {},
  recorder: Partial<RecorderOptions> = {},
): Promise<{ raw: Uint8Array; ndjson: string }> {
  const { rec, raw, nd } = await memoryRecorder(recorder);
  await createFeed({
    source: rec.connector(syntheticConnector),
    subscriptions: SYNTHETIC_SUBS,
    symbols: [],
    buffer: false,
    logLevel: "silent",
    seed: 5,
    rate: "max",
    limit: 300,
    ...synthetic,
  });
  await Promise.race([
    rec.closed(),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error("recording did not end")), 10_000)
    ),
  ]);
  return { raw: raw.bytes(), ndjson: nd.text() };
}

/** A replay connector on a recording sink. */
export interface ReplayRun {
  readonly connector: ReplayConnector;
  readonly rec: RecordingSink;
}

/** Starts a replay connector (subscribing first), without waiting for its end. */
export async function startReplay(
  options: ReplayOptionsInput,
  subs: readonly Subscription[] = [],
  clock: Clock = systemClock,
): Promise<ReplayRun> {
  const rec = createRecordingSink();
  const connector = createReplayConnector(options, { sink: rec.sink, logger: silentLogger, clock });
  for (const sub of subs) await connector.subscribe(sub);
  await connector.connect();
  return { connector, rec };
}

/** Runs a replay connector to its `end` (bounded). */
export async function replayToEnd(
  options: ReplayOptionsInput,
  subs: readonly Subscription[] = [],
  timeoutMs = 10_000,
): Promise<ReplayRun> {
  const run = await startReplay(options, subs);
  try {
    await until(
      () => run.rec.statuses.some((s) => s.kind === "end"),
      "the end of the replay",
      timeoutMs,
    );
  } finally {
    await run.connector.disconnect();
  }
  return run;
}

/** A market event without the fields a replay changes by design. */
export function comparable(ev: MarketEvent): Record<string, unknown> {
  const { seq: _seq, recvMono: _mono, source: _source, origin: _origin, ...rest } = ev as
    & MarketEvent
    & {
      origin?: string;
    };
  return rest;
}
