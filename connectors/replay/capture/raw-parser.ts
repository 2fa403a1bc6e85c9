/**
 * The reading side of the raw capture format: an incremental parser over chunks.
 *
 * Feed it with `push` (and `end` at the end of the input), and pull records with
 * {@link RawParser.next}, which returns the record's kind, {@link NEED_MORE} or
 * {@link END}. The current record's fields are properties of the parser (no object
 * per record); `payload` is a view into the input that stays valid until the next
 * `push`.
 *
 * A truncated or damaged tail is reported with its byte offset and record number,
 * and reading ends cleanly there. A damaged record in the middle is reported too;
 * `onCorrupt` then decides: `"stop"` ends there, `"skip"` resynchronises on the next
 * valid record (a marker, a known kind, a plausible length and a matching checksum:
 * CRC-32C in a part of format version 1, XXH32 from version 2 on).
 * Captures joined end to end (`cat part0 part1`) read as one: a header where a
 * record would start begins a new part.
 *
 * @module
 */

import { DecodeError } from "../../../src/errors.ts";
import { EventJsonProblem, readEventJson } from "./_event-json.ts";
import { findValid, frameAt, isMagicAt, plausible, u32 } from "./_frames.ts";
import { ParserBase } from "./_parser-base.ts";
import type { CaptureIssueCode, IssueHandler, OnCorrupt } from "./issues.ts";
import {
  CAPTURE_MAGIC,
  CAPTURE_VERSION,
  type CaptureHeader,
  FRAME_OVERHEAD,
  type FrameChecksum,
  frameChecksum,
  hexBytes,
  isKnownKind,
  KIND_CLOSE,
  KIND_PAYLOAD,
  KIND_STATUS,
  KIND_TOPIC,
  parseHeader,
  RECORD_MARKER,
  TIMED_PREFIX,
} from "./raw-format.ts";

/** Returned by `next()` when more input is needed. */
export const NEED_MORE: number = -1;
/** Returned by `next()` at the end of the records. */
export const END: number = 0;

const EMPTY = new Uint8Array(0);

/** Resynchronising checksums at most this many times the bytes read... */
export const RESYNC_WORK_FACTOR = 4;
/** ...plus this many bytes (room for a few of the largest frames). */
export const RESYNC_WORK_ALLOWANCE: number = 4 * 1_048_576;

/** Incremental parser of a raw capture. See the module documentation. */
export class RawParser extends ParserBase {
  /** The header of the current file part (set once the header has been read). */
  header: CaptureHeader | undefined;
  /**
   * Number of the current payload record's topic in this part of the capture
   * (numbers restart with each header): a cheap key for per-topic state.
   */
  topicId = 0;
  /** Topic of a payload record. */
  topic: string = "";
  /**
   * The buffer that holds the current payload record's bytes at
   * `[payloadStart, payloadEnd)`, valid until the next `push`: what a hot loop
   * reads, with no view made per record.
   */
  payloadBuffer: Uint8Array = EMPTY;
  /** Offset of the current payload in {@link RawParser.payloadBuffer}. */
  payloadStart = 0;
  /** End of the current payload in {@link RawParser.payloadBuffer} (exclusive). */
  payloadEnd = 0;

  /** Bytes of a payload record: a view (made on each read) valid until the next `push`. */
  get payload(): Uint8Array {
    return this.payloadBuffer.subarray(this.payloadStart, this.payloadEnd);
  }
  /** Close records: when the file was closed, epoch ms. */
  closedTs: number = 0;
  /** Close records: why. */
  closeReason: string = "";
  /**
   * Bytes checksummed while resynchronising, over the whole read: at most
   * {@link RESYNC_WORK_FACTOR} times the bytes read plus {@link RESYNC_WORK_ALLOWANCE}
   * (a candidate frame that would take it over is not checked), so damage costs
   * linear time however it is crafted.
   */
  resyncHashed = 0;
  /** Candidate frames passed over unchecked because of that bound. */
  resyncUnchecked = 0;
  /** Topic names by number: an array, as numbers count up from 1 (a stray large one still works). */
  #topics: (string | undefined)[] = [];
  readonly #text = new TextDecoder();
  #view: DataView = new DataView(new ArrayBuffer(0));
  #viewOf: Uint8Array | undefined;
  #needHeader = true;
  /** Checksum of the current part's format version. */
  #sum: FrameChecksum = frameChecksum(CAPTURE_VERSION);
  #resync: { from: number; record: number; what: string; code: CaptureIssueCode } | undefined;

  /**
   * Creates a parser; feed it with `push` and `end`.
   * @param name File name or `"stream"`, for messages.
   * @param onCorrupt What follows a damaged record. @default "stop"
   * @param onIssue Receives each problem found.
   */
  constructor(name: string, onCorrupt: OnCorrupt = "stop", onIssue: IssueHandler = () => {}) {
    super(name, onCorrupt, onIssue);
  }

  /**
   * Reads the header if it is not read yet.
   * @returns Whether the header is available (`false`: push more input).
   * @throws DecodeError when the header is missing, damaged or of a newer version.
   */
  headerReady(): boolean {
    return !(this.#needHeader && this.#readHeader() === NEED_MORE);
  }

  /**
   * Advances to the next record.
   * @returns The record kind (`1` payload, `2` status, `3` event, `5` close), {@link NEED_MORE} or {@link END}.
   * @throws DecodeError when the first header is missing, damaged or of a newer version.
   */
  next(): number {
    const inp = this.input;
    for (;;) {
      if (this.halted) return END;
      const pending = this.#resync !== undefined
        ? this.#scan()
        : this.#needHeader
        ? this.#readHeader()
        : undefined;
      if (pending !== undefined) {
        if (pending !== 0) return pending;
        continue;
      }
      const avail = inp.end - inp.pos;
      if (avail === 0) return inp.eof ? END : NEED_MORE;
      const buf = inp.buf;
      const p = inp.pos;
      if (buf[p] !== RECORD_MARKER) {
        if (buf[p] === CAPTURE_MAGIC[0]) {
          if (avail < CAPTURE_MAGIC.length && !inp.eof) return NEED_MORE;
          if (isMagicAt(buf, p, inp.end)) {
            this.#needHeader = true;
            continue;
          }
        }
        this.#damaged(
          "corrupt",
          `byte 0x${hexBytes(buf.subarray(p, p + 1))} where a record starts`,
        );
        continue;
      }
      if (avail < 6) {
        if (!inp.eof) return NEED_MORE;
        this.#badTail(avail, undefined);
        continue;
      }
      const view = this.#dataView(buf);
      const kind = buf[p + 1]!;
      const len = view.getUint32(p + 2, true);
      if (!plausible(kind, len)) {
        this.#damaged(
          "corrupt",
          isKnownKind(kind) ? `implausible length ${len}` : `unknown kind ${kind}`,
        );
        continue;
      }
      if (avail < len + FRAME_OVERHEAD) {
        if (!inp.eof) return NEED_MORE;
        this.#badTail(avail, len + FRAME_OVERHEAD);
        continue;
      }
      if (this.#sum(view, p + 1, p + 6 + len) !== view.getUint32(p + 6 + len, true)) {
        this.#damaged("corrupt", "checksum mismatch");
        continue;
      }
      this.records++;
      this.record = this.records;
      this.offset = inp.base + p;
      inp.pos = p + len + FRAME_OVERHEAD;
      const r = this.#body(kind, buf, view, p + 6, len);
      if (r !== 0) return r;
    }
  }

  /** Decodes a verified body; returns the kind to hand out, or 0 to go on. */
  #body(kind: number, buf: Uint8Array, view: DataView, at: number, len: number): number {
    if (kind === KIND_TOPIC) {
      this.#topics[view.getUint32(at, true)] = this.#text.decode(buf.subarray(at + 4, at + len));
      return 0;
    }
    if (kind === KIND_CLOSE) {
      this.kind = kind;
      this.closedTs = view.getFloat64(at, true);
      this.closeReason = this.#text.decode(buf.subarray(at + 8, at + len));
      return kind;
    }
    this.recvTs = view.getFloat64(at, true);
    this.recvMono = view.getFloat64(at + 8, true);
    this.epoch = view.getUint32(at + 16, true);
    if (kind === KIND_PAYLOAD) {
      const id = view.getUint32(at + TIMED_PREFIX, true);
      const topic = this.#topics[id];
      if (topic === undefined) {
        const what = `refers to topic ${id}, which was never defined in this file; record skipped`;
        this.report("record", "topic", this.offset, this.record, what);
        return 0;
      }
      this.kind = kind;
      this.topicId = id;
      this.topic = topic;
      this.payloadBuffer = buf;
      this.payloadStart = at + TIMED_PREFIX + 4;
      this.payloadEnd = at + len;
      return kind;
    }
    const json = readEventJson(
      this.#text.decode(buf.subarray(at + TIMED_PREFIX, at + len)),
      kind === KIND_STATUS ? "status" : "event",
    );
    if (json instanceof EventJsonProblem) {
      const stop = this.onCorrupt === "stop";
      const what = `${json.what}${stop ? "; reading stops here" : "; record skipped"}`;
      this.report("record", json.code, this.offset, this.record, what, { field: json.field });
      if (stop) this.halted = true;
      return 0;
    }
    this.kind = kind;
    this.value = json;
    return kind;
  }

  #readHeader(): number {
    const inp = this.input;
    let h: ReturnType<typeof parseHeader>;
    try {
      h = parseHeader(inp.buf.subarray(inp.pos, inp.end), inp.eof, this.name);
    } catch (e) {
      if (this.header === undefined || !(e instanceof DecodeError)) throw e;
      this.#needHeader = false;
      this.#damaged("corrupt", `a damaged header of a concatenated part (${e.message})`);
      return 0;
    }
    if (h === undefined) return NEED_MORE;
    this.header = h.header;
    this.#sum = frameChecksum(h.header.version);
    inp.pos += h.length;
    this.#needHeader = false;
    this.#topics = [];
    return 0;
  }

  /** The input ends inside a frame of `need` bytes (unknown when the length is missing). */
  #badTail(avail: number, need: number | undefined): void {
    const inp = this.input;
    if (this.#findValid() >= 0) {
      const len = need === undefined ? "" : `length ${need - FRAME_OVERHEAD} `;
      this.#damaged("corrupt", `${len}runs past the end of the data`);
      return;
    }
    const of = need === undefined ? "" : ` of ${need}`;
    const what =
      `ends inside it: ${avail}${of} bytes present (a write cut short); everything before it was read`;
    this.report("record", "truncated", inp.offset, this.records + 1, what, {
      tail: true,
      skipped: avail,
    });
    inp.pos = inp.end;
    this.halted = true;
  }

  /** A damaged frame at the current position: stop, or start resynchronising. */
  #damaged(code: CaptureIssueCode, what: string): void {
    const inp = this.input;
    const at = inp.offset;
    const record = ++this.records;
    if (this.onCorrupt === "skip") {
      this.#resync = { from: at, record, what, code };
      inp.pos += 1;
      return;
    }
    const tail = inp.eof && this.#findValid() < 0;
    const text = `is damaged (${what}); reading stops here (onCorrupt "stop")`;
    this.report("record", code, at, record, text, { tail, skipped: inp.end - inp.pos });
    inp.pos = inp.end;
    this.halted = true;
  }

  /** A valid frame after the current position (within the resynchronisation work bound), or -1. */
  #findValid(): number {
    const inp = this.input;
    const budget = {
      left: RESYNC_WORK_FACTOR * (inp.base + inp.end) + RESYNC_WORK_ALLOWANCE - this.resyncHashed,
    };
    const start = budget.left;
    const at = findValid(inp.buf, inp.pos + 1, inp.end, this.#sum, budget);
    this.resyncHashed += start - budget.left;
    return at;
  }

  /** Resynchronising: looks for the next valid frame. Returns NEED_MORE/END, or 0 when found. */
  #scan(): number {
    const inp = this.input;
    const r = this.#resync!;
    for (;;) {
      const s = inp.buf.subarray(0, inp.end).indexOf(RECORD_MARKER, inp.pos);
      if (s < 0) {
        inp.pos = inp.end;
        if (!inp.eof) return NEED_MORE;
        this.#resync = undefined;
        const skipped = inp.offset - r.from;
        const what =
          `is damaged (${r.what}) and no valid record follows; ${skipped} bytes skipped to the end`;
        this.report("record", r.code, r.from, r.record, what, { tail: true, skipped });
        this.halted = true;
        return END;
      }
      inp.pos = s;
      const avail = inp.end - s;
      if (avail >= 6) {
        const len = u32(inp.buf, s + 2);
        if (plausible(inp.buf[s + 1]!, len) && avail >= len + FRAME_OVERHEAD) {
          const cost = len + 5;
          const budget = RESYNC_WORK_FACTOR * (inp.base + s) + RESYNC_WORK_ALLOWANCE;
          if (this.resyncHashed + cost > budget) {
            this.resyncUnchecked++;
            inp.pos = s + 1;
            continue;
          }
          this.resyncHashed += cost;
        }
      }
      const check = frameAt(inp.buf, this.#dataView(inp.buf), s, inp.end, inp.eof, this.#sum);
      if (check === -1) return NEED_MORE;
      if (check === 1) {
        this.#resync = undefined;
        const skipped = inp.base + s - r.from;
        const what =
          `is damaged (${r.what}); skipped ${skipped} bytes to the next valid record at byte ${
            inp.base + s
          }`;
        this.report("record", r.code, r.from, r.record, what, { skipped });
        return 0;
      }
      inp.pos = s + 1;
    }
  }

  #dataView(buf: Uint8Array): DataView {
    if (this.#viewOf !== buf) {
      this.#viewOf = buf;
      this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    return this.#view;
  }
}
