/**
 * The HTTP surface, as one hono app: `/livez`, `/health`, `/metrics`,
 * `/latest`, `/latest/:symbol`, the WebSocket `/ws`, and the live page at `/`.
 * The token, when one is set, guards everything but `/livez` and the page's
 * static files; `/ws` also checks `Origin`.
 *
 * @module
 */

import { Hono } from "hono";
import type { Clock } from "../src/clock.ts";
import type { Feed } from "../src/feed.ts";
import type { Logger } from "../src/log.ts";
import type { ServerAdapter } from "./_adapter.ts";
import { checkOrigin, checkToken } from "./_auth.ts";
import type { FeedWatch } from "./_feed-watch.ts";
import { healthView, withExtra } from "./_health-view.ts";
import type { Hub } from "./_hub.ts";
import { metricsText } from "./_metrics-view.ts";
import { PAGE_FILES, pageResponse } from "./_page.ts";
import { sessionEvents } from "./_ws-session.ts";
import type { LatestCache, LatestEntry } from "./latest-cache.ts";
import { METRICS_CONTENT_TYPE } from "./metrics.ts";
import type { ServeExtra } from "./options.ts";

/** What the routes need. */
export interface RouteDeps {
  readonly feed: Feed;
  readonly hub: Hub;
  readonly watch: FeedWatch;
  readonly cache: LatestCache;
  readonly adapter: ServerAdapter;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Whether the server is shutting down (new upgrades are refused). */
  readonly closing: () => boolean;
  /** What a service built on the feed adds to `/health` and `/metrics`. */
  readonly extra?: ServeExtra;
}

/** Most symbols one `/latest?symbols=` may ask for. */
const MAX_LATEST_SYMBOLS = 200;

function entryJson(e: Readonly<LatestEntry>): Record<string, unknown> {
  return {
    symbol: e.symbol,
    ...(e.quote === undefined ? {} : { quote: e.quote }),
    ...(e.book === undefined ? {} : { book: e.book }),
    ...(e.trade === undefined ? {} : { trade: e.trade }),
    ...(e.info === undefined ? {} : { info: e.info }),
  };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

/**
 * Builds the app.
 * @param deps Feed, hub, cache, adapter and the rest.
 * @returns The hono app.
 */
export function buildApp(deps: RouteDeps): Hono {
  const { feed, hub, watch, cache, adapter, clock, logger } = deps;
  const o = hub.options;
  const app = new Hono();

  app.get("/livez", () => new Response("ok\n", { headers: { "content-type": "text/plain" } }));

  app.use("*", async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path === "/livez" || (c.req.method === "GET" && PAGE_FILES[path] !== undefined)) {
      return await next();
    }
    const ws = path === "/ws";
    const refused = checkToken(c.req.raw, o.token, ws) ??
      (ws ? checkOrigin(c.req.raw, o.allowedOrigins) : undefined);
    if (refused !== undefined) {
      logger.warn(`[serve] refused ${c.req.method} ${path}: ${refused.message}`);
      return json(
        { error: refused.message },
        refused.status,
        refused.status === 401 ? { "www-authenticate": "Bearer" } : {},
      );
    }
    await next();
  });

  app.get("/health", () => {
    const v = withExtra(
      healthView(feed, watch, hub.counters(), clock, o.healthGraceMs),
      deps.extra,
    );
    return json(v.body, v.status);
  });

  app.get("/metrics", () =>
    new Response(metricsText(feed, watch, hub, cache, deps.extra), {
      headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" },
    }));

  app.get("/latest/:symbol", (c) => {
    const symbol = c.req.param("symbol");
    const e = cache.get(symbol);
    if (e === undefined) {
      return json(
        { error: `no event cached for symbol ${JSON.stringify(symbol.toUpperCase())}` },
        404,
      );
    }
    return json(entryJson(e));
  });

  app.get("/latest", (c) => {
    const raw = c.req.query("symbols");
    if (raw === undefined) return json({ symbols: cache.symbols() });
    const symbols = [...new Set(raw.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean))];
    if (symbols.length === 0 || symbols.length > MAX_LATEST_SYMBOLS) {
      return json({
        error: `symbols must list 1 to ${MAX_LATEST_SYMBOLS} symbols, got ${symbols.length}`,
      }, 400);
    }
    const found: Record<string, unknown>[] = [];
    const missing: string[] = [];
    for (const s of symbols) {
      const e = cache.get(s);
      if (e === undefined) missing.push(s);
      else found.push(entryJson(e));
    }
    if (found.length === 0) {
      return json({ error: `no event cached for ${missing.join(", ")}`, missing }, 404);
    }
    return json({ latest: found, ...(missing.length > 0 ? { missing } : {}) });
  });

  app.get(
    "/ws",
    (c, next) => {
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
        return json({ error: "this endpoint takes WebSocket upgrades only" }, 426, {
          upgrade: "websocket",
        });
      }
      if (deps.closing()) return json({ error: "server shutting down" }, 503);
      return next();
    },
    adapter.upgradeWebSocket(
      () => sessionEvents({ feed, hub, cache, adapter, clock }),
      adapter.upgradeOptions(o.heartbeatMs),
    ),
  );

  app.get("*", async (c) => {
    const page = await pageResponse(new URL(c.req.url).pathname);
    return page ?? json({ error: `not found: ${new URL(c.req.url).pathname}` }, 404);
  });
  app.notFound((c) =>
    json({ error: `not found: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404)
  );
  app.onError((err) => {
    logger.error(`[serve] request failed: ${err.message}`);
    return json({ error: "internal error" }, 500);
  });
  return app;
}
