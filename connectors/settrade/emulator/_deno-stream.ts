/**
 * A fix for aedes on Deno: Deno's `node:stream` `read()` hands out one queued
 * chunk where Node hands out everything buffered, and aedes reads once per
 * `readable` event, so packets pile up unread and the connection stalls. The
 * wrapped `read()` drains every chunk. Node and Bun are left untouched.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Duplex } from "node:stream";

/** Whether the code runs on Deno. */
export function onDeno(): boolean {
  return typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
}

/**
 * Makes `stream.read()` (no size) return every buffered chunk at once, on Deno only.
 * @param stream A duplex about to be handed to `aedes.handle`.
 * @returns The same stream.
 */
export function drainingReads<T extends Duplex>(stream: T): T {
  if (!onDeno()) return stream;
  const read = stream.read.bind(stream);
  stream.read = (size?: number): unknown => {
    if (size !== undefined && size !== null) return read(size);
    const first = read();
    if (first === null) return null;
    const chunks: Buffer[] = [first as Buffer];
    for (let next = read(); next !== null; next = read()) chunks.push(next as Buffer);
    return chunks.length === 1 ? first : Buffer.concat(chunks);
  };
  return stream;
}
