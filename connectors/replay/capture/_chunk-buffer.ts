/**
 * A byte buffer fed chunk by chunk, for the incremental parsers. A chunk is used
 * as is while nothing is left over from the previous one (no copy), unless it is
 * only lent; otherwise the leftover and the new chunk are joined in a buffer the
 * parser owns, which grows by doubling.
 *
 * @module
 */

const MIN_OWNED = 64 * 1024;

/** Unread bytes, their absolute offset, and whether the input has ended. */
export class ChunkBuffer {
  /** Current bytes; valid from {@link ChunkBuffer.pos} to {@link ChunkBuffer.end}. */
  buf: Uint8Array = new Uint8Array(0);
  /** Next unread byte in `buf`. */
  pos = 0;
  /** End of valid bytes in `buf`. */
  end = 0;
  /** Absolute offset (in the whole input) of `buf[0]`. */
  base = 0;
  /** Whether the input has ended (no more chunks). */
  eof = false;
  #owned = false;

  /** Bytes available. */
  get available(): number {
    return this.end - this.pos;
  }

  /** Absolute offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /**
   * Appends a chunk. Views handed out before stay valid only until this call.
   * @param chunk Bytes (kept by reference when nothing is left over and it is not lent).
   * @param lent Whether the chunk is only lent (its memory is reused after this
   *   call): it is then always copied. @default false
   */
  push(chunk: Uint8Array, lent = false): void {
    if (chunk.length === 0) return;
    const left = this.end - this.pos;
    if (left === 0 && !lent) {
      this.base += this.end;
      this.buf = chunk;
      this.pos = 0;
      this.end = chunk.length;
      this.#owned = false;
      return;
    }
    if (this.#owned && this.end + chunk.length <= this.buf.length) {
      this.buf.set(chunk, this.end);
      this.end += chunk.length;
      return;
    }
    const need = left + chunk.length;
    if (this.#owned && need <= this.buf.length) {
      this.buf.copyWithin(0, this.pos, this.end);
    } else {
      let cap = MIN_OWNED;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(this.pos, this.end), 0);
      this.buf = next;
    }
    this.buf.set(chunk, left);
    this.base += this.pos;
    this.pos = 0;
    this.end = need;
    this.#owned = true;
  }
}
