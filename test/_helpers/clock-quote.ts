import type { ManualClock } from "../../src/clock.ts";
import type { QuoteEvent } from "../../src/events.ts";
import { makeQuote } from "./quote.ts";

/**
 * A quote stamped now on a manual clock, for the health monitor's tests.
 * @param symbol Symbol. @param clock The test's clock. @param seq Sequence number.
 * @returns The event.
 */
export function clockQuote(symbol: string, clock: ManualClock, seq = 1): QuoteEvent {
  return makeQuote({ symbol, seq, recvTs: clock.now(), recvMono: clock.mono() });
}
