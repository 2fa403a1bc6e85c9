/**
 * Deno: `Deno.serve` with hono's Deno WebSocket helper. Deno pings and drops
 * dead peers itself (`idleTimeout`); it has no limit on incoming message size,
 * so the service checks each message's size as it arrives.
 *
 * @module
 */

import { upgradeWebSocket } from "hono/deno";
import type { WSContext } from "hono/ws";
import type { ListenOptions, RunningServer, ServerAdapter, WireSocket } from "./_adapter.ts";

interface DenoServer {
  readonly addr: { readonly port: number };
  shutdown(): Promise<void>;
  readonly finished: Promise<void>;
}

interface DenoGlobal {
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): DenoServer;
}

function wrap(ctx: WSContext<any>): WireSocket {
  const ws = ctx.raw as WebSocket;
  return {
    send: (text) => ws.send(text),
    bufferedAmount: () => ws.bufferedAmount,
    close: (code, reason) => ws.close(code, reason),
    // The standard WebSocket has no abort: a close without waiting is the closest.
    terminate: () => ws.close(),
    ping: () => false,
    batch: (fn) => fn(),
  };
}

function listen(options: ListenOptions): Promise<RunningServer> {
  const deno = (globalThis as unknown as { Deno: DenoGlobal }).Deno;
  const server = deno.serve(
    { hostname: options.hostname, port: options.port, onListen: () => {} },
    (request) => options.fetch(request),
  );
  return Promise.resolve({
    port: server.addr.port,
    stop: async () => {
      await server.shutdown();
    },
  });
}

/** @returns The Deno adapter. */
export function denoAdapter(): ServerAdapter {
  return {
    runtime: "deno",
    upgradeWebSocket,
    upgradeOptions: (heartbeatMs) => ({
      idleTimeout: Math.max(1, Math.ceil((2 * heartbeatMs) / 1000)),
    }),
    pingsItself: true,
    enforcesMessageSize: false,
    wrap,
    listen,
  };
}
