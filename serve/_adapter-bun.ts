/**
 * Bun: `Bun.serve` with hono's Bun WebSocket handler. Bun enforces the message
 * size (`maxPayloadLength`) and pings and drops dead peers itself
 * (`sendPings`, `idleTimeout`).
 *
 * @module
 */

import { upgradeWebSocket, websocket } from "hono/bun";
import type { WSContext } from "hono/ws";
import type { ListenOptions, RunningServer, ServerAdapter, WireSocket } from "./_adapter.ts";

interface BunSocket {
  send(data: string): number;
  getBufferedAmount(): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  cork<T>(fn: () => T): T;
}

interface BunServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

interface BunGlobal {
  serve(options: Record<string, unknown>): BunServer;
}

function wrap(ctx: WSContext<any>): WireSocket {
  const ws = ctx.raw as BunSocket;
  return {
    send: (text) => void ws.send(text),
    bufferedAmount: () => ws.getBufferedAmount(),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    ping: () => false,
    batch: (fn) => ws.cork(fn),
  };
}

function listen(options: ListenOptions): Promise<RunningServer> {
  const bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;
  const server = bun.serve({
    hostname: options.hostname,
    port: options.port,
    fetch: options.fetch,
    websocket: {
      ...websocket,
      maxPayloadLength: options.maxMessageBytes,
      idleTimeout: Math.max(1, Math.ceil((2 * options.heartbeatMs) / 1000)),
      sendPings: true,
    },
  });
  return Promise.resolve({
    port: server.port,
    stop: async () => {
      await server.stop(true);
    },
  });
}

/** @returns The Bun adapter. */
export function bunAdapter(): ServerAdapter {
  return {
    runtime: "bun",
    upgradeWebSocket,
    upgradeOptions: () => undefined,
    pingsItself: true,
    enforcesMessageSize: true,
    wrap,
    listen,
  };
}
