/**
 * `serveFeed`: health, metrics, a latest-event cache, WebSocket fan-out with
 * per-client conflation, and a live page, for one running feed.
 *
 * @module
 */

import { type Clock, systemClock } from "../src/clock.ts";
import type { FeedEvent } from "../src/events.ts";
import type { Feed } from "../src/feed.ts";
import { consoleLogger, type Logger } from "../src/log.ts";
import type { RunningServer } from "./_adapter.ts";
import { loadAdapter } from "./_load-adapter.ts";
import { FeedWatch } from "./_feed-watch.ts";
import { Hub, type HubCounters } from "./_hub.ts";
import { buildApp } from "./_routes.ts";
import { LatestCache } from "./latest-cache.ts";
import { type ResolvedServeOptions, resolveServeOptions, type ServeOptions } from "./options.ts";

/** A running service; close it with `close()` or `await using`. */
export interface FeedServer extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The bound address. */
  readonly host: string;
  /** The bound port (the one picked when `port` was 0). */
  readonly port: number;
  /** The runtime serving: `"node"`, `"bun"` or `"deno"`. */
  readonly runtime: string;
  /** The options in force, defaults filled in (the token stays redacted). */
  readonly options: ResolvedServeOptions;
  /** Client and delivery counters now. */
  counters(): HubCounters;
  /**
   * Stops accepting, closes every WebSocket client with `1001 server shutting
   * down` (waiting up to `closeTimeoutMs` for them), and stops listening.
   * Idempotent. The feed is left running: close it yourself.
   */
  close(): Promise<void>;
}

function defaultLogger(): Logger {
  return consoleLogger("warn");
}

/**
 * Serves a feed over HTTP and WebSocket: `GET /health`, `/livez`, `/metrics`,
 * `/latest/:symbol`, `/latest?symbols=A,B`, the WebSocket `/ws`, and a live page
 * at `/`. Runs unchanged on Node, Bun and Deno.
 *
 * @param feed A running feed (from `createFeed`).
 * @param options Address, token and limits. @default {}
 * @returns The running server.
 * @throws ConfigError for invalid options, including a non-loopback host without a token.
 * @example Serving the synthetic feed on a free port
 * ```ts ignore
 * import { createFeed } from "@tickwire/tickwire";
 * import { serveFeed } from "@tickwire/tickwire/serve";
 *
 * await using feed = await createFeed({ source: "synthetic", channels: ["quote", "book"] });
 * await using server = await serveFeed(feed, { port: 0 });
 * console.log(await (await fetch(`${server.url}/health`)).json());
 * ```
 */
export async function serveFeed(feed: Feed, options: ServeOptions = {}): Promise<FeedServer> {
  const o = resolveServeOptions(options);
  const logger = options.logger ?? defaultLogger();
  const clock: Clock = options.clock ?? systemClock;
  const adapter = await loadAdapter();
  const cache = new LatestCache(o.cacheSize);
  const watch = new FeedWatch(feed, clock);
  const hub = new Hub(o, clock, logger);
  let closing = false;
  const listener = (ev: FeedEvent): void => {
    if (ev.type === "status") {
      watch.status(ev);
      hub.broadcast(ev);
      return;
    }
    watch.market(ev);
    cache.update(ev);
    hub.route(ev);
  };
  const app = buildApp({
    feed,
    hub,
    watch,
    cache,
    adapter,
    clock,
    logger,
    closing: () => closing,
    ...(options.extra === undefined ? {} : { extra: options.extra }),
  });
  let server: RunningServer;
  try {
    server = await adapter.listen({
      hostname: o.host,
      port: o.port,
      fetch: app.fetch,
      maxMessageBytes: o.maxMessageBytes,
      heartbeatMs: o.heartbeatMs,
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    throw new Error(`[serve] cannot listen on ${o.host}:${o.port}: ${err.code ?? err.message}`, {
      cause: e,
    });
  }
  feed.on("event", listener);
  hub.start(!adapter.pingsItself);
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  const url = `http://${host}:${server.port}`;
  logger.info(`[serve] listening on ${url} (${adapter.runtime})`);

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      feed.off("event", listener);
      hub.closeAll();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        hub.allClosed(),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, o.closeTimeoutMs))),
      ]);
      clearTimeout(timer);
      hub.stop();
      await server.stop();
      logger.info(`[serve] stopped ${url}`);
    })();
    return closed;
  };
  return {
    url,
    host: o.host,
    port: server.port,
    runtime: adapter.runtime,
    options: o,
    counters: () => hub.counters(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
