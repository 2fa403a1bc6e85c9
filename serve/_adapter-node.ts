/**
 * Node: `@hono/node-server` with its WebSocket support over a `ws` server of
 * our own (for `maxPayload`), protocol pings from the service's heartbeat, and
 * corked writes.
 *
 * @module
 */

import type { AddressInfo } from "node:net";
import { serve, upgradeWebSocket } from "@hono/node-server";
import type { WSContext } from "hono/ws";
import { type WebSocket, WebSocketServer } from "ws";
import type { ListenOptions, RunningServer, ServerAdapter, WireSocket } from "./_adapter.ts";

interface Corkable {
  cork(): void;
  uncork(): void;
}

function wrap(ctx: WSContext<any>, onPong: () => void): WireSocket {
  const ws = ctx.raw as WebSocket;
  ws.on("pong", onPong);
  const socket = (ws as unknown as { _socket?: Corkable })._socket;
  return {
    send: (text) => ws.send(text),
    bufferedAmount: () => ws.bufferedAmount,
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    ping: () => {
      if (ws.readyState === ws.OPEN) ws.ping();
      return true;
    },
    batch: (fn) => {
      if (socket === undefined) return fn();
      socket.cork();
      try {
        fn();
      } finally {
        socket.uncork();
      }
    },
  };
}

async function listen(options: ListenOptions): Promise<RunningServer> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  const server = serve({
    fetch: options.fetch,
    hostname: options.hostname,
    port: options.port,
    websocket: { server: wss },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    stop: async () => {
      for (const ws of wss.clients) ws.terminate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
    },
  };
}

/** @returns The Node adapter. */
export function nodeAdapter(): ServerAdapter {
  return {
    runtime: "node",
    upgradeWebSocket,
    upgradeOptions: () => undefined,
    pingsItself: false,
    enforcesMessageSize: true,
    wrap,
    listen,
  };
}
