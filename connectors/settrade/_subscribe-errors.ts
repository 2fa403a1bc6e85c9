/**
 * Turns a payload of the subscription-error topic into the symbol it concerns
 * and a reason. The payload format is not documented (inferred handling): the
 * topic is looked for in the JSON values (`topic`, any string naming a
 * Settrade topic) or in the text itself; the symbol comes from that topic, or
 * from a `symbol` field; the reason from `message` / `msg` / `error` / `reason`,
 * or the text.
 *
 * @module
 */

import { decodeSubscribeError } from "./decode/subscribe-error.ts";
import { parseTopic, type SettradeTopic } from "./decode/topics.ts";

/** A subscription error, as reported in a `subscribe-error` status. */
export interface SubscribeErrorInfo {
  /** Symbol (or market name) concerned, upper case, when the payload names it. */
  readonly symbol?: string;
  /** Topic concerned, when the payload names it. */
  readonly topic?: string;
  /** One-line reason, prefixed with `[settrade]`. */
  readonly reason: string;
}

const TOPIC_IN_TEXT = /proto\/topic\/[A-Za-z0-9]+\/[^\s"',;}\]]+/;

function symbolOf(t: SettradeTopic | undefined): string | undefined {
  if (t === undefined || t.kind === "subscribe-error") return undefined;
  return ("symbol" in t ? t.symbol : t.market).toUpperCase();
}

function clip(s: string): string {
  const line = s.replace(/\s+/g, " ").trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function findTopic(values: readonly unknown[], text: string): string | undefined {
  for (const v of values) {
    if (typeof v === "string" && parseTopic(v.trim()) !== undefined) return v.trim();
  }
  return TOPIC_IN_TEXT.exec(text)?.[0];
}

/**
 * Reads a subscription-error payload.
 * @param payload Raw bytes from `$sys/u/_broker/_uref/error/subscribe`.
 * @returns The symbol, topic and reason found. Never throws.
 */
export function readSubscribeError(payload: Uint8Array): SubscribeErrorInfo {
  const { text, json } = decodeSubscribeError(payload);
  const obj = json !== null && typeof json === "object" && !Array.isArray(json)
    ? json as Record<string, unknown>
    : undefined;
  const values = obj === undefined ? [] : Object.values(obj);
  const topic = findTopic(values, text);
  let symbol = symbolOf(topic === undefined ? undefined : parseTopic(topic));
  if (symbol === undefined && typeof obj?.symbol === "string" && obj.symbol.trim() !== "") {
    symbol = obj.symbol.trim().toUpperCase();
  }
  const said = [obj?.message, obj?.msg, obj?.error, obj?.reason, obj?.code]
    .find((x) => typeof x === "string" && x.trim() !== "") as string | undefined;
  const detail = clip(said ?? text) || "no details";
  const what = symbol === undefined
    ? "a subscription"
    : `the subscription to ${JSON.stringify(symbol)}`;
  return {
    ...(symbol === undefined ? {} : { symbol }),
    ...(topic === undefined ? {} : { topic }),
    reason: `[settrade] broker refused ${what}: ${detail}`,
  };
}
