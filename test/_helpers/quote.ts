/**
 * Builds a quote for tests, with neutral values for every field the test does
 * not give (the companion of `makeStatus` in `status.ts`).
 *
 * @module
 */

import type { QuoteEvent } from "../../src/events.ts";

/**
 * @param fields The fields the test cares about (override the neutral ones).
 * @returns A valid quote of PTT, seq 1, epoch 0, at time 0, unless `fields` say otherwise.
 */
export function makeQuote(fields: Partial<QuoteEvent> = {}): QuoteEvent {
  return {
    type: "quote",
    source: "test",
    symbol: "PTT",
    seq: 1,
    recvTs: 0,
    recvMono: 0,
    epoch: 0,
    bid: 1,
    ask: 1.01,
    bidSize: 100,
    askSize: 100,
    bidFlag: "normal",
    askFlag: "normal",
    ...fields,
  };
}
