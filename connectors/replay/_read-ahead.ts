/**
 * Reading a capture file on a worker thread (`_read-worker.ts`): the worker
 * reads the file, checks each raw frame and its checksum (`CheckAhead`) and
 * hands the bytes over in blocks of whole records, a few blocks ahead. The
 * replaying thread then only parses, decodes and delivers: on a machine with
 * two cores or more, a raw capture replays at `"max"` about a fifth faster.
 *
 * Where no worker can start (a runtime without workers, or a module that a
 * bundler left out), {@link openReadAhead} throws {@link WorkerUnavailable}
 * and the caller reads the file on its own thread, as it would anyway; the
 * result is the same events. Once a worker has failed to start, no other is
 * tried in this process.
 *
 * @module
 */

import type { ChunkSource } from "../../src/capture/source.ts";
import type { FromWorker, ToWorker } from "./_read-worker.ts";
import { startWorker, type WorkerLink } from "./_threads.ts";

/** Blocks (about a MiB each) the worker may read ahead of the replay. */
const AHEAD = 4;

/** Why a worker could not start here, once one has failed. */
let unavailable: string | undefined;

/** No worker thread could be started: read the file on this thread instead. */
export class WorkerUnavailable extends Error {
  override readonly name: string = "WorkerUnavailable";
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The module the worker runs: `.ts` next to TypeScript sources, `.js` in the build. */
function workerUrl(): URL {
  return import.meta.url.endsWith(".ts")
    ? new URL("./_read-worker.ts", import.meta.url)
    : new URL("./_read-worker.js", import.meta.url);
}

/**
 * Opens a capture file for reading on a worker thread.
 * @param path The file.
 * @returns A source of the file's bytes whose `checked()` tells how far the
 *   raw frames were checked.
 * @throws WorkerUnavailable when no worker can start (read the file on this
 *   thread); an Error with the runtime's message when the file cannot be opened.
 */
export async function openReadAhead(path: string): Promise<ChunkSource> {
  if (unavailable !== undefined) throw new WorkerUnavailable(unavailable);
  let link: WorkerLink;
  try {
    link = await startWorker(workerUrl());
  } catch (e) {
    unavailable = message(e);
    throw new WorkerUnavailable(unavailable, { cause: e });
  }
  const source = new ReadAheadSource(link, path);
  try {
    await source.opened;
  } catch (e) {
    await source.cancel();
    throw e;
  }
  return source;
}

/** The replaying thread's side of a worker that reads one file. */
class ReadAheadSource implements ChunkSource {
  /** Settles when the worker has opened the file (or could not). */
  readonly opened: Promise<void>;
  readonly #link: WorkerLink;
  readonly #blocks: { bytes: Uint8Array; checked: number }[] = [];
  #taken = 0;
  #checked = 0;
  #started = false;
  #ended = false;
  #stopped = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #onOpened: ((error?: Error) => void) | undefined;

  constructor(link: WorkerLink, path: string) {
    this.#link = link;
    this.opened = new Promise<void>((resolve, reject) => {
      this.#onOpened = (error) => (error === undefined ? resolve() : reject(error));
    });
    link.listen((m) => this.#onMessage(m as FromWorker), (e) => this.#onFailure(e));
    link.post({ op: "open", path, ahead: AHEAD } satisfies ToWorker);
  }

  async read(): Promise<Uint8Array | undefined> {
    for (;;) {
      if (this.#taken < this.#blocks.length) {
        const b = this.#blocks[this.#taken]!;
        this.#blocks[this.#taken++] = undefined!;
        if (this.#taken === this.#blocks.length) {
          this.#blocks.length = 0;
          this.#taken = 0;
        }
        this.#checked = b.checked;
        if (!this.#ended) this.#link.post({ op: "more" } satisfies ToWorker);
        return b.bytes;
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended || this.#stopped) {
        this.#stop();
        return undefined;
      }
      this.#link.hold(true);
      try {
        await new Promise<void>((resolve) => (this.#wake = resolve));
      } finally {
        this.#link.hold(false);
      }
    }
  }

  checked(): number {
    return this.#checked;
  }

  cancel(): Promise<void> {
    this.#stop();
    return Promise.resolve();
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#link.terminate();
    this.#onOpened?.(new Error("[replay] the capture was closed while opening"));
    this.#wakeReader();
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #onMessage(m: FromWorker): void {
    if (this.#stopped) return;
    switch (m.op) {
      case "opened":
        this.#started = true;
        this.#link.hold(false);
        this.#onOpened?.();
        this.#onOpened = undefined;
        return;
      case "block":
        this.#blocks.push({ bytes: m.bytes, checked: m.checked });
        break;
      case "end":
        this.#ended = true;
        this.#link.terminate();
        break;
      case "error": {
        const error = new Error(m.message);
        if (m.opening) {
          this.#onOpened?.(error);
          this.#onOpened = undefined;
        }
        this.#error = error;
        this.#ended = true;
        this.#link.terminate();
        break;
      }
    }
    this.#wakeReader();
  }

  #onFailure(e: Error): void {
    if (this.#stopped || this.#ended) return;
    this.#ended = true;
    if (!this.#started) {
      // Before the worker said a word: it could not start (or load its module).
      unavailable = e.message;
      this.#onOpened?.(new WorkerUnavailable(unavailable, { cause: e }));
      this.#onOpened = undefined;
      return;
    }
    this.#error = new Error(`[replay] the thread reading the capture failed: ${e.message}`, {
      cause: e,
    });
    this.#wakeReader();
  }
}
