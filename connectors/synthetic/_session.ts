/**
 * Session phases of the simulated market and what each shows on the wire:
 * book flags and status codes (synthetic codes, in the spirit of Settrade's).
 *
 * @module
 */

import type { BookFlag, MarketStatusCode } from "../../src/events.ts";
import type { Stamp as CoreStamp } from "../../src/kit/stamp.ts";
import type { SessionPhase } from "./_options.ts";

/** Book flag shown on both sides during each phase. */
export const PHASE_FLAG: Readonly<Record<SessionPhase, BookFlag>> = {
  ato: "ato",
  normal: "normal",
  atc: "atc",
};

/** Market / instrument status during each phase (shared, frozen objects). */
export const PHASE_STATUS: Readonly<Record<SessionPhase, MarketStatusCode>> = {
  ato: Object.freeze({ code: 1, name: "pre-open" }),
  normal: Object.freeze({ code: 2, name: "open" }),
  atc: Object.freeze({ code: 3, name: "pre-close" }),
};

/**
 * Fields every event of one step shares: the core stamp (whose `seq` the
 * generator sets to the event being built, and whose epoch the lifecycle sets)
 * plus the simulated exchange time. One mutable object, reused (no allocation).
 */
export interface Stamp extends CoreStamp {
  exchTs: number;
}

/** `source` of every synthetic event. */
export const SOURCE = "synthetic";
