/**
 * Problems found while reading a capture, and what the reader does about them.
 *
 * @module
 */

import { DecodeError } from "../../../src/errors.ts";

/**
 * What a reader does after a corrupt record (raw) or an invalid line (NDJSON):
 * `"stop"` keeps everything before it and ends there; `"skip"` reports it and goes on
 * (a raw reader resynchronises on the next valid record).
 */
export type OnCorrupt = "stop" | "skip";

/** Classes of problem. */
export type CaptureIssueCode =
  /** The data ends inside a record, a line, the header or a compressed block. */
  | "truncated"
  /** Bytes that are not a valid record (bad marker, kind, length or checksum). */
  | "corrupt"
  /** A payload record names a topic that was never defined (after a skipped region). */
  | "topic"
  /** A line (NDJSON) or record body (raw) is not valid JSON. */
  | "json"
  /** Valid JSON that is not a valid event. */
  | "schema"
  /** A compressed block that cannot be decompressed. */
  | "gzip";

/** One problem found while reading, with the place it was found. */
export interface CaptureIssue {
  /** Class of problem. */
  readonly code: CaptureIssueCode;
  /** A sentence naming the file, the place and the problem. */
  readonly message: string;
  /** Byte offset of the problem in the (decompressed) capture. */
  readonly offset: number;
  /** Record number (raw, counting from 1 after the header) or line number (NDJSON, from 1). */
  readonly record: number;
  /** Whether the problem reached the end of the data (a damaged or truncated tail). */
  readonly tail: boolean;
  /** Bytes skipped to resynchronise (`onCorrupt: "skip"`), or left unread at the tail. */
  readonly skipped?: number;
  /** NDJSON and JSON records: dotted path of the field that failed. */
  readonly field?: string;
  /** Compressed captures: byte offset of the damaged block in the file itself. */
  readonly fileOffset?: number;
}

/** Receives each problem as it is found. */
export type IssueHandler = (issue: CaptureIssue) => void;

/**
 * Turns an issue into a {@link DecodeError} (for `sink.decodeError` and exceptions).
 *
 * @param issue The problem.
 * @returns A `DecodeError` with the issue's code, offset and message.
 * @example
 * ```ts
 * import { issueToError } from "./issues.ts";
 * const err = issueToError({ code: "truncated", message: "[capture] x", offset: 9, record: 2, tail: true });
 * console.log(err.code, err.offset); // "truncated" 9
 * ```
 */
export function issueToError(issue: CaptureIssue): DecodeError {
  return new DecodeError(issue.message, { code: issue.code, offset: issue.offset });
}

/** What the gunzip source reports (the capture reader adds offsets and record numbers). */
export type GzipIssueHandler = (
  code: CaptureIssueCode,
  what: string,
  fileOffset: number,
  tail: boolean,
) => void;
