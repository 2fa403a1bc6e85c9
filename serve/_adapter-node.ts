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

/**
 * `ws` closes a connection over `maxPayload` with 1009 and no reason: give it the
 * service's reason, so every runtime says what was wrong.
 */
function reasonTooBig(ws: WebSocket, maxMessageBytes: number): void {
  const close = ws.close.bind(ws);
  ws.close = (code?: number, reason?: string | Buffer) =>
    close(
      code,
      code === 1009 && (reason === undefined || reason.length === 0)
        ? `message too big: limit ${maxMessageBytes} bytes`
        : reason,
    );
}

function wrap(ctx: WSContext<any>, onPong: () => void, maxMessageBytes: number): WireSocket {
  const ws = ctx.raw as WebSocket;
  ws.on("pong", onPong);
  reasonTooBig(ws, maxMessageBytes);
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
  let maxMessageBytes = 0;
  return {
    runtime: "node",
    upgradeWebSocket,
    upgradeOptions: () => undefined,
    pingsItself: false,
    enforcesMessageSize: true,
    wrap: (ctx, onPong) => wrap(ctx, onPong, maxMessageBytes),
    listen: (options) => {
      maxMessageBytes = options.maxMessageBytes;
      return listen(options);
    },
  };
}
