/**
 * NATS subjects of tickwire's events: `<prefix>.<source>.<type>.<SYMBOL>` for
 * market events and `<prefix>.<source>.status` for statuses (prefix
 * `tickwire`).
 *
 * ## Escaping
 *
 * A subject token may not hold `.` (the separator), `*` or `>` (wildcards) or
 * whitespace, and a KV key (the latest-state bucket uses the same tokens) allows
 * only `A-Z a-z 0-9 - _ = / .`. So each source and symbol is written as a token
 * in which every character outside `A-Z a-z 0-9 - _` is replaced by `=` and
 * two upper-case hex digits per UTF-8 byte: `BRK.B` → `BRK=2EB`, `A*` → `A=2A`,
 * `X>Y` → `X=3EY`, `A B` → `A=20B`, `=` → `=3D`. Plain symbols (`PTT`,
 * `SET50Z24`, `S50-F`) are unchanged. A consumer reverses it by replacing each
 * `=HH` by its byte and reading the bytes as UTF-8 ({@link unescapeToken}). The
 * mapping is one-to-one, so two symbols never share a subject.
 *
 * @module
 */

import type { Channel } from "../../src/events.ts";

/** The first token of every subject. @default "tickwire" */
export const DEFAULT_SUBJECT_PREFIX = "tickwire";

const PLAIN = /^[A-Za-z0-9_-]+$/;
const UNSAFE = /[^A-Za-z0-9_-]/gu;
const ESCAPED = /^(?:[A-Za-z0-9_-]|=[0-9A-F]{2})+$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function hexBytes(ch: string): string {
  let out = "";
  for (const b of encoder.encode(ch)) out += "=" + b.toString(16).toUpperCase().padStart(2, "0");
  return out;
}

/**
 * Escapes a source name or a symbol into one subject token (and KV key part).
 * @param value The name; not empty.
 * @returns The token: unchanged when it holds only `A-Z a-z 0-9 - _`.
 * @throws RangeError when `value` is empty.
 * @example
 * ```ts
 * import { escapeToken } from "@tickwire/tickwire/connectors/nats";
 * console.log(escapeToken("BRK.B"), escapeToken("PTT")); // BRK=2EB PTT
 * ```
 */
export function escapeToken(value: string): string {
  if (value.length === 0) throw new RangeError("a subject token cannot be empty");
  return PLAIN.test(value) ? value : value.replace(UNSAFE, hexBytes);
}

/**
 * Reverses {@link escapeToken}.
 * @param token A token as found in a subject.
 * @returns The original name.
 * @throws RangeError when the token is not an escaped name (a bare reserved
 *   character, a malformed `=HH`, or bytes that are not UTF-8).
 * @example
 * ```ts
 * import { unescapeToken } from "@tickwire/tickwire/connectors/nats";
 * console.log(unescapeToken("BRK=2EB")); // BRK.B
 * ```
 */
export function unescapeToken(token: string): string {
  if (PLAIN.test(token)) return token;
  if (!ESCAPED.test(token)) throw new RangeError(`"${token}" is not an escaped subject token`);
  const bytes: number[] = [];
  for (let i = 0; i < token.length;) {
    if (token[i] === "=") {
      bytes.push(parseInt(token.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(token.charCodeAt(i));
      i++;
    }
  }
  try {
    return decoder.decode(new Uint8Array(bytes));
  } catch {
    throw new RangeError(`"${token}" does not decode to UTF-8`);
  }
}

/**
 * The subject of a market event.
 * @param source Connector name. @param type The event's channel.
 * @param symbol Its symbol. @param prefix First token. @default "tickwire"
 * @returns `<prefix>.<source>.<type>.<SYMBOL>`, escaped.
 * @example
 * ```ts
 * import { eventSubject } from "@tickwire/tickwire/connectors/nats";
 * console.log(eventSubject("settrade", "quote", "BRK.B")); // tickwire.settrade.quote.BRK=2EB
 * ```
 */
export function eventSubject(
  source: string,
  type: Channel,
  symbol: string,
  prefix: string = DEFAULT_SUBJECT_PREFIX,
): string {
  return `${prefix}.${escapeToken(source)}.${type}.${escapeToken(symbol)}`;
}

/**
 * The subject of a source's statuses.
 * @param source Connector name. @param prefix First token. @default "tickwire"
 * @returns `<prefix>.<source>.status`.
 */
export function statusSubject(source: string, prefix: string = DEFAULT_SUBJECT_PREFIX): string {
  return `${prefix}.${escapeToken(source)}.status`;
}

/** A subject read back. */
export interface ParsedSubject {
  /** The source, unescaped. */
  readonly source: string;
  /** The channel, or `"status"`. */
  readonly type: Channel | "status";
  /** The symbol, unescaped; absent for statuses. */
  readonly symbol?: string;
}

const TYPES = new Set(["quote", "book", "trade", "bar", "info", "market"]);

/**
 * Reads a subject written by {@link eventSubject} or {@link statusSubject}.
 * @param subject The subject. @param prefix First token. @default "tickwire"
 * @returns Its parts, or `undefined` when it is not one of tickwire's subjects.
 */
export function parseSubject(
  subject: string,
  prefix: string = DEFAULT_SUBJECT_PREFIX,
): ParsedSubject | undefined {
  const parts = subject.split(".");
  const skip = prefix.split(".").length;
  if (parts.slice(0, skip).join(".") !== prefix) return undefined;
  const [source, type, symbol, ...rest] = parts.slice(skip);
  if (source === undefined || type === undefined || rest.length > 0) return undefined;
  try {
    if (type === "status") {
      return symbol === undefined ? { source: unescapeToken(source), type } : undefined;
    }
    if (!TYPES.has(type) || symbol === undefined) return undefined;
    return { source: unescapeToken(source), type: type as Channel, symbol: unescapeToken(symbol) };
  } catch {
    return undefined;
  }
}
