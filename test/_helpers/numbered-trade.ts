import type { TradeEvent } from "../../src/events.ts";

/**
 * A trade of PTT told apart from the others by its `seq` alone, for tests that
 * count and order events (the dispatcher and its ring).
 * @param seq Sequence number, also the receive times.
 * @returns The event.
 */
export function numberedTrade(seq: number): TradeEvent {
  return {
    type: "trade",
    source: "test",
    symbol: "PTT",
    seq,
    recvTs: 1_700_000_000_000 + seq,
    recvMono: seq,
    epoch: 0,
    price: 34.5,
    size: 100,
    side: "buy",
  };
}
