/**
 * The reading thread of the replay, run for real (a worker thread needs its
 * module on disk, which the test runner's in-memory transform cannot give it
 * on Node): `_read-ahead-child.ts MODE FILE`, in the runtime that runs the
 * test. Prints one JSON line.
 *
 * - `read`: reads FILE through `openReadAhead`, and prints its size, a digest of
 *   its bytes, the blocks and how far they were checked;
 * - `replay`: checks that a worker starts here, then replays FILE at `"max"`
 *   through a feed with `worker` on and off (`onCorrupt: "skip"`), and prints
 *   a digest of the events and problems of each;
 * - `abandon`: takes one block and returns without closing (the process must
 *   still exit by itself);
 * - `missing`: replays FILE (which does not exist) and prints the error.
 *
 * @module
 */

import { createFeed } from "../../src/create-feed.ts";
import type { FeedEvent } from "../../src/events.ts";
import { replayConnector, xxh32 } from "../../connectors/replay/mod.ts";
import { openReadAhead } from "../../connectors/replay/_read-ahead.ts";

const proc = (globalThis as unknown as {
  process: { argv: string[]; stdout: { write(s: string): boolean } };
}).process;
const [mode, file] = proc.argv.slice(2);
if (mode === undefined || file === undefined) {
  throw new Error("usage: _read-ahead-child.ts MODE FILE");
}
const print = (x: unknown): void => void proc.stdout.write(`${JSON.stringify(x)}\n`);

async function read(): Promise<void> {
  const source = await openReadAhead(file!);
  const parts: Uint8Array[] = [];
  for (;;) {
    const b = await source.read();
    if (b === undefined) break;
    parts.push(b);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  print({
    bytes: all.length,
    digest: xxh32(all),
    blocks: parts.length,
    checked: source.checked!(),
  });
}

async function replay(worker: boolean): Promise<unknown> {
  const issues: string[] = [];
  const feed = await createFeed({
    source: replayConnector,
    file: file!,
    speed: "max",
    overflow: "block",
    onCorrupt: "skip",
    onIssue: (i: { message: string }) => void issues.push(i.message),
    worker,
    logLevel: "silent",
  });
  const lines: string[] = [];
  for await (const ev of feed as AsyncIterable<FeedEvent>) {
    if (ev.type === "status") {
      lines.push(`${ev.kind}`);
      if (ev.kind === "end") break;
      continue;
    }
    const { recvMono: _m, seq: _s, ...rest } = ev as FeedEvent & { seq?: number };
    lines.push(JSON.stringify(rest));
  }
  await feed.close();
  const text = new TextEncoder().encode(lines.join("\n"));
  return { events: lines.length, digest: xxh32(text), issues };
}

if (mode === "read") await read();
else if (mode === "replay") {
  // The connector reads on a worker when `openReadAhead` works here: check that it does.
  await (await openReadAhead(file)).cancel();
  print({ worker: await replay(true), thread: await replay(false) });
} else if (mode === "abandon") {
  const source = await openReadAhead(file);
  const b = await source.read();
  print({ first: b?.length ?? 0 });
} else if (mode === "missing") {
  try {
    await createFeed({ source: replayConnector, file, speed: "max", logLevel: "silent" });
    print({ error: null });
  } catch (e) {
    print({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
} else throw new Error(`unknown mode ${mode}`);
