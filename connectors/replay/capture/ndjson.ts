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

/** Incremental, validating NDJSON reader; the same pull interface as `RawParser`. */
export class NdjsonParser extends ParserBase {
  readonly #text = new TextDecoder();
  #line = 0;
  #discarding = false;

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
        const at = inp.buf.subarray(0, inp.end).indexOf(NL, inp.pos);
        inp.pos = at < 0 ? inp.end : at + 1;
        if (at >= 0) this.#discarding = false;
        continue;
      }
      let nl = inp.buf.subarray(0, inp.end).indexOf(NL, inp.pos);
      const complete = nl >= 0;
      if (!complete) {
        if (inp.available > MAX_LINE) {
          this.#line++;
          this.#bad("corrupt", inp.offset, `is longer than ${MAX_LINE} bytes`);
          inp.pos = inp.end;
          this.#discarding = true;
          continue;
        }
        if (!inp.eof) return NEED_MORE;
        nl = inp.end;
      }
      const start = inp.pos;
      const offset = inp.offset;
      inp.pos = complete ? nl + 1 : nl;
      this.#line++;
      const text = this.#text.decode(inp.buf.subarray(start, nl)).trim();
      if (text === "") continue;
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

  #bad(code: CaptureIssueCode, offset: number, what: string, field?: string): void {
    const stop = this.onCorrupt === "stop";
    const then = stop ? '; reading stops here (onCorrupt "stop")' : "; line skipped";
    this.report("line", code, offset, this.#line, `${what}${then}`, { field });
    if (stop) this.halted = true;
  }
}
