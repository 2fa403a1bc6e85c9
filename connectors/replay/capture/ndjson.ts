/**
 * Event captures as NDJSON: one event per line, in the event model's JSON shape.
 * {@link NdjsonParser} reads them incrementally, validating every line by the
 * event schemas' rules (`_event-json.ts`); {@link eventLine} writes one.
 *
 * A line that is not JSON, or not a valid event, is reported with its line number
 * and the field that failed; `onCorrupt` decides what follows (`"stop"` or `"skip"`).
 * A last line without its newline that does not parse is a truncated tail (a write
 * cut short). Blank lines are ignored.
 *
 * @module
 */

import type { FeedEvent } from "../../../src/events.ts";
import { EventJsonProblem, readEventJson } from "./_event-json.ts";
import { ParserBase } from "./_parser-base.ts";
import type { CaptureIssueCode, IssueHandler, OnCorrupt } from "./issues.ts";
import { KIND_EVENT, KIND_STATUS } from "./raw-format.ts";
import { END, NEED_MORE } from "./raw-parser.ts";

const NL = 0x0a;
const MAX_LINE = 1 << 20;
/**
 * Bytes of complete lines decoded at once (a run may be longer when a single
 * line is): a longer string would be allocated outside V8's regular heap pages,
 * which costs more than decoding lines one by one.
 */
const RUN = 1 << 15;

/**
 * One NDJSON line for an event.
 *
 * @param ev Any feed event.
 * @returns `JSON.stringify(ev)` and a newline.
 * @example
 * ```ts
 * import { eventLine } from "./ndjson.ts";
 * console.log(eventLine({ type: "status", kind: "end", source: "x", epoch: 0, recvTs: 0, recvMono: 0 }).endsWith("\n")); // true
 * ```
 */
export function eventLine(ev: FeedEvent): string {
  return `${JSON.stringify(ev)}\n`;
}

/**
 * Incremental, validating NDJSON reader; the same pull interface as `RawParser`.
 *
 * Complete lines are decoded to text a run at a time (up to 32 KiB of them: one
 * string, not one per line, and one `subarray` less per line); each line is then
 * a slice of the run, handed to `JSON.parse`. A line's byte offset is the run's
 * start plus its character index when every byte of the run became one
 * character (ASCII, the usual case), and is found in the bytes otherwise.
 */
export class NdjsonParser extends ParserBase {
  readonly #text = new TextDecoder();
  #line = 0;
  #discarding = false;
  /** Text of the complete lines in `#runBuf` from `#runFrom` to `#runTo` (bytes). */
  #run = "";
  /** The input buffer (and its base) the run was decoded from. */
  #runBuf: Uint8Array | undefined;
  #runBase = 0;
  #runFrom = 0;
  #runTo = 0;
  /** Whether each byte of the run is one character (byte index = `#runFrom` + character index). */
  #runFlat = false;
  /** The next line of the run: its byte position in the buffer and its character index. */
  #runPos = 0;
  #runAt = 0;

  /**
   * Creates a parser; feed it with `push` and `end`.
   * @param name File name or `"stream"`, for messages.
   * @param onCorrupt What follows an invalid line. @default "stop"
   * @param onIssue Receives each problem found.
   */
  constructor(name: string, onCorrupt: OnCorrupt = "stop", onIssue: IssueHandler = () => {}) {
    super(name, onCorrupt, onIssue);
  }

  /**
   * Advances to the next event.
   * @returns `KIND_STATUS` or `KIND_EVENT`, {@link NEED_MORE} or {@link END}.
   */
  next(): number {
    const inp = this.input;
    for (;;) {
      if (this.halted || (inp.eof && inp.available === 0)) return END;
      if (inp.available === 0) return NEED_MORE;
      if (this.#discarding) {
        const at = this.#newline(inp.buf, inp.pos, inp.end);
        inp.pos = at < 0 ? inp.end : at + 1;
        if (at >= 0) this.#discarding = false;
        continue;
      }
      const offset = inp.offset;
      let text: string;
      let complete = true;
      if (
        inp.pos === this.#runPos && inp.pos < this.#runTo && inp.buf === this.#runBuf &&
        inp.base === this.#runBase
      ) {
        const at = this.#runAt;
        const nlAt = this.#run.indexOf("\n", at);
        const nl = this.#runFlat ? this.#runFrom + nlAt : inp.buf.indexOf(NL, inp.pos);
        text = this.#run.slice(at, nlAt);
        this.#runAt = nlAt + 1;
        this.#runPos = inp.pos = nl + 1;
      } else {
        const limit = Math.min(inp.end, inp.pos + RUN);
        let last = inp.buf.lastIndexOf(NL, limit - 1);
        if (last < inp.pos) last = this.#newline(inp.buf, limit, inp.end);
        if (last >= 0) {
          this.#decodeRun(last + 1);
          continue;
        }
        if (inp.available > MAX_LINE) {
          this.#line++;
          this.#bad("corrupt", inp.offset, `is longer than ${MAX_LINE} bytes`);
          inp.pos = inp.end;
          this.#discarding = true;
          continue;
        }
        if (!inp.eof) return NEED_MORE;
        complete = false;
        text = this.#text.decode(inp.buf.subarray(inp.pos, inp.end));
        inp.pos = inp.end;
      }
      this.#line++;
      if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) {
        text = text.trim();
        if (text === "") continue;
      }
      const ev = readEventJson(text);
      if (ev instanceof EventJsonProblem) {
        if (!complete && ev.code === "json") {
          const what =
            "has no newline and is cut short (a write cut short); everything before it was read";
          this.report("line", "truncated", offset, this.#line, what, { tail: true });
          this.halted = true;
          return END;
        }
        this.#bad(ev.code, offset, ev.what, ev.field);
        continue;
      }
      this.value = ev;
      this.recvTs = ev.recvTs;
      this.recvMono = ev.recvMono;
      this.epoch = ev.epoch;
      this.kind = ev.type === "status" ? KIND_STATUS : KIND_EVENT;
      this.record = this.#line;
      this.offset = offset;
      this.records++;
      return this.kind;
    }
  }

  /** Decodes the complete lines from the read position to `to` (just past a newline). */
  #decodeRun(to: number): void {
    const inp = this.input;
    const run = this.#text.decode(inp.buf.subarray(inp.pos, to));
    this.#run = run;
    this.#runBuf = inp.buf;
    this.#runBase = inp.base;
    this.#runFrom = inp.pos;
    this.#runTo = to;
    this.#runFlat = run.length === to - inp.pos;
    this.#runPos = inp.pos;
    this.#runAt = 0;
  }

  /** The first newline in `buf[from, end)`, or -1 (never looks past `end`). */
  #newline(buf: Uint8Array, from: number, end: number): number {
    if (from >= end) return -1;
    const at = buf.subarray(from, end).indexOf(NL);
    return at < 0 ? -1 : from + at;
  }

  #bad(code: CaptureIssueCode, offset: number, what: string, field?: string): void {
    const stop = this.onCorrupt === "stop";
    const then = stop ? '; reading stops here (onCorrupt "stop")' : "; line skipped";
    this.report("line", code, offset, this.#line, `${what}${then}`, { field });
    if (stop) this.halted = true;
  }
}
