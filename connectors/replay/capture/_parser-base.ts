/**
 * What both capture parsers share: the current record's fields (read as
 * properties, so no object is allocated per record), the input buffer, the
 * stop flag and issue reporting.
 *
 * @module
 */

import type { FeedEvent } from "../../../src/events.ts";
import { ChunkBuffer } from "./_chunk-buffer.ts";
import type { CaptureIssueCode, IssueHandler, OnCorrupt } from "./issues.ts";

/** Optional parts of an issue. */
export interface IssueExtra {
  /** Whether the problem reaches the end of the data. @default false */
  readonly tail?: boolean;
  /** Bytes skipped or left unread. */
  readonly skipped?: number;
  /** Dotted path of the failing field. */
  readonly field?: string;
}

/** The base of `RawParser` and `NdjsonParser`. */
export abstract class ParserBase {
  /** File name (or `"stream"`) used in messages. */
  readonly name: string;
  /** What follows a damaged record or an invalid line. */
  readonly onCorrupt: OnCorrupt;
  /** Records (raw; a skipped damaged region counts as one) or events (NDJSON) read so far. */
  records: number = 0;
  /** Kind of the current record (`KIND_PAYLOAD`, `KIND_STATUS`, `KIND_EVENT`, `KIND_CLOSE`). */
  kind: number = 0;
  /** Byte offset of the current record or line. */
  offset: number = 0;
  /** Number of the current record (from 1 after the header) or line (from 1). */
  record: number = 0;
  /** Receive time of the current record, epoch ms. */
  recvTs: number = 0;
  /** Receive time of the current record, monotonic ms as recorded. */
  recvMono: number = 0;
  /** Connection epoch of the current record. */
  epoch: number = 0;
  /** The event of the current status or event record, validated. */
  value: FeedEvent | undefined;
  /** Set when reading stopped early because of a problem. */
  protected halted: boolean = false;
  readonly #onIssue: IssueHandler;

  /**
   * Sets what every parser knows.
   * @param name File name or `"stream"`, for messages.
   * @param onCorrupt What follows a damaged record or an invalid line.
   * @param onIssue Receives each problem found.
   */
  constructor(name: string, onCorrupt: OnCorrupt, onIssue: IssueHandler) {
    this.name = name;
    this.onCorrupt = onCorrupt;
    this.#onIssue = onIssue;
  }

  /** Whether reading stopped early because of a problem. */
  get stopped(): boolean {
    return this.halted;
  }

  /** The bytes pushed and not yet read. */
  protected readonly input: ChunkBuffer = new ChunkBuffer();

  /** Absolute offset of the next unread byte. */
  get position(): number {
    return this.input.offset;
  }

  /**
   * Adds input.
   * @param chunk More bytes. Views of earlier records become invalid.
   * @param lent Whether the chunk's memory is reused after this call (it is
   *   then copied). @default false
   */
  push(chunk: Uint8Array, lent = false): void {
    this.input.push(chunk, lent);
  }

  /** Marks the end of the input. */
  end(): void {
    this.input.eof = true;
  }

  /**
   * Advances to the next record.
   * @returns Its kind, `NEED_MORE` (push more input) or `END`.
   */
  abstract next(): number;

  /**
   * Reports one problem, as `[capture] "name": record 7 at byte 1234 <what>`.
   * @param unit `"record"` or `"line"`.
   * @param code Class of problem. @param offset Byte offset. @param record Record or line number.
   * @param what The rest of the sentence. @param extra Tail, skipped bytes, field.
   */
  protected report(
    unit: "record" | "line",
    code: CaptureIssueCode,
    offset: number,
    record: number,
    what: string,
    extra: IssueExtra = {},
  ): void {
    this.#onIssue({
      code,
      message: `[capture] ${
        JSON.stringify(this.name)
      }: ${unit} ${record} at byte ${offset} ${what}`,
      offset,
      record,
      tail: extra.tail ?? false,
      ...(extra.skipped === undefined ? {} : { skipped: extra.skipped }),
      ...(extra.field === undefined ? {} : { field: extra.field }),
    });
  }
}
