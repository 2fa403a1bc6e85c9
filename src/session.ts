/**
 * Trading sessions, as far as the core needs them: whether a symbol's market is
 * open now. The health monitor counts a symbol's silence as staleness only
 * while its market is open; a closed, paused or halted market is an expected
 * silence, reported with its reason.
 *
 * The core knows no exchange and no calendar. A connector that knows its
 * venue's hours (and reads its market-status messages) offers a
 * {@link SessionSource} as `connector.session`; a user may pass their own as
 * the feed's `health.session`.
 *
 * @module
 */

import type { QuietReason } from "./events.ts";

/** Why a market is not open: the reasons a silence is expected. */
export type SessionQuiet = Exclude<QuietReason, "stale">;

/**
 * Tells the health monitor whether a symbol's market is open. Called about once
 * per health check and symbol (never on the hot path); must not throw.
 *
 * @example A market that is closed at weekends (UTC), for the health monitor
 * ```ts
 * import type { SessionSource } from "@tickwire/tickwire";
 * const weekdays: SessionSource = {
 *   quietReason: (_symbol, now) => [0, 6].includes(new Date(now).getUTCDay()) ? "closed" : undefined,
 * };
 * console.log(weekdays.quietReason("PTT", Date.UTC(2025, 0, 4))); // "closed" (a Saturday)
 * ```
 */
export interface SessionSource {
  /**
   * Whether the market of `symbol` is open at wall time `now`.
   * @param symbol Upper-case symbol (or market name, for `market` subscriptions).
   * @param now Wall time, epoch milliseconds.
   * @returns `undefined` when the market is open (silence is then staleness),
   *   else why it is not: `"closed"`, `"intermission"` or `"halted"`.
   */
  quietReason(symbol: string, now: number): SessionQuiet | undefined;
}
