/**
 * Parsing and validating one event written as JSON (an NDJSON line, or the body
 * of a raw status or event record), with the first failing field named.
 *
 * A market event that the fast check (`_event-check.ts`) accepts is returned as
 * parsed, with nothing else allocated; everything else is checked by the event
 * schemas, which also name what is wrong.
 *
 * @module
 */

import type { FeedEvent } from "../../../src/events.ts";
import { checkEvent } from "../../../src/schemas.ts";
import { isMarketEventJson } from "./_event-check.ts";
import type { CaptureIssueCode } from "./issues.ts";

/** What is wrong with a JSON text that is not a valid event. */
export class EventJsonProblem {
  /** `"json"` or `"schema"`. */
  readonly code: CaptureIssueCode;
  /** The rest of a sentence: `is not valid JSON (...)`, `is not a valid event: ...`. */
  readonly what: string;
  /** Dotted path of the field that failed, when one did. */
  readonly field?: string;

  /**
   * @param code Class of problem. @param what The sentence's end. @param field The failing field.
   */
  constructor(code: CaptureIssueCode, what: string, field?: string) {
    this.code = code;
    this.what = what;
    if (field !== undefined) this.field = field;
  }
}

/**
 * Parses and validates one event without allocating anything but the event
 * when it is valid.
 * @param text JSON text.
 * @param expect `"status"` or `"event"` to require that kind; `undefined` accepts both.
 * @returns The validated event (for a market event, the object `JSON.parse`
 *   made: the caller owns it), or the problem.
 */
export function readEventJson(
  text: string,
  expect?: "status" | "event",
): FeedEvent | EventJsonProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return new EventJsonProblem("json", `is not valid JSON (${(e as Error).message})`);
  }
  let ev: FeedEvent;
  if (isMarketEventJson(value)) ev = value as FeedEvent;
  else {
    const checked = checkEvent(value);
    if (!checked.ok) {
      const first = checked.issues[0]!;
      const field = first.path === "" ? "" : ` field "${first.path}":`;
      return new EventJsonProblem(
        "schema",
        `is not a valid event:${field} ${first.message}`,
        first.path === "" ? undefined : first.path,
      );
    }
    ev = checked.value;
  }
  if (expect !== undefined && (expect === "status") !== (ev.type === "status")) {
    return new EventJsonProblem("schema", `holds a ${ev.type} event in a ${expect} record`, "type");
  }
  return ev;
}
