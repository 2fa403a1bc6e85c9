/**
 * The CLI's only contact with the host runtime: `globalThis.process`, which Node,
 * Bun and Deno all provide. Nothing here is imported by the library.
 *
 * @module
 */

/** The part of a Node-style writable stream the CLI uses. */
export interface WritableLike {
  write(chunk: string, callback?: (err?: Error | null) => void): boolean;
  once(event: "drain", fn: () => void): unknown;
  on(event: "error", fn: (err: Error & { code?: string }) => void): unknown;
  on(event: "close" | "resize", fn: () => void): unknown;
  off?(event: "resize", fn: () => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

interface ProcessLike {
  argv: string[];
  execArgv?: string[];
  execPath: string;
  pid?: number;
  env: Record<string, string | undefined>;
  stdout: WritableLike;
  stderr: WritableLike;
  stdin: AsyncIterable<Uint8Array | string> & { isTTY?: boolean };
  exitCode?: number;
  exit(code?: number): never;
  on(signal: "SIGINT" | "SIGTERM", fn: () => void): unknown;
  off(signal: "SIGINT" | "SIGTERM", fn: () => void): unknown;
}

/** The host process. */
export function host(): ProcessLike {
  const p = (globalThis as { process?: ProcessLike }).process;
  if (p === undefined) {
    throw new Error("tickwire CLI needs a runtime with a global process (Node, Bun, Deno)");
  }
  return p;
}

/** Environment variables, or `{}` where they cannot be read. */
export function hostEnv(): Record<string, string | undefined> {
  try {
    return { ...host().env };
  } catch {
    return {};
  }
}

/** Error codes that mean the reader went away: the end of output, not a failure. */
const CLOSED_CODES: ReadonlySet<string> = new Set([
  "EPIPE",
  "ERR_STREAM_DESTROYED",
  "ERR_STREAM_WRITE_AFTER_END",
  "ECONNRESET",
]);

/**
 * A writer that honours backpressure, treats a closed pipe as the end of output
 * (`head` has read enough: not an error), and can wait until everything written
 * has reached the operating system, so that nothing is lost at exit.
 */
export class Out {
  readonly #stream: WritableLike;
  #closed = false;
  #error: Error | undefined;
  readonly #waiters = new Set<() => void>();

  /** @param stream stdout, stderr, or any writable with the same shape (tests). */
  constructor(stream: WritableLike) {
    this.#stream = stream;
    stream.on("error", (err) => this.#close(err));
    stream.on("close", () => this.#close());
  }

  #close(err?: Error & { code?: string }): void {
    if (err !== undefined && !CLOSED_CODES.has(err.code ?? "") && this.#error === undefined) {
      this.#error = err;
    }
    this.#closed = true;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** Whether the reader has gone (a closed pipe) or writing failed: later writes are dropped. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A write failure other than a closed pipe, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Whether the stream is an interactive terminal. */
  get isTTY(): boolean {
    return this.#stream.isTTY === true;
  }

  /** Terminal width, or 100 when unknown. */
  get columns(): number {
    const c = this.#stream.columns;
    return typeof c === "number" && c > 0 ? c : 100;
  }

  /**
   * Calls `fn` when the terminal is resized.
   * @param fn Called after each resize.
   * @returns A function that stops the calls.
   */
  onResize(fn: () => void): () => void {
    if (this.#stream.off === undefined) return () => {};
    this.#stream.on("resize", fn);
    return () => this.#stream.off?.("resize", fn);
  }

  /** Resolves when `register` calls back, or at once when the stream closes. */
  #wait(register: (done: () => void) => void): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let settled = false;
      const done = (): void => {
        if (settled) return;
        settled = true;
        this.#waiters.delete(done);
        resolve();
      };
      this.#waiters.add(done);
      try {
        register(done);
      } catch (e) {
        this.#close(e as Error);
      }
    });
  }

  /** Writes, waiting for the stream to drain when its buffer is full. */
  async write(text: string): Promise<void> {
    if (this.#closed) return;
    let ok: boolean;
    try {
      ok = this.#stream.write(text);
    } catch (e) {
      this.#close(e as Error);
      return;
    }
    if (!ok) await this.#wait((done) => this.#stream.once("drain", done));
  }

  /**
   * Waits until everything written so far has been handed to the operating system
   * (or the reader has gone). Call it before exiting: an exit drops what is still
   * buffered.
   */
  flush(): Promise<void> {
    return this.#wait((done) => this.#stream.write("", () => done()));
  }
}

/** Runs `fn` on SIGINT/SIGTERM; returns a function removing the handlers. */
export function onInterrupt(fn: (signal: string) => void): () => void {
  const p = host();
  const int = (): void => fn("SIGINT");
  const term = (): void => fn("SIGTERM");
  p.on("SIGINT", int);
  p.on("SIGTERM", term);
  return () => {
    p.off("SIGINT", int);
    p.off("SIGTERM", term);
  };
}

/** Where a command reads and writes: the host process by default, in-memory in tests. */
export interface CliIo {
  readonly out: Out;
  readonly err: Out;
  readonly env: Record<string, string | undefined>;
  /** Ends the process at once (a third interrupt); tests give their own. @default the host's */
  readonly exit?: (code: number) => void;
}

let io: CliIo | undefined;

/** @returns The host process's stdout, stderr and environment (created once). */
export function defaultIo(): CliIo {
  io ??= { out: new Out(host().stdout), err: new Out(host().stderr), env: hostEnv() };
  return io;
}
