import type { Subscription } from "../../src/connector.ts";
import type { Channel } from "../../src/events.ts";

/**
 * One subscription on each channel, both markets among them, for the tests
 * that want every kind of event from a connector. The book's symbol is lower
 * case, so the connector's upper-casing is exercised too.
 */
export const EVERY_CHANNEL: readonly Subscription[] = [
  { channel: "quote", symbol: "PTT" },
  { channel: "book", symbol: "ptt" },
  { channel: "trade", symbol: "PTT" },
  { channel: "info", symbol: "AOT" },
  { channel: "bar", symbol: "KBANK", interval: "1m" },
  { channel: "market", symbol: "SET" },
  { channel: "market", symbol: "TFEX" },
];

/**
 * @param capabilities The channels a connector serves.
 * @returns The subscriptions of {@link EVERY_CHANNEL} on those channels.
 */
export function everyChannelOf(capabilities: readonly Channel[]): Subscription[] {
  return EVERY_CHANNEL.filter((s) => capabilities.includes(s.channel));
}
