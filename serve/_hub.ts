/**
 * The fan-out from one feed to every WebSocket client. A feed event is routed
 * through an index (symbol → channel → clients), queued per client, and the
 * clients touched are flushed once per turn of the event loop (a microtask),
 * each within its own socket's backlog limit: a slow client never makes the
 * feed or another client wait. Timers retry blocked clients, free throttled
 * keys, ping (where the runtime does not) and close clients behind too long.
 *
 * @module
 */

import type { Clock, TimerHandle } from "../src/clock.ts";
import type { Channel, FeedEvent, MarketEvent } from "../src/events.ts";
import type { Logger } from "../src/log.ts";
import type { WireSocket } from "./_adapter.ts";
import { Client, type ClientHost, CLOSE, type CloseCause } from "./_client.ts";
import { RouteIndex } from "./_route-index.ts";
import { Histogram } from "./metrics.ts";
import type { ResolvedServeOptions } from "./options.ts";

/** How often blocked clients are retried, ms. */
const RETRY_MS = 20;
/** How often clients are checked for being behind too long, ms. */
const CHECK_MS = 250;

/** WebSocket client counters of a server, since it started. */
export interface HubCounters {
  /** Clients connected now. */
  readonly clients: number;
  /** Connections accepted (including ones refused as over `maxClients`). */
  readonly connections: number;
  /** Messages written to clients. */
  readonly sent: number;
  /** Updates replaced by newer ones before a client got them. */
  readonly conflated: number;
  /** Updates clients lost: expired, or refused by a full queue. */
  readonly dropped: number;
  /** Messages waiting in client queues now. */
  readonly queued: number;
  /** Clients the server closed, by cause. */
  readonly closedBy: Readonly<Record<CloseCause, number>>;
}

/** Routes feed events to clients. */
export class Hub implements ClientHost {
  readonly options: ResolvedServeOptions;
  readonly deliveryLatency: Histogram = new Histogram();
  readonly clock: Clock;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly clients: Set<Client> = new Set();
  readonly #index = new RouteIndex();
  readonly #deliver = (client: Client, key: string, ev: MarketEvent): void => {
    client.offer(key, ev);
    this.wake(client);
  };
  readonly #dirty = new Set<Client>();
  #flushQueued = false;
  #timer: TimerHandle | undefined;
  #timerAt = Infinity;
  #checkTimer: TimerHandle | undefined;
  #heartbeatTimer: TimerHandle | undefined;
  #nextId = 1;
  #connections = 0;
  /** Sockets open (including ones closed by the service and not yet gone). */
  #open = 0;
  #allClosed: (() => void)[] = [];
  /** Totals of clients that have gone. */
  #goneSent = 0;
  #goneConflated = 0;
  #goneDropped = 0;
  readonly #closedBy: Record<CloseCause, number> = {
    slow: 0,
    heartbeat: 0,
    "too-big": 0,
    flood: 0,
    full: 0,
    shutdown: 0,
  };
  /** Encoded events of the flush under way. */
  readonly #encoded = new Map<MarketEvent, string>();
  readonly #encode = (ev: MarketEvent): string => {
    let s = this.#encoded.get(ev);
    if (s === undefined) this.#encoded.set(ev, s = JSON.stringify(ev));
    return s;
  };
  readonly #flush = (): void => this.#flushNow();

  /**
   * @param options Resolved options.
   * @param clock Time source.
   * @param logger Logger.
   */
  constructor(options: ResolvedServeOptions, clock: Clock, logger: Logger) {
    this.options = options;
    this.clock = clock;
    this.#clock = clock;
    this.#logger = logger;
  }

  /**
   * Starts the periodic checks.
   * @param pings Whether to ping clients (where the runtime does not).
   */
  start(pings: boolean): void {
    const check = (): void => {
      this.#checkBehind();
      this.#checkTimer = this.#clock.setTimeout(check, CHECK_MS, { unref: true });
    };
    this.#checkTimer = this.#clock.setTimeout(check, CHECK_MS, { unref: true });
    if (!pings) return;
    const beat = (): void => {
      this.#heartbeat();
      this.#heartbeatTimer = this.#clock.setTimeout(beat, this.options.heartbeatMs, {
        unref: true,
      });
    };
    this.#heartbeatTimer = this.#clock.setTimeout(beat, this.options.heartbeatMs, { unref: true });
  }

  /** Stops every timer. */
  stop(): void {
    for (const t of [this.#timer, this.#checkTimer, this.#heartbeatTimer]) {
      if (t !== undefined) this.#clock.clearTimeout(t);
    }
    this.#timer = this.#checkTimer = this.#heartbeatTimer = undefined;
  }

  /** A socket opened (counted until its close handler runs). */
  socketOpened(): void {
    this.#open++;
  }

  /** A socket's close handler ran. */
  socketClosed(): void {
    if (this.#open > 0) this.#open--;
    if (this.#open === 0) { for (const fn of this.#allClosed.splice(0)) fn(); }
  }

  /** @returns Resolves once every socket is closed. */
  allClosed(): Promise<void> {
    if (this.#open === 0) return Promise.resolve();
    return new Promise((resolve) => this.#allClosed.push(resolve));
  }

  /**
   * Registers a new connection.
   * @param socket Its socket.
   * @returns The client, or `undefined` when the server is full (the socket is closed).
   */
  connect(socket: WireSocket): Client | undefined {
    this.#connections++;
    if (this.clients.size >= this.options.maxClients) {
      this.#closedBy.full++;
      socket.close(CLOSE.full, `server full: ${this.options.maxClients} clients (limit)`);
      return undefined;
    }
    const client = new Client(this.#nextId++, socket, this, this.#clock.mono());
    this.clients.add(client);
    return client;
  }

  /**
   * Forgets a client whose socket closed.
   * @param client The client.
   */
  disconnect(client: Client): void {
    if (!this.clients.delete(client)) return;
    this.#index.unindex(client);
    this.#goneSent += client.sent;
    this.#goneConflated += client.conflated;
    this.#goneDropped += client.dropped;
    client.discard();
    this.#dirty.delete(client);
  }

  /** Closes a client past a limit. @internal */
  drop(client: Client, cause: CloseCause, code: number, reason: string): void {
    if (client.closed) return;
    this.#closedBy[cause]++;
    this.#logger.warn(`[serve] closing WebSocket client ${client.id}: ${reason}`, { code });
    const socket = client.socket;
    // Answers already queued (the errors that led here) go before the close frame.
    if (cause !== "slow" && cause !== "heartbeat") {
      client.flush(this.#clock.mono(), this.#clock.now(), this.#encode);
      this.#encoded.clear();
    }
    this.disconnect(client);
    if (cause === "heartbeat") return socket.terminate();
    socket.close(code, reason);
    // A client that does not read will not answer the close either.
    this.#clock.setTimeout(() => socket.terminate(), this.options.closeTimeoutMs, { unref: true });
  }

  /** Marks a client for the next flush. @internal */
  wake(client: Client): void {
    this.#dirty.add(client);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flush);
    }
  }

  /**
   * Subscribes a client to (channel, symbol) pairs.
   * @param client The client. @param symbols Upper case, or `"*"`. @param channels Channels.
   * @returns The pairs that were new.
   */
  subscribe(
    client: Client,
    symbols: readonly string[],
    channels: readonly Channel[],
  ): { symbol: string; channel: Channel }[] {
    return this.#index.add(client, symbols, channels);
  }

  /**
   * Unsubscribes a client from (channel, symbol) pairs.
   * @param client The client. @param symbols Upper case, or `"*"`. @param channels Channels.
   * @returns How many pairs were removed.
   */
  unsubscribe(client: Client, symbols: readonly string[], channels: readonly Channel[]): number {
    return this.#index.remove(client, symbols, channels);
  }

  /**
   * The interned conflation key of a (channel, symbol) pair.
   * @param channel Channel. @param symbol Symbol.
   * @returns `channel:symbol`.
   */
  key(channel: string, symbol: string): string {
    return this.#index.key(channel, symbol);
  }

  /**
   * Routes a market event to the clients subscribed to it.
   * @param ev The event.
   */
  route(ev: MarketEvent): void {
    this.#index.route(ev, this.#deliver);
  }

  /**
   * Sends a message to every client (a status event).
   * @param ev The event to encode.
   */
  broadcast(ev: FeedEvent): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(ev);
    for (const client of this.clients) client.direct(text);
  }

  #flushNow(): void {
    this.#flushQueued = false;
    const now = this.#clock.mono();
    const wall = this.#clock.now();
    let next = Infinity;
    for (const client of this.#dirty) {
      const wait = client.flush(now, wall, this.#encode);
      if (wait === 0) next = Math.min(next, RETRY_MS);
      else if (wait < next) next = wait;
    }
    this.#dirty.clear();
    this.#encoded.clear();
    if (next !== Infinity) this.#retryIn(next);
  }

  /** Flushes every client after `ms` (blocked sockets, throttled keys). */
  #retryIn(ms: number): void {
    const at = this.#clock.mono() + ms;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      for (const client of this.clients) if (client.queued > 0) this.#dirty.add(client);
      this.#flushNow();
    }, Math.max(1, ms));
  }

  #checkBehind(): void {
    const now = this.#clock.mono();
    const limit = this.options.maxBehindMs;
    for (const client of this.clients) {
      if (client.behindSince === undefined) continue;
      // A socket may drain with nothing new to send: look at it again.
      if (client.socket.bufferedAmount() < this.options.highWaterBytes) {
        if (client.queued === 0) client.behindSince = undefined;
        continue;
      }
      if (now - client.behindSince >= limit) {
        this.drop(
          client,
          "slow",
          CLOSE.tooSlow,
          `too slow: over ${this.options.highWaterBytes} bytes unsent for ${limit} ms (limit)`,
        );
      }
    }
  }

  #heartbeat(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        this.drop(client, "heartbeat", 1006, "no pong to the last ping");
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }

  /**
   * Closes every client with `1001 server shutting down`.
   * @returns The sockets closed.
   */
  closeAll(): WireSocket[] {
    const sockets: WireSocket[] = [];
    for (const client of [...this.clients]) {
      this.#closedBy.shutdown++;
      sockets.push(client.socket);
      this.disconnect(client);
    }
    for (const s of sockets) {
      try {
        s.close(CLOSE.goingAway, "server shutting down");
      } catch {
        // already gone
      }
    }
    return sockets;
  }

  /** Reads the counters. */
  counters(): HubCounters {
    let sent = this.#goneSent;
    let conflated = this.#goneConflated;
    let dropped = this.#goneDropped;
    let queued = 0;
    for (const c of this.clients) {
      sent += c.sent;
      conflated += c.conflated;
      dropped += c.dropped;
      queued += c.queued;
    }
    return {
      clients: this.clients.size,
      connections: this.#connections,
      sent,
      conflated,
      dropped,
      queued,
      closedBy: { ...this.#closedBy },
    };
  }
}
