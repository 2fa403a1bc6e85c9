/**
 * The service layer: serve a running feed over HTTP and WebSocket, on Node, Bun
 * and Deno alike (hono, with each runtime's own server).
 *
 * - `GET /health`: the feed's health as JSON; 200 while serving, 503 when the
 *   feed ended, has been disconnected past the grace period, or has every symbol
 *   of an open market stale. `GET /livez`: 200 while the process runs.
 * - `GET /metrics`: Prometheus text format 0.0.4 (bounded label sets).
 * - `GET /latest/:symbol`, `GET /latest?symbols=A,B`: the last quote, book, trade
 *   and info per symbol from a bounded LRU cache; 404 for an unknown symbol.
 * - `GET /ws`: JSON over WebSocket. Send
 *   `{"op":"subscribe","symbols":["PTT"],"channels":["quote","book"],"maxRate":5}`,
 *   `{"op":"unsubscribe",...}` or `{"op":"ping"}`; each gets an `ack` (or
 *   `pong`) or an `error` with a `code` and a `message`. Then the cached latest
 *   events, the updates, and every `status` event. Each client has its own
 *   bounded queue: updates are conflated latest-wins per (channel, symbol) and
 *   throttled per key (10 a second unless the client asks otherwise, up to the
 *   server's `maxRate`). A client behind for too long is closed with code 4008.
 *   Other close codes: 1001 server shutting down, 1008 too many messages, 1009
 *   message too big, 1013 server full. Heartbeats: the service pings on Node;
 *   Bun and Deno ping and drop dead peers themselves.
 * - `GET /`: a live page (table, 10-level ladder, health line) that reconnects
 *   by itself.
 *
 * Binds 127.0.0.1 by default; any other address needs a token, which every
 * request but `/livez` and the page's files must then carry.
 *
 * @example Serve the synthetic feed and read its health
 * ```ts ignore
 * import { createFeed } from "@tickwire/tickwire";
 * import { serveFeed } from "@tickwire/tickwire/serve";
 *
 * await using feed = await createFeed({ source: "synthetic", channels: ["quote", "book", "info"] });
 * await using server = await serveFeed(feed, { port: 0 });
 * const health = await (await fetch(`${server.url}/health`)).json();
 * console.log(health.status, server.url); // serving http://127.0.0.1:...
 * ```
 *
 * @module
 */

export { type FeedServer, serveFeed } from "./server.ts";
export type { HubCounters } from "./_hub.ts";
export type { CloseCause } from "./_client.ts";
export type { ResolvedServeOptions, ServeExtra, ServeOptions } from "./options.ts";
export { CACHED_CHANNELS, LatestCache, type LatestEntry } from "./latest-cache.ts";
export {
  Histogram,
  type Labels,
  LATENCY_BUCKETS,
  METRICS_CONTENT_TYPE,
  type MetricType,
  PromText,
} from "./metrics.ts";
