/**
 * The body of `GET /metrics`. Label sets are bounded: per-symbol series for at
 * most `metricsSymbols` symbols (the first alphabetically, so the set is stable
 * between scrapes; `tickwire_symbols_unlabelled` counts the rest) and
 * per-client series for at most `metricsClients` clients (those with the most
 * conflated and dropped updates).
 *
 * @module
 */

import type { Feed } from "../src/feed.ts";
import { EVENT_TYPES, type FeedWatch } from "./_feed-watch.ts";
import type { Hub } from "./_hub.ts";
import type { LatestCache } from "./latest-cache.ts";
import { PromText } from "./metrics.ts";
import type { ServeExtra } from "./options.ts";

/**
 * Renders every metric.
 * @param feed The feed. @param watch What the service saw of it. @param hub The clients.
 * @param cache The latest cache. @param extra What a service built on the feed adds.
 * @returns The exposition text.
 */
export function metricsText(
  feed: Feed,
  watch: FeedWatch,
  hub: Hub,
  cache: LatestCache,
  extra?: ServeExtra,
): string {
  const h = feed.health();
  const o = hub.options;
  const t = new PromText();
  const source = { source: h.source };

  t.family("tickwire_events_total", "counter", "Events the feed delivered, by source and type.");
  EVENT_TYPES.forEach((type, i) => {
    t.sample("tickwire_events_total", watch.counts[i], { source: h.source, type });
  });
  t.family(
    "tickwire_queue_dropped_total",
    "counter",
    "Events the pull queue dropped, by overflow policy.",
  );
  t.sample("tickwire_queue_dropped_total", h.queue.dropped, { policy: feed.overflow });
  t.family("tickwire_queue_depth", "gauge", "Events waiting in the pull queue.");
  t.sample("tickwire_queue_depth", h.queue.size, source);
  t.family("tickwire_queue_capacity", "gauge", "Capacity of the pull queue.");
  t.sample("tickwire_queue_capacity", h.queue.capacity, source);
  t.single(
    "tickwire_decode_errors_total",
    "counter",
    "Payloads that failed to decode (skipped).",
    h.decodeErrors,
  );
  t.single(
    "tickwire_listener_errors_total",
    "counter",
    "Exceptions thrown by feed listeners.",
    h.listenerErrors,
  );
  t.single("tickwire_reconnects_total", "counter", "Successful reconnects.", h.reconnects);
  t.single("tickwire_epoch", "gauge", "Connection epoch (0 for the first connection).", h.epoch);
  t.single(
    "tickwire_connected",
    "gauge",
    "1 while the connector is connected.",
    h.connected ? 1 : 0,
  );
  t.single("tickwire_feed_stale", "gauge", "1 while the whole feed is stale.", h.feedStale ? 1 : 0);
  t.single("tickwire_stale_symbols", "gauge", "Symbols stale now.", h.staleSymbols.length);
  t.single("tickwire_symbols", "gauge", "Symbols watched by the feed.", h.symbols.length);

  const labelled = h.symbols.slice(0, o.metricsSymbols);
  t.family(
    "tickwire_symbol_last_event_age_seconds",
    "gauge",
    `Seconds since each symbol's last event (the first ${o.metricsSymbols} symbols alphabetically).`,
  );
  for (const s of labelled) {
    t.sample("tickwire_symbol_last_event_age_seconds", s.lastEventAgeMs / 1000, {
      symbol: s.symbol,
    });
  }
  t.single(
    "tickwire_symbols_unlabelled",
    "gauge",
    "Symbols left out of the per-symbol series (metricsSymbols).",
    h.symbols.length - labelled.length,
  );
  t.single(
    "tickwire_symbol_last_event_age_max_seconds",
    "gauge",
    "Largest last-event age among every symbol.",
    h.symbols.reduce((m, s) => Math.max(m, s.lastEventAgeMs), 0) / 1000,
  );
  t.single(
    "tickwire_latest_cache_symbols",
    "gauge",
    "Symbols in the latest-event cache.",
    cache.size,
  );
  t.single(
    "tickwire_latest_cache_evicted_total",
    "counter",
    "Symbols evicted from the latest-event cache.",
    cache.evicted,
  );

  const c = hub.counters();
  t.single("tickwire_ws_clients", "gauge", "WebSocket clients connected.", c.clients);
  t.single(
    "tickwire_ws_connections_total",
    "counter",
    "WebSocket connections accepted.",
    c.connections,
  );
  t.single(
    "tickwire_ws_messages_sent_total",
    "counter",
    "Messages written to WebSocket clients.",
    c.sent,
  );
  t.single(
    "tickwire_ws_conflated_total",
    "counter",
    "Updates replaced by newer ones before a client got them.",
    c.conflated,
  );
  t.single(
    "tickwire_ws_dropped_total",
    "counter",
    "Updates a client lost (expired, or its queue full).",
    c.dropped,
  );
  t.single("tickwire_ws_queued", "gauge", "Messages waiting in client queues.", c.queued);
  t.family(
    "tickwire_ws_closed_total",
    "counter",
    "WebSocket clients closed by the server, by cause.",
  );
  for (const [cause, n] of Object.entries(c.closedBy)) {
    t.sample("tickwire_ws_closed_total", n, { cause });
  }

  const top = [...hub.clients]
    .sort((a, b) => b.conflated + b.dropped - (a.conflated + a.dropped) || a.id - b.id)
    .slice(0, o.metricsClients);
  t.family(
    "tickwire_ws_client_conflated_total",
    "counter",
    `Updates conflated per client (the ${o.metricsClients} clients with the most conflated and dropped).`,
  );
  for (const cl of top) {
    t.sample("tickwire_ws_client_conflated_total", cl.conflated, { client: String(cl.id) });
  }
  t.family(
    "tickwire_ws_client_dropped_total",
    "counter",
    "Updates dropped per client (same clients).",
  );
  for (const cl of top) {
    t.sample("tickwire_ws_client_dropped_total", cl.dropped, { client: String(cl.id) });
  }
  t.family("tickwire_ws_client_queued", "gauge", "Messages waiting per client (same clients).");
  for (const cl of top) t.sample("tickwire_ws_client_queued", cl.queued, { client: String(cl.id) });

  t.family(
    "tickwire_exchange_to_receive_seconds",
    "histogram",
    "Exchange time to receive time of market events (exchTs → recvTs).",
  );
  t.histogram("tickwire_exchange_to_receive_seconds", watch.exchangeLatency);
  t.family(
    "tickwire_receive_to_delivery_seconds",
    "histogram",
    "Receive time to the write to a WebSocket client (recvTs → delivered).",
  );
  t.histogram("tickwire_receive_to_delivery_seconds", hub.deliveryLatency);
  extra?.metrics(t);
  return t.text();
}
