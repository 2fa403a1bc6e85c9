/**
 * Hostile captures for the fuzz test, built from code so that they can be
 * regenerated (`corpus/make.ts` writes the small ones to `corpus/`) and the large
 * ones made at test time instead of being stored.
 *
 * @module
 */

import { gzipSync } from "node:zlib";
import { gzipBlock } from "../../../connectors/replay/capture/gzip.ts";
import { RawEncoder } from "../../../connectors/replay/capture/raw-encoder.ts";
import type { MarketEvent } from "../../../src/events.ts";
import { quote } from "./_helpers.ts";

/** A header and one event record: the start of every crafted capture. */
function opening(): RawEncoder {
  const enc = new RawEncoder();
  enc.begin({ source: "synthetic", created: 1, part: 0, meta: {} });
  enc.event(quote(1) as MarketEvent);
  return enc;
}

/**
 * A damaged region made of candidate frames every 6 bytes (marker, kind 1, a
 * plausible length of 1,000,000), each with a wrong checksum, then one valid event:
 * a resynchronisation that checksums every candidate costs n × 1 MB.
 * @param size Bytes of the damaged region.
 * @returns The capture.
 */
export function craftedResync(size: number): Uint8Array {
  const enc = opening();
  const head = enc.take();
  const unit = [0xd5, 0x01, 0x40, 0x42, 0x0f, 0x00];
  const damage = new Uint8Array(size);
  for (let i = 0; i < size; i++) damage[i] = unit[i % 6]!;
  enc.event(quote(2) as MarketEvent);
  const tail = enc.take();
  const out = new Uint8Array(head.length + size + tail.length);
  out.set(head, 0);
  out.set(damage, head.length);
  out.set(tail, head.length + size);
  return out;
}

/**
 * A compressed capture whose second block (with its `TW` length) inflates to `mib`
 * MiB of zeros: a gzip bomb in the recorder's own layout.
 * @param mib Decompressed size of the bomb, MiB. @returns The capture.
 */
export async function memberBomb(mib: number): Promise<Uint8Array> {
  const first = await gzipBlock(opening().take());
  const bomb = await gzipBlock(new Uint8Array(mib * 1_048_576));
  const out = new Uint8Array(first.length + bomb.length);
  out.set(first, 0);
  out.set(bomb, first.length);
  return out;
}

/**
 * A gzip stream without block lengths (as `gzip` writes) of one NDJSON line then
 * `mib` MiB of spaces: a bomb read as one stream.
 * @param mib Decompressed size, MiB. @returns The file.
 */
export function streamBomb(mib: number): Uint8Array {
  const line = new TextEncoder().encode(`${JSON.stringify(quote(1))}\n`);
  const body = new Uint8Array(line.length + mib * 1_048_576).fill(0x20);
  body.set(line, 0);
  return new Uint8Array(gzipSync(body, { level: 9 }));
}

/**
 * A compressed block whose `TW` field claims 4 GiB, followed by a few bytes.
 * @returns The file.
 */
export async function claimsHuge(): Promise<Uint8Array> {
  const block = await gzipBlock(opening().take());
  new DataView(block.buffer, block.byteOffset).setUint32(16, 0xffff_ffff, true);
  return block;
}

/** The stored corpus: file name → builder (each file a few tens of KB at most). */
export const CORPUS: Readonly<Record<string, () => Uint8Array | Promise<Uint8Array>>> = {
  "resync-crafted-64k.twr": () => craftedResync(64 * 1024),
  "member-bomb-64m.twr.gz": () => memberBomb(64),
  "stream-bomb-64m.ndjson.gz": () => streamBomb(64),
  "claims-4g.twr.gz": claimsHuge,
};
