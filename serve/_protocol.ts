/**
 * The WebSocket protocol of `/ws`: JSON text messages.
 *
 * Client → server:
 * - `{"op":"subscribe","symbols":["PTT"],"channels":["quote","book"],"maxRate":5,"id":1}`:
 *   `channels` defaults to `["quote"]`; `"*"` as a symbol means every symbol;
 *   `maxRate` (updates per second per channel and symbol) applies to the whole
 *   client, up to the server's limit.
 * - `{"op":"unsubscribe","symbols":["PTT"],"channels":["book"]}`: `channels`
 *   defaults to every channel.
 * - `{"op":"ping","id":7}`.
 *
 * Server → client: `{"type":"hello",...}` once; `{"type":"ack","op":...}` or
 * `{"type":"error","code":...,"message":...}` for each message; then market
 * and `status` events exactly as the feed delivers them (`type` is the event's
 * type), the cached latest first for each new subscription.
 *
 * @module
 */

import { type Channel, CHANNELS } from "../src/events.ts";

/** A request id the client chose, echoed in the answer. */
export type RequestId = string | number;

/** A parsed `subscribe`. */
export interface SubscribeRequest {
  readonly op: "subscribe";
  readonly id?: RequestId;
  /** Upper case; `"*"` for every symbol. */
  readonly symbols: readonly string[];
  readonly channels: readonly Channel[];
  readonly maxRate?: number;
}

/** A parsed `unsubscribe`. */
export interface UnsubscribeRequest {
  readonly op: "unsubscribe";
  readonly id?: RequestId;
  readonly symbols: readonly string[];
  readonly channels: readonly Channel[];
}

/** A parsed `ping`. */
export interface PingRequest {
  readonly op: "ping";
  readonly id?: RequestId;
}

/** Any valid client message. */
export type ClientRequest = SubscribeRequest | UnsubscribeRequest | PingRequest;

/** Error codes the server answers with. */
export type ErrorCode =
  | "bad-json"
  | "bad-request"
  | "too-many-subscriptions"
  | "rate-limited"
  | "not-served";

/** A message the client got wrong. */
export interface ProtocolError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly op?: string;
  readonly id?: RequestId;
}

const SYMBOL_RE = /^[A-Za-z0-9][A-Za-z0-9.&_-]{0,31}$/;
/** Most symbols one message may name. */
const MAX_SYMBOLS_PER_MESSAGE = 1_000;

function quote(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function fail(message: string, op?: string, id?: RequestId): { error: ProtocolError } {
  return {
    error: {
      code: "bad-request",
      message,
      ...(op === undefined ? {} : { op }),
      ...(id === undefined ? {} : { id }),
    },
  };
}

function readSymbols(
  raw: unknown,
  op: string,
  id?: RequestId,
): string[] | { error: ProtocolError } {
  if (!Array.isArray(raw) || raw.length === 0) {
    return fail(`${op}: "symbols" must be a non-empty array of symbols`, op, id);
  }
  if (raw.length > MAX_SYMBOLS_PER_MESSAGE) {
    return fail(
      `${op}: at most ${MAX_SYMBOLS_PER_MESSAGE} symbols per message, got ${raw.length}`,
      op,
      id,
    );
  }
  const out: string[] = [];
  for (const s of raw) {
    if (s === "*") out.push("*");
    else if (typeof s === "string" && SYMBOL_RE.test(s)) out.push(s.toUpperCase());
    else return fail(`${op}: invalid symbol ${quote(s)}`, op, id);
  }
  return out;
}

function readChannels(
  raw: unknown,
  fallback: readonly Channel[],
  op: string,
  id?: RequestId,
): Channel[] | { error: ProtocolError } {
  if (raw === undefined) return [...fallback];
  if (!Array.isArray(raw) || raw.length === 0) {
    return fail(`${op}: "channels" must be a non-empty array of ${CHANNELS.join(", ")}`, op, id);
  }
  const out: Channel[] = [];
  for (const c of raw) {
    if (!(CHANNELS as readonly unknown[]).includes(c)) {
      return fail(`${op}: unknown channel ${quote(c)}; channels: ${CHANNELS.join(", ")}`, op, id);
    }
    if (!out.includes(c as Channel)) out.push(c as Channel);
  }
  return out;
}

/**
 * Parses one client message.
 * @param text The message's text.
 * @returns The request, or the error to answer with.
 */
export function parseClientMessage(text: string): ClientRequest | { error: ProtocolError } {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (e) {
    return {
      error: {
        code: "bad-json",
        message: `message is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      },
    };
  }
  if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
    return fail('message must be a JSON object with an "op"');
  }
  const m = msg as Record<string, unknown>;
  const id = typeof m.id === "string" || typeof m.id === "number" ? m.id : undefined;
  if (m.id !== undefined && id === undefined) return fail('"id" must be a string or a number');
  switch (m.op) {
    case "ping":
      return id === undefined ? { op: "ping" } : { op: "ping", id };
    case "subscribe":
    case "unsubscribe": {
      const op = m.op;
      const symbols = readSymbols(m.symbols, op, id);
      if ("error" in symbols) return symbols;
      const channels = readChannels(m.channels, op === "subscribe" ? ["quote"] : CHANNELS, op, id);
      if ("error" in channels) return channels;
      const base = { symbols, channels, ...(id === undefined ? {} : { id }) };
      if (op === "unsubscribe") return { op, ...base };
      if (m.maxRate !== undefined) {
        if (typeof m.maxRate !== "number" || !(m.maxRate > 0) || !Number.isFinite(m.maxRate)) {
          return fail(`subscribe: "maxRate" must be a number > 0, got ${quote(m.maxRate)}`, op, id);
        }
        return { op, ...base, maxRate: m.maxRate };
      }
      return { op, ...base };
    }
    default:
      return fail(`unknown op ${quote(m.op)}; ops: subscribe, unsubscribe, ping`, undefined, id);
  }
}
