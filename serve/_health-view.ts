/**
 * The body and status of `GET /health`: 200 while the feed is serving, 503 when
 * it has ended, has been disconnected past the grace period, or has every
 * symbol of an open market stale (a closed, paused or halted market's silence
 * is expected and counts for nothing).
 *
 * @module
 */

import type { Clock } from "../src/clock.ts";
import type { FeedMode } from "../src/events.ts";
import type { Feed } from "../src/feed.ts";
import type { FeedWatch } from "./_feed-watch.ts";
import type { HubCounters } from "./_hub.ts";
import type { ServeExtra } from "./options.ts";

/** What `/health` answers. */
export interface HealthView {
  readonly status: 200 | 503;
  readonly body: Record<string, unknown>;
}

/**
 * Builds the health answer.
 * @param feed The feed. @param watch What the service saw of it. @param hub Client counters.
 * @param clock Time source. @param graceMs Disconnection tolerated before 503.
 * @returns Status and JSON body.
 */
export function healthView(
  feed: Feed,
  watch: FeedWatch,
  hub: HubCounters,
  clock: Clock,
  graceMs: number,
): HealthView {
  const h = feed.health();
  const disconnectedForMs = watch.disconnectedSince === undefined
    ? 0
    : Math.round(clock.mono() - watch.disconnectedSince);
  // Issue-13 feeds report their mode in health(); otherwise the last `mode` status says.
  const mode: FeedMode = (h as { mode?: FeedMode }).mode ?? watch.mode ??
    (h.connected ? "stream" : "down");
  // A symbol whose market is closed, in intermission or halted is quiet as expected: only
  // symbols of an open market count, and with none open the feed is not blamed for silence.
  let open = 0;
  let stale = 0;
  for (const sym of h.symbols) {
    if (sym.quiet !== undefined && sym.quiet !== "stale") continue;
    open++;
    if (sym.stale) stale++;
  }
  const allStale = open > 0 && stale === open;
  const shut = h.symbols.length - open;
  let reason: string | undefined;
  if (watch.ended) reason = "the feed has ended";
  else if (!h.connected && disconnectedForMs > graceMs) {
    reason = `disconnected for ${disconnectedForMs} ms (grace ${graceMs} ms)`;
  } else if (allStale) {
    reason = shut === 0
      ? `every symbol is stale (${open})`
      : `every symbol of an open market is stale (${open}; ${shut} more quiet, their market not open)`;
  }
  return {
    status: reason === undefined ? 200 : 503,
    body: {
      status: reason === undefined ? "serving" : "not-serving",
      ...(reason === undefined ? {} : { reason }),
      source: h.source,
      connected: h.connected,
      mode,
      epoch: h.epoch,
      reconnects: h.reconnects,
      disconnectedForMs,
      ...(h.lastError === undefined ? {} : { lastError: h.lastError }),
      queue: { ...h.queue, policy: feed.overflow },
      drops: h.queue.dropped,
      decodeErrors: h.decodeErrors,
      listenerErrors: h.listenerErrors,
      feedStale: h.feedStale,
      lastEventAgeMs: Math.round(h.lastEventAgeMs),
      eventsPerSec: Math.round(h.eventsPerSec * 10) / 10,
      symbols: h.symbols.length,
      staleSymbols: h.staleSymbols,
      clients: hub.clients,
      ws: {
        sent: hub.sent,
        conflated: hub.conflated,
        dropped: hub.dropped,
        queued: hub.queued,
        closedBy: hub.closedBy,
      },
    },
  };
}

/**
 * Adds a service's own part to the health answer: under its name, and its
 * `reason`, if any, turns a 200 into a 503.
 * @param v The feed's answer. @param extra What the service adds.
 * @returns The answer with the service's part.
 */
export function withExtra(v: HealthView, extra: ServeExtra | undefined): HealthView {
  if (extra === undefined) return v;
  const part = extra.health();
  const body = { ...v.body, [extra.name]: part };
  if (v.status === 503 || part.reason === undefined) return { status: v.status, body };
  return { status: 503, body: { ...body, status: "not-serving", reason: part.reason } };
}
