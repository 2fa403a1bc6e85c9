/**
 * The CLI's only contact with the host runtime: `globalThis.process`, which Node,
 * Bun and Deno all provide. Nothing here is imported by the library.
 *
 * @module
 */

/** The part of a Node-style writable stream the CLI uses. */
export interface WritableLike {
  write(chunk: string): boolean;
  once(event: "drain", fn: () => void): unknown;
  on(event: "error", fn: (err: Error & { code?: string }) => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

interface ProcessLike {
  argv: string[];
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

/** A writer that honours backpressure and treats a closed pipe as the end of output. */
export class Out {
  readonly #stream: WritableLike;
  closed = false;

  /** @param stream stdout, stderr, or any writable with the same shape (tests). */
  constructor(stream: WritableLike) {
    this.#stream = stream;
    stream.on("error", (err) => {
      if (err.code === "EPIPE") this.closed = true;
      else throw err;
    });
  }

  /** Whether the stream is an interactive terminal. */
  get isTTY(): boolean {
    return this.#stream.isTTY === true;
  }

  /** Terminal width, or 100. */
  get columns(): number {
    return this.#stream.columns ?? 100;
  }

  /** Writes, waiting for the stream to drain when its buffer is full. */
  async write(text: string): Promise<void> {
    if (this.closed) return;
    if (!this.#stream.write(text)) {
      await new Promise<void>((resolve) => this.#stream.once("drain", resolve));
    }
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
}

let io: CliIo | undefined;

/** @returns The host process's stdout, stderr and environment (created once). */
export function defaultIo(): CliIo {
  io ??= { out: new Out(host().stdout), err: new Out(host().stderr), env: hostEnv() };
  return io;
}
