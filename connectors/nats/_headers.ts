/**
 * The two headers the consumer reads on every message, `Content-Type` and
 * `Nats-Msg-Id`, read from the bytes of the header block.
 *
 * Why: `msg.headers` of nats.js decodes the whole block into a `MsgHdrs` (a
 * string of the block, split into lines, each sliced, trimmed, its name
 * checked, a map of arrays) for the two values the consumer wants. This reader
 * scans the bytes the client holds (`MsgImpl`'s `_rdata` and `_msg.hdr`) and
 * gives the same two values, the known `Content-Type` as the very string the
 * caller passed (no new string).
 *
 * It gives up rather than judges: when the client does not hold the bytes that
 * way (another version), or the block is anything but `NATS/1.0` and
 * `Name: value` lines of printable ASCII, it asks `msg.headers`, so a value never
 * depends on a case this reader was not written for.
 *
 * @module
 */

import type { JsMsg } from "@nats-io/jetstream";
import { asciiString } from "./_string-cache.ts";

/** Where nats.js 3 keeps a message's bytes; read only when each has the expected type. */
interface ClientMsg {
  readonly msg?: { readonly _rdata?: unknown; readonly _msg?: { readonly hdr?: unknown } };
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const TAB = 9;
const CR = 13;
const LF = 10;
const SPACE = 32;
const COLON = 58;

function equals(b: Uint8Array, start: number, end: number, want: Uint8Array): boolean {
  if (end - start !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (b[start + i] !== want[i]) return false;
  return true;
}

/** Reads the headers of one message at a time; the values stay until the next. */
export class HeaderReader {
  /** `Content-Type` as `msg.headers?.get("Content-Type")` gives it. */
  contentType: string | undefined = undefined;
  /** `Nats-Msg-Id` as `msg.headers?.get("Nats-Msg-Id") ?? ""` gives it. */
  msgId = "";
  readonly #known: string;
  readonly #knownBytes: Uint8Array;
  readonly #status = enc("NATS/1.0\r\n");
  readonly #ctName = enc("Content-Type");
  readonly #idName = enc("Nats-Msg-Id");

  /** @param known The `Content-Type` most messages carry, given back as this string. */
  constructor(known: string) {
    this.#known = known;
    this.#knownBytes = enc(known);
  }

  /**
   * Reads the headers of `m` into {@link contentType} and {@link msgId}.
   * @param m A message of the consumer.
   */
  read(m: JsMsg): void {
    const inner = (m as ClientMsg).msg;
    const data = inner?._rdata;
    const hdr = inner?._msg?.hdr;
    if (data instanceof Uint8Array && typeof hdr === "number" && hdr <= data.length) {
      if (hdr < 0) {
        this.contentType = undefined;
        this.msgId = "";
        return;
      }
      if (this.#scan(data, hdr)) return;
    }
    const h = m.headers;
    this.contentType = h?.get("Content-Type");
    this.msgId = h?.get("Nats-Msg-Id") ?? "";
  }

  /** @returns False when the block is not the plain form (then nothing is set). */
  #scan(b: Uint8Array, end: number): boolean {
    const status = this.#status;
    if (end < status.length || !equals(b, 0, status.length, status)) return false;
    let ct = -1;
    let ctEnd = -1;
    let id = -1;
    let idEnd = -1;
    let p = status.length;
    while (p < end) {
      const line = p;
      let colon = -1;
      let q = p;
      for (; q < end; q++) {
        const c = b[q]!;
        if (c === CR) break;
        if (c === COLON) {
          if (colon < 0) colon = q;
        } else if ((c < SPACE && c !== TAB) || c > 0x7e) return false;
      }
      if (q + 1 >= end || b[q + 1] !== LF) return false;
      p = q + 2;
      if (colon < 0) continue; // an empty line, or one the client skips too
      // A name is 33-126 (the client refuses others).
      if (colon === line) return false;
      for (let i = line; i < colon; i++) if (b[i]! <= SPACE) return false;
      let vs = colon + 1;
      let ve = q;
      while (vs < ve && (b[vs] === SPACE || b[vs] === TAB)) vs++;
      while (ve > vs && (b[ve - 1] === SPACE || b[ve - 1] === TAB)) ve--;
      if (ct < 0 && equals(b, line, colon, this.#ctName)) {
        ct = vs;
        ctEnd = ve;
      } else if (id < 0 && equals(b, line, colon, this.#idName)) {
        id = vs;
        idEnd = ve;
      }
    }
    this.contentType = ct < 0
      ? ""
      : equals(b, ct, ctEnd, this.#knownBytes)
      ? this.#known
      : asciiString(b, ct, ctEnd);
    this.msgId = id < 0 ? "" : asciiString(b, id, idEnd);
    return true;
  }
}
