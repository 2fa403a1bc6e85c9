/**
 * The one seam between the service and its runtime: how to listen, how to
 * upgrade a request to a WebSocket (hono's helper for the runtime), and what a
 * server-side socket can do beyond sending (its unsent bytes, a protocol ping,
 * batched writes). Picked once per server from the runtime it runs on
 * (`_load-adapter.ts`); the runtime's own module is loaded only there.
 *
 * @module
 */

import type { UpgradeWebSocket, WSContext } from "hono/ws";

/** A server-side WebSocket, as the service uses it. */
export interface WireSocket {
  /** Queues a text message. */
  send(text: string): void;
  /** Bytes queued and not yet handed to the network. */
  bufferedAmount(): number;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Drops the connection without a handshake (a dead peer). */
  terminate(): void;
  /** Sends a protocol ping; `false` when the runtime pings by itself instead. */
  ping(): boolean;
  /** Runs `fn` with its writes coalesced where the runtime can (Node corks the socket). */
  batch(fn: () => void): void;
}

/** What `listen` needs. */
export interface ListenOptions {
  readonly hostname: string;
  readonly port: number;
  /** The hono app's `fetch`. */
  readonly fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
  /** Largest incoming WebSocket message, bytes (where the runtime enforces it). */
  readonly maxMessageBytes: number;
  /** Heartbeat interval, ms (Bun and Deno ping and drop dead peers themselves). */
  readonly heartbeatMs: number;
}

/** A listening server. */
export interface RunningServer {
  /** The bound port. */
  readonly port: number;
  /** Stops accepting and closes every remaining connection. */
  stop(): Promise<void>;
}

/** The runtime-specific part of the service. */
export interface ServerAdapter {
  /** `"node"`, `"bun"` or `"deno"`. */
  readonly runtime: string;
  /** hono's WebSocket upgrade helper for this runtime. */
  readonly upgradeWebSocket: UpgradeWebSocket<any, any>;
  /** Options to pass to `upgradeWebSocket` (Deno's idle timeout). */
  readonly upgradeOptions: (heartbeatMs: number) => unknown;
  /** Whether the runtime pings and drops dead peers itself (Bun, Deno); else the service does. */
  readonly pingsItself: boolean;
  /** Whether the runtime enforces `maxMessageBytes` itself (Node, Bun). */
  readonly enforcesMessageSize: boolean;
  /**
   * Wraps hono's socket context.
   * @param ws The context of the connection's `onOpen`.
   * @param onPong Called on each pong, where the runtime reports pongs.
   */
  wrap(ws: WSContext<any>, onPong: () => void): WireSocket;
  /** Starts listening. */
  listen(options: ListenOptions): Promise<RunningServer>;
}
