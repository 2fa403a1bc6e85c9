/**
 * Payloads of the subscription-error topic `$sys/u/_broker/_uref/error/subscribe`.
 * Their format is not documented: they are read as UTF-8 text, and as JSON
 * when the text parses.
 *
 * @module
 */

/** A subscription error as received. */
export interface SubscribeErrorPayload {
  /** The payload as UTF-8 text (invalid sequences replaced by U+FFFD). */
  readonly text: string;
  /** The parsed JSON value, or `undefined` when the text is not JSON. */
  readonly json: unknown;
}

/**
 * Reads a subscription-error payload.
 *
 * @param payload Raw payload bytes.
 * @returns The text and, when it parses, its JSON value. Never throws.
 * @example
 * ```ts
 * import { decodeSubscribeError } from "./subscribe-error.ts";
 * const err = decodeSubscribeError(new TextEncoder().encode('{"code":"E404"}'));
 * console.log(err.json); // { code: "E404" }
 * ```
 */
export function decodeSubscribeError(payload: Uint8Array): SubscribeErrorPayload {
  const text = new TextDecoder().decode(payload);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { text, json };
}
