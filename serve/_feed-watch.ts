/**
 * What the service learns from the feed's own events beyond `feed.health()`:
 * since when it has been disconnected, its delivery mode, whether it ended, and
 * counts per event type; plus the exchange-to-receive latency histogram.
 *
 * @module
 */

import type { Clock } from "../src/clock.ts";
import type { FeedEvent, FeedMode, MarketEvent, StatusEvent } from "../src/events.ts";
import type { Feed } from "../src/feed.ts";
import { Histogram } from "./metrics.ts";

/** Event types counted, in a fixed order. */
export const EVENT_TYPES: readonly FeedEvent["type"][] = [
  "quote",
  "book",
  "trade",
  "bar",
  "info",
  "market",
  "status",
];

/** Watches a feed's events. */
export class FeedWatch {
  readonly #clock: Clock;
  /** Events per type, in {@link EVENT_TYPES} order. */
  readonly counts: number[] = EVENT_TYPES.map(() => 0);
  /** `exchTs → recvTs`, seconds, for events that carry an exchange time. */
  readonly exchangeLatency: Histogram = new Histogram();
  /** Monotonic time the feed was last seen disconnected, or `undefined` while connected. */
  disconnectedSince: number | undefined;
  /** Delivery mode from the last `mode` status. */
  mode: FeedMode | undefined;
  /** Whether the feed has ended. */
  ended = false;

  /**
   * @param feed The feed (read once for its connection state).
   * @param clock Time source.
   */
  constructor(feed: Feed, clock: Clock) {
    this.#clock = clock;
    if (!feed.health().connected) this.disconnectedSince = clock.mono();
    // A feed that ended before the service listened has sent its `end` already.
    void feed.closed().then(() => {
      this.ended = true;
      this.disconnectedSince ??= clock.mono();
    });
  }

  /**
   * Counts a market event.
   * @param ev The event.
   */
  market(ev: MarketEvent): void {
    switch (ev.type) {
      case "quote":
        this.counts[0]++;
        break;
      case "book":
        this.counts[1]++;
        break;
      case "trade":
        this.counts[2]++;
        break;
      case "bar":
        this.counts[3]++;
        break;
      case "info":
        this.counts[4]++;
        break;
      case "market":
        this.counts[5]++;
        break;
    }
    const exch = ev.exchTs;
    if (exch !== undefined) this.exchangeLatency.observe((ev.recvTs - exch) / 1000);
  }

  /**
   * Notes a status event.
   * @param ev The status.
   */
  status(ev: StatusEvent): void {
    this.counts[6]++;
    switch (ev.kind) {
      case "connected":
        this.disconnectedSince = undefined;
        break;
      case "disconnected":
        this.disconnectedSince ??= this.#clock.mono();
        break;
      case "mode":
        this.mode = ev.mode;
        break;
      case "end":
        this.ended = true;
        this.disconnectedSince ??= this.#clock.mono();
        break;
    }
  }
}
