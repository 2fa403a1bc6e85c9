/**
 * Field layout of `BidOfferV3` for the hand-written decoder: which scratch slot
 * each field fills, and the names of the book flags.
 *
 * Scratch slots: bids 0-9 and asks 10-19, best first.
 *
 * @module
 */

import type { BookFlag } from "../../../src/events.ts";

/** Levels per side in a `BidOfferV3` message. */
export const BID_OFFER_LEVELS = 10;

/** Route of the symbol field. */
export const SYMBOL = 1;
/** Route of bid_flag. */
export const BID_FLAG = 2;
/** Route of ask_flag. */
export const ASK_FLAG = 3;
/** Route kind of a price: `PRICE | slot`. */
export const PRICE = 32;
/** Route kind of a volume: `VOLUME | slot`. */
export const VOLUME = 64;
/** Mask of the scratch slot in a route. */
export const SLOT = 31;
/** Scratch slot of the first ask level (bids use slots 0 to 9). */
export const ASK = 10;

/**
 * Maps a book flag code from the wire to its name: 0 `"undefined"`, 1 `"normal"`,
 * 2 `"ato"`, 3 `"atc"`; any other code `"undefined"`.
 *
 * @param code Enum value from the wire.
 * @returns The flag name.
 * @example
 * ```ts
 * import { bookFlag } from "./_bid-offer-layout.ts";
 * console.log(bookFlag(2), bookFlag(42)); // "ato" "undefined"
 * ```
 */
export function bookFlag(code: number): BookFlag {
  switch (code) {
    case 1:
      return "normal";
    case 2:
      return "ato";
    case 3:
      return "atc";
    default:
      return "undefined";
  }
}

/**
 * Builds the table from field number to route (kind | scratch slot), after the
 * field table of the wire page: prices and volumes of levels 1-5 sit at fields
 * 2-21, those of levels 6-10 at fields 24-43.
 *
 * @returns 44 routes indexed by field number; 0 for fields the decoder skips.
 * @example
 * ```ts
 * import { buildRoutes, PRICE } from "./_bid-offer-layout.ts";
 * console.log(buildRoutes()[24] === (PRICE | 5)); // true: bid_price6
 * ```
 */
export function buildRoutes(): Uint8Array {
  const routes = new Uint8Array(44);
  routes[1] = SYMBOL;
  routes[22] = BID_FLAG;
  routes[23] = ASK_FLAG;
  for (let i = 0; i < 5; i++) {
    routes[2 + i] = PRICE | i; // bid_price1..5
    routes[24 + i] = PRICE | (5 + i); // bid_price6..10
    routes[7 + i] = PRICE | (ASK + i); // ask_price1..5
    routes[29 + i] = PRICE | (ASK + 5 + i); // ask_price6..10
    routes[12 + i] = VOLUME | i; // bid_volume1..5
    routes[34 + i] = VOLUME | (5 + i); // bid_volume6..10
    routes[17 + i] = VOLUME | (ASK + i); // ask_volume1..5
    routes[39 + i] = VOLUME | (ASK + 5 + i); // ask_volume6..10
  }
  return routes;
}
