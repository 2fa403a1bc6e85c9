/**
 * A fix for aedes on Deno and on Node 26: their `node:stream` `read()` hands out
 * one queued chunk, where Node up to 24 and Bun hand out everything buffered, and
 * aedes reads once per `readable` event, so packets pile up unread and the
 * connection stalls (a client waits for its CONNACK). The wrapped `read()` drains
 * every chunk; where `read()` already did, the second call finds nothing.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Duplex } from "node:stream";

/**
 * Makes `stream.read()` (no size) return every buffered chunk at once.
 * @param stream A duplex about to be handed to `aedes.handle`.
 * @returns The same stream.
 */
export function drainingReads<T extends Duplex>(stream: T): T {
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
