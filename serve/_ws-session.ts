/**
 * One WebSocket connection's handlers: register with the hub, greet, answer
 * each message (subscribe, unsubscribe, ping) with an ack or an error naming
 * what was wrong, enforce the message limits, and leave the hub on close.
 *
 * @module
 */

import type { WSContext, WSEvents, WSMessageEvent } from "hono/ws";
import type { Clock } from "../src/clock.ts";
import type { Channel, MarketEvent } from "../src/events.ts";
import type { Feed } from "../src/feed.ts";
import type { ServerAdapter } from "./_adapter.ts";
import { type Client, CLOSE } from "./_client.ts";
import type { Hub } from "./_hub.ts";
import {
  type ClientRequest,
  parseClientMessage,
  type ProtocolError,
  type SubscribeRequest,
} from "./_protocol.ts";
import type { LatestCache } from "./latest-cache.ts";

/** What a session needs. */
export interface SessionDeps {
  readonly feed: Feed;
  readonly hub: Hub;
  readonly cache: LatestCache;
  readonly adapter: ServerAdapter;
  readonly clock: Clock;
}

/** After this many messages refused in a row by the rate limit, the client is closed. */
const REFUSALS_BEFORE_CLOSE = 200;

function tooBig(data: unknown, max: number): boolean {
  if (typeof data === "string") {
    // One to three UTF-8 bytes per UTF-16 unit: encode only when the length cannot tell.
    if (data.length > max) return true;
    if (data.length * 3 <= max) return false;
    return new TextEncoder().encode(data).length > max;
  }
  if (data instanceof ArrayBuffer) return data.byteLength > max;
  return ((data as { size?: number }).size ?? 0) > max;
}

/**
 * The cached latest events of (channel, symbol) pairs.
 * @param cache The cache. @param pairs Pairs (`"*"` expands to every cached symbol).
 * @returns The events found.
 */
function latestOf(
  cache: LatestCache,
  pairs: readonly { symbol: string; channel: Channel }[],
): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (const { symbol, channel } of pairs) {
    const symbols = symbol === "*" ? cache.symbols() : [symbol];
    for (const s of symbols) {
      const ev = (cache.get(s) as Record<string, MarketEvent | undefined> | undefined)?.[channel];
      if (ev !== undefined) out.push(ev);
    }
  }
  return out;
}

/**
 * Builds the handlers of one connection.
 * @param deps Feed, hub, cache, adapter and clock.
 * @returns hono's WebSocket events.
 */
export function sessionEvents(deps: SessionDeps): WSEvents {
  const { hub, adapter, clock } = deps;
  const o = hub.options;
  let client: Client | undefined;
  let open = false;
  const gone = (): void => {
    if (client !== undefined) hub.disconnect(client);
    if (open) hub.socketClosed();
    open = false;
  };

  const answer = (body: Record<string, unknown>): void => {
    client?.direct(JSON.stringify(body));
  };
  const error = (e: ProtocolError): void => answer({ type: "error", ...e });

  return {
    onOpen(_evt: Event, ws: WSContext) {
      open = true;
      hub.socketOpened();
      const socket = adapter.wrap(ws, () => {
        if (client !== undefined) client.alive = true;
      });
      client = hub.connect(socket);
      if (client === undefined) return;
      answer({
        type: "hello",
        server: "tickwire",
        source: deps.feed.source,
        client: client.id,
        conflate: o.conflate,
        rate: o.defaultRate,
        maxRate: o.maxRate,
        maxSubscriptions: o.maxSubscriptions,
        maxMessageBytes: o.maxMessageBytes,
        channels: deps.feed.connector.capabilities,
      });
    },
    onMessage(evt: WSMessageEvent) {
      const c = client;
      if (c === undefined || c.closed) return;
      c.alive = true;
      const data = evt.data;
      if (!adapter.enforcesMessageSize && tooBig(data, o.maxMessageBytes)) {
        hub.drop(c, "too-big", CLOSE.tooBig, `message too big: limit ${o.maxMessageBytes} bytes`);
        return;
      }
      if (!c.admit(clock.mono())) {
        if (c.refusedInARow >= REFUSALS_BEFORE_CLOSE) {
          hub.drop(
            c,
            "flood",
            CLOSE.policy,
            `too many messages: limit ${o.maxMessagesPerSecond}/s`,
          );
        } else if (c.refusedInARow === 1 || c.refusedInARow % 50 === 0) {
          error({
            code: "rate-limited",
            message: `too many messages: limit ${o.maxMessagesPerSecond} per second; ` +
              `message dropped (${c.refusedInARow} in a row)`,
          });
        }
        return;
      }
      if (typeof data !== "string") {
        return error({
          code: "bad-request",
          message: "binary messages are not accepted; send JSON text",
        });
      }
      const req = parseClientMessage(data);
      if ("error" in req) return error(req.error);
      handle(c, req);
    },
    onClose: gone,
    onError: gone,
  };

  function handle(c: Client, req: ClientRequest): void {
    const id = req.id === undefined ? {} : { id: req.id };
    switch (req.op) {
      case "ping":
        return answer({ type: "pong", ...id, ts: clock.now() });
      case "unsubscribe": {
        const removed = hub.unsubscribe(c, req.symbols, req.channels);
        return answer({
          type: "ack",
          op: "unsubscribe",
          ...id,
          symbols: req.symbols,
          channels: req.channels,
          removed,
          subscriptions: c.pairs,
        });
      }
      case "subscribe":
        return subscribe(c, req, id);
    }
  }

  function subscribe(c: Client, req: SubscribeRequest, id: { id?: string | number }): void {
    const served = deps.feed.connector.capabilities;
    const missing = req.channels.filter((ch) => !served.includes(ch));
    if (missing.length > 0) {
      return error({
        code: "not-served",
        op: "subscribe",
        ...id,
        message: `channel ${missing.join(", ")} is not served by ${deps.feed.source}; ` +
          `it serves ${served.join(", ")}`,
      });
    }
    let fresh = 0;
    for (const s of req.symbols) {
      const held = c.subscriptions.get(s);
      for (const ch of req.channels) if (held === undefined || !held.has(ch)) fresh++;
    }
    if (c.pairs + fresh > o.maxSubscriptions) {
      return error({
        code: "too-many-subscriptions",
        op: "subscribe",
        ...id,
        message: `subscription limit: ${o.maxSubscriptions} (channel, symbol) pairs per client; ` +
          `this client holds ${c.pairs} and asked for ${fresh} more; nothing was subscribed`,
      });
    }
    const rate = req.maxRate === undefined ? c.rate : Math.min(req.maxRate, o.maxRate);
    const added = hub.subscribe(c, req.symbols, req.channels);
    const inFeed = new Set(deps.feed.health().subscriptions.map((s) => `${s.channel}:${s.symbol}`));
    const notInFeed = req.symbols.filter((s) =>
      s !== "*" && req.channels.some((ch) => !inFeed.has(`${ch}:${s}`))
    );
    answer({
      type: "ack",
      op: "subscribe",
      ...id,
      symbols: req.symbols,
      channels: req.channels,
      maxRate: o.conflate ? rate : null,
      ...(req.maxRate !== undefined && req.maxRate > o.maxRate
        ? { note: `maxRate capped at the server's limit of ${o.maxRate}` }
        : {}),
      subscriptions: c.pairs,
      ...(notInFeed.length > 0 ? { notInFeed } : {}),
    });
    if (rate !== c.rate) {
      // Re-offer the latest of every held pair: a throttled key must not lose its last value.
      const all = [...c.subscriptions].flatMap(([symbol, chs]) =>
        [...chs].map((channel) => ({ symbol, channel }))
      );
      c.setRate(rate, latestOf(deps.cache, all));
    }
    for (const ev of latestOf(deps.cache, added)) c.offer(hub.key(ev.type, ev.symbol), ev);
    hub.wake(c);
  }
}
