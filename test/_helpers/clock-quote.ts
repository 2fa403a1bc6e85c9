import type { ManualClock } from "../../src/clock.ts";
import type { QuoteEvent } from "../../src/events.ts";

/**
 * A quote stamped now on a manual clock, for the health monitor's tests.
 * @param symbol Symbol. @param clock The test's clock. @param seq Sequence number.
 * @returns The event.
 */
export function clockQuote(symbol: string, clock: ManualClock, seq = 1): QuoteEvent {
  return {
    type: "quote",
    source: "test",
    symbol,
    seq,
    recvTs: clock.now(),
    recvMono: clock.mono(),
    epoch: 0,
    bid: 1,
    ask: 1.01,
    bidSize: 100,
    askSize: 100,
    bidFlag: "normal",
    askFlag: "normal",
  };
}
