/**
 * Checking a raw capture ahead of its reader, e.g. on a worker thread: the
 * frames and their checksums are checked where the file is read, and the
 * bytes are handed on in blocks of whole records, each with the offset up to
 * which everything was found sound. The reading parser then skips those
 * checksums ({@link RawParser.vouch}) and never joins a record split across
 * two blocks.
 *
 * The check is a {@link RawParser} over the same bytes, so the frames it
 * vouches for are exactly those the reading parser finds. At the first thing
 * it does not like (no capture header, a damaged frame, any problem it would
 * report) it stops vouching and hands on the rest of the bytes as they come:
 * the reading parser finds the problem itself and reports it as it always does.
 *
 * @module
 */

import { END, NEED_MORE, RawParser } from "./raw-parser.ts";

const EMPTY = new Uint8Array(0);

/**
 * Receives each block: bytes that follow the previous block, and the offset
 * (from the start of the input) up to which the frames were checked. The
 * block is a buffer of its own (never a view of a pushed chunk), so it can be
 * transferred to another thread.
 */
export type CheckedBlockHandler = (bytes: Uint8Array, checked: number) => void;

/**
 * Checks a raw capture as it is read and hands it on in blocks of whole
 * records. See the module documentation.
 *
 * @example
 * ```ts
 * import { CheckAhead, RawEncoder } from "@tickwire/tickwire/connectors/replay";
 * const enc = new RawEncoder();
 * enc.begin({ source: "settrade", created: 0, part: 0, meta: {} });
 * enc.payload("proto/topic/bidofferv3/PTT", new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54]), 0, 0, 0);
 * const bytes = enc.take();
 * const blocks: [number, number][] = [];
 * const check = new CheckAhead((b, checked) => blocks.push([b.length, checked]));
 * check.push(bytes.subarray(0, 100));
 * check.push(bytes.subarray(100));
 * check.end();
 * console.log(blocks.at(-1)![1] === bytes.length); // true
 * ```
 */
export class CheckAhead {
  readonly #emit: CheckedBlockHandler;
  readonly #parser: RawParser;
  /** Bytes read and not handed on yet (they start at offset {@link CheckAhead.#sent}). */
  #carry: Uint8Array = EMPTY;
  #sent = 0;
  #checked = 0;
  #broken = false;

  /**
   * Creates a check over an input that starts at byte 0 of a capture.
   * @param emit Receives each block (it may keep or transfer the bytes).
   */
  constructor(emit: CheckedBlockHandler) {
    this.#emit = emit;
    this.#parser = new RawParser("check-ahead", "stop", () => {
      this.#broken = true;
    });
  }

  /** Offset up to which the frames were checked: a block's `checked` never exceeds its end. */
  get checked(): number {
    return this.#checked;
  }

  /** Whether checking stopped (the rest is handed on unchecked). */
  get stopped(): boolean {
    return this.#broken;
  }

  /**
   * Takes the next bytes read; hands on the whole records they complete.
   * @param chunk Bytes that follow the previous ones (kept until handed on).
   */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (!this.#broken) {
      this.#parser.push(chunk);
      this.#run();
    }
    const total = this.#carry.length + chunk.length;
    const cut = this.#broken ? total : this.#parser.position - this.#sent;
    this.#handOn(chunk, cut, total);
  }

  /** The input ended: hands on what is left. */
  end(): void {
    if (!this.#broken) {
      this.#parser.end();
      this.#run();
    }
    if (this.#carry.length > 0) this.#handOn(EMPTY, this.#carry.length, this.#carry.length);
  }

  /** Reads every whole record; moves `checked` on when nothing went wrong. */
  #run(): void {
    const p = this.#parser;
    try {
      for (;;) {
        const kind = p.next();
        if (this.#broken) return;
        if (kind === NEED_MORE || kind === END) break;
      }
    } catch {
      this.#broken = true; // no capture header, or a damaged one
      return;
    }
    if (p.stopped) this.#broken = true;
    else this.#checked = p.position;
  }

  /** Hands on the first `cut` of the `total` bytes of carry + chunk; keeps the rest. */
  #handOn(chunk: Uint8Array, cut: number, total: number): void {
    const carry = this.#carry;
    if (cut > 0) {
      let block: Uint8Array;
      if (carry.length === cut) block = carry;
      else {
        block = new Uint8Array(cut);
        const fromCarry = Math.min(cut, carry.length);
        block.set(carry.subarray(0, fromCarry), 0);
        if (cut > fromCarry) block.set(chunk.subarray(0, cut - fromCarry), fromCarry);
      }
      this.#sent += cut;
      this.#emit(block, Math.min(this.#checked, this.#sent));
    }
    if (cut >= total) {
      this.#carry = EMPTY;
      return;
    }
    // What is kept is copied: the block handed on may be transferred.
    if (cut >= carry.length) this.#carry = chunk.slice(cut - carry.length);
    else {
      const rest = new Uint8Array(total - cut);
      rest.set(carry.subarray(cut), 0);
      rest.set(chunk, carry.length - cut);
      this.#carry = rest;
    }
  }
}
