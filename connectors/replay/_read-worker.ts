/**
 * The worker thread that reads a capture file ahead of the replay and checks
 * it (`CheckAhead`): started by `openReadAhead`, one per file opened. Its
 * messages are described by {@link ToWorker} and {@link FromWorker}.
 *
 * Flow control: it reads while fewer than `ahead` blocks wait to be taken, so
 * at most `ahead` blocks (about a MiB each) are in flight.
 *
 * @module
 */

import { CheckAhead } from "../../src/capture/check-ahead.ts";
import { files } from "./_files.ts";

/** Messages to the worker. */
export type ToWorker =
  | { readonly op: "open"; readonly path: string; readonly ahead: number }
  | { readonly op: "more" };

/** Messages from the worker. */
export type FromWorker =
  | { readonly op: "opened" }
  | { readonly op: "block"; readonly bytes: Uint8Array; readonly checked: number }
  | { readonly op: "end" }
  | { readonly op: "error"; readonly message: string; readonly opening: boolean };

/** The worker's side of its link to the thread that started it. */
interface ParentPort {
  post(message: FromWorker, transfer?: ArrayBuffer[]): void;
  listen(onMessage: (message: ToWorker) => void): void;
}

async function parentPort(): Promise<ParentPort> {
  const port = (await import("node:worker_threads")).parentPort;
  if (port === null) throw new Error("tickwire: _read-worker.ts runs only as a worker thread");
  return {
    post: (message, transfer) => port.postMessage(message, transfer),
    listen: (onMessage) => port.on("message", onMessage),
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Serves one file: opens it, then reads, checks and hands it on in blocks. */
async function serve(port: ParentPort, path: string, ahead: number): Promise<void> {
  let waiting = 0;
  let wake: (() => void) | undefined;
  taken = () => {
    waiting--;
    wake?.();
  };
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = await (await files()).openRead(path);
  } catch (e) {
    port.post({ op: "error", message: message(e), opening: true });
    return;
  }
  port.post({ op: "opened" });
  const reader = stream.getReader();
  const blocks: { bytes: Uint8Array; checked: number }[] = [];
  const check = new CheckAhead((bytes, checked) => blocks.push({ bytes, checked }));
  try {
    for (;;) {
      while (waiting >= ahead) await new Promise<void>((resolve) => (wake = resolve));
      const r = await reader.read();
      if (r.done) check.end();
      else check.push(r.value);
      for (const b of blocks) {
        // A block is a buffer of its own: moved, not copied.
        port.post({ op: "block", bytes: b.bytes, checked: b.checked }, [
          b.bytes.buffer as ArrayBuffer,
        ]);
        waiting++;
      }
      blocks.length = 0;
      if (r.done) break;
    }
    port.post({ op: "end" });
  } catch (e) {
    port.post({ op: "error", message: message(e), opening: false });
    await reader.cancel().catch(() => {});
  }
}

/** Called when the reader takes a block. */
let taken = (): void => {};

// The thread that started the worker stops it once it has the end or an error.
const port = await parentPort();
port.listen((m) => {
  if (m.op === "more") taken();
  else if (m.op === "open") void serve(port, m.path, m.ahead);
});
