/** An in-memory stdout/stderr pair for running CLI commands inside a test. */
import { type CliIo, Out, type WritableLike } from "../../cli/_runtime.ts";

export interface MemoryIo extends CliIo {
  stdout(): string;
  stderr(): string;
}

function memoryWritable(chunks: string[], isTTY: boolean): WritableLike {
  return {
    write(chunk: string, callback?: (err?: Error | null) => void): boolean {
      chunks.push(chunk);
      callback?.();
      return true;
    },
    once(): unknown {
      return undefined;
    },
    on(): unknown {
      return undefined;
    },
    isTTY,
    columns: 120,
  };
}

export function memoryIo(env: Record<string, string | undefined> = {}, isTTY = false): MemoryIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: new Out(memoryWritable(out, isTTY)),
    err: new Out(memoryWritable(err, false)),
    env,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}
