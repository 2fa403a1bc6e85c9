/**
 * Parsing and validating one event written as JSON (an NDJSON line, or the body
 * of a raw status or event record), with the first failing field named.
 *
 * @module
 */

import type { FeedEvent } from "../../../src/events.ts";
import { checkEvent } from "../../../src/schemas.ts";
import type { CaptureIssueCode } from "./issues.ts";

/** An event, or what is wrong with the text. */
export type EventJson =
  | { readonly value: FeedEvent }
  | { readonly code: CaptureIssueCode; readonly what: string; readonly field?: string };

/**
 * @param text JSON text.
 * @param expect `"status"` or `"event"` to require that kind; `undefined` accepts both.
 * @returns The validated event, or the problem (`"json"` or `"schema"`, with the field).
 */
export function parseEventJson(text: string, expect?: "status" | "event"): EventJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { code: "json", what: `is not valid JSON (${(e as Error).message})` };
  }
  const checked = checkEvent(value);
  if (!checked.ok) {
    const first = checked.issues[0]!;
    const field = first.path === "" ? "" : ` field "${first.path}":`;
    return {
      code: "schema",
      what: `is not a valid event:${field} ${first.message}`,
      ...(first.path === "" ? {} : { field: first.path }),
    };
  }
  const ev = checked.value;
  if (expect !== undefined && (expect === "status") !== (ev.type === "status")) {
    return {
      code: "schema",
      what: `holds a ${ev.type} event in a ${expect} record`,
      field: "type",
    };
  }
  return { value: ev };
}
