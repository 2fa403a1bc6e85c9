/**
 * One WebSocket client: its subscriptions, its own bounded queues, and the
 * writes to its socket. Market updates wait either in a {@link Conflator}
 * (latest-wins per channel and symbol, throttled per key) or, with conflation
 * off, in a bounded FIFO; control answers and `status` events wait in a small
 * FIFO of their own and go first. Nothing is written while the socket holds
 * more than the high-water mark unsent: the client falls behind alone.
 *
 * @module
 */

import type { Clock } from "../src/clock.ts";
import { Conflator } from "../src/conflate.ts";
import type { Channel, MarketEvent } from "../src/events.ts";
import type { WireSocket } from "./_adapter.ts";
import { Fifo } from "./_fifo.ts";
import type { Histogram } from "./metrics.ts";
import type { ResolvedServeOptions } from "./options.ts";

/** Close codes the service uses, with the reasons' beginnings. */
export const CLOSE = {
  /** The server is shutting down. */
  goingAway: 1001,
  /** The client sent too many messages. */
  policy: 1008,
  /** The client sent a message above the size limit. */
  tooBig: 1009,
  /** Too many clients already. */
  full: 1013,
  /** The client stayed behind past the limit. */
  tooSlow: 4008,
} as const;

/** Most control answers and status events a client may have waiting. */
const DIRECT_LIMIT = 1_000;
/** Most updates taken from a conflator between two checks of the socket's backlog. */
const TAKE_CHUNK = 64;

/** Encodes an event once per flush for every client that sends it. */
export type Encode = (ev: MarketEvent) => string;

/** Why a client was closed by the service (a bounded label set for the metrics). */
export type CloseCause = "slow" | "heartbeat" | "too-big" | "flood" | "full" | "shutdown";

/** What a client needs from its hub. */
export interface ClientHost {
  readonly options: ResolvedServeOptions;
  readonly deliveryLatency: Histogram;
  /** The service's time source: the conflators' rates and ages run on it. */
  readonly clock: Clock;
  /** Marks the client for the next flush. */
  wake(client: Client): void;
  /** The client is past a limit: close it and stop routing to it. */
  drop(client: Client, cause: CloseCause, code: number, reason: string): void;
}

/** A connected WebSocket client. */
export class Client {
  /** Server-unique id, from 1. */
  readonly id: number;
  readonly socket: WireSocket;
  readonly #host: ClientHost;
  /** Per-key updates per second (conflation on). */
  rate: number;
  #conflator: Conflator<MarketEvent> | undefined;
  readonly #fifo: Fifo<MarketEvent> | undefined;
  readonly #direct = new Fifo<string>();
  /** Subscribed channels per symbol (`"*"` for every symbol). */
  readonly subscriptions: Map<string, Set<Channel>> = new Map();
  /** Number of (channel, symbol) pairs held. */
  pairs = 0;
  /** Messages written. */
  sent = 0;
  /** Updates replaced by newer ones in previous conflators (a rate change starts a new one). */
  #conflatedBefore = 0;
  #expiredBefore = 0;
  /** Updates lost: past their maximum age, or refused by a full queue. */
  #lost = 0;
  /** Since when the socket has held more than the high-water mark (monotonic ms). */
  behindSince: number | undefined;
  /** A pong or a message since the last ping. */
  alive = true;
  /** Closed, or being closed: no more routing or writes. */
  closed = false;
  /** Incoming messages allowed now (token bucket). */
  #tokens: number;
  #refillAt: number;
  /** Messages refused by the rate limit in a row. */
  refusedInARow = 0;
  /** Reused by every flush. */
  readonly #batch: MarketEvent[] = [];

  /**
   * @param id Server-unique id.
   * @param socket The socket.
   * @param host The hub.
   * @param now Monotonic time, ms.
   */
  constructor(id: number, socket: WireSocket, host: ClientHost, now: number) {
    this.id = id;
    this.socket = socket;
    this.#host = host;
    const o = host.options;
    this.rate = o.defaultRate;
    if (o.conflate) this.#conflator = this.#newConflator(o.defaultRate);
    else this.#fifo = new Fifo();
    this.#tokens = 2 * o.maxMessagesPerSecond;
    this.#refillAt = now;
  }

  #newConflator(rate: number): Conflator<MarketEvent> {
    const o = this.#host.options;
    return new Conflator({
      maxPerSecond: rate,
      maxAgeMs: o.maxAgeMs,
      maxKeys: 4 * o.maxSubscriptions + 64,
      clock: this.#host.clock,
    });
  }

  /**
   * Changes the per-key rate (conflation on); updates waiting are handed over.
   * @param rate Updates per second per key.
   * @param latest The latest events of every subscribed key, to offer to the new conflator.
   */
  setRate(rate: number, latest: readonly MarketEvent[]): void {
    if (this.#conflator === undefined || rate === this.rate) return;
    const old = this.#conflator.counters();
    this.#conflatedBefore += old.conflated;
    this.#expiredBefore += old.expired;
    this.rate = rate;
    this.#conflator = this.#newConflator(rate);
    for (const ev of latest) this.offer(keyOf(ev), ev);
  }

  /**
   * Queues a market update.
   * @param key The conflation key (`channel:symbol`).
   * @param ev The event.
   */
  offer(key: string, ev: MarketEvent): void {
    if (this.#conflator !== undefined) {
      if (!this.#conflator.offer(key, ev, ev.recvMono)) this.#lost++;
      return;
    }
    const fifo = this.#fifo!;
    if (fifo.length >= this.#host.options.queueLimit) {
      this.#lost++;
      this.#host.drop(
        this,
        "slow",
        CLOSE.tooSlow,
        `too slow: ${this.#host.options.queueLimit} events queued (limit)`,
      );
      return;
    }
    fifo.push(ev);
  }

  /**
   * Queues a control answer or a status event (sent before market updates).
   * @param text The encoded message.
   */
  direct(text: string): void {
    if (this.closed) return;
    if (this.#direct.length >= DIRECT_LIMIT) {
      this.#lost++;
      this.#host.drop(
        this,
        "slow",
        CLOSE.tooSlow,
        `too slow: ${DIRECT_LIMIT} answers and statuses queued (limit)`,
      );
      return;
    }
    this.#direct.push(text);
    this.#host.wake(this);
  }

  /** Forgets a key's waiting update (unsubscribe). */
  forget(key: string): void {
    this.#conflator?.delete(key);
  }

  /**
   * Writes what may go now, while the socket is under its high-water mark.
   * @param now Monotonic time, ms.
   * @param wall Wall time, epoch ms (for the delivery latency).
   * @param encode Encodes an event (memoized per flush).
   * @returns Milliseconds until this client has more to write: 0 when blocked by
   *   its socket, `Infinity` when nothing waits, else the wait for its rate.
   */
  flush(now: number, wall: number, encode: Encode): number {
    if (this.closed) return Infinity;
    this.#wall = wall;
    this.#encode = encode;
    this.#blocked = false;
    this.socket.batch(this.#writeAll);
    const blocked = this.#blocked;
    if (blocked || this.socket.bufferedAmount() >= this.#host.options.highWaterBytes) {
      this.behindSince ??= now;
    } else this.behindSince = undefined;
    if (blocked) return 0;
    return this.#conflator === undefined ? Infinity : this.#conflator.nextReadyInMs();
  }

  /** The flush under way: its wall time, its encoder and whether the socket stopped it. */
  #wall = 0;
  #encode: Encode = JSON.stringify;
  #blocked = false;
  /** Writes what may go (one function for the client's life: a flush allocates nothing). */
  readonly #writeAll = (): void => {
    const high = this.#host.options.highWaterBytes;
    const socket = this.socket;
    const latency = this.#host.deliveryLatency;
    const wall = this.#wall;
    const encode = this.#encode;
    const direct = this.#direct;
    while (direct.length > 0) {
      if (socket.bufferedAmount() >= high) return void (this.#blocked = true);
      socket.send(direct.shift());
      this.sent++;
    }
    const fifo = this.#fifo;
    if (fifo !== undefined) {
      while (fifo.length > 0) {
        if (socket.bufferedAmount() >= high) return void (this.#blocked = true);
        const ev = fifo.shift();
        socket.send(encode(ev));
        latency.observe((wall - ev.recvTs) / 1000);
        this.sent++;
      }
      return;
    }
    const conflator = this.#conflator!;
    const batch = this.#batch;
    for (;;) {
      if (socket.bufferedAmount() >= high) return void (this.#blocked = conflator.pending > 0);
      conflator.take(TAKE_CHUNK, batch);
      if (batch.length === 0) return;
      for (let i = 0; i < batch.length; i++) {
        const ev = batch[i];
        socket.send(encode(ev));
        latency.observe((wall - ev.recvTs) / 1000);
      }
      this.sent += batch.length;
      batch.length = 0;
    }
  };

  /**
   * Takes one incoming message from the rate limit's budget.
   * @param now Monotonic time, ms.
   * @returns Whether the message may be handled.
   */
  admit(now: number): boolean {
    const rate = this.#host.options.maxMessagesPerSecond;
    this.#tokens = Math.min(2 * rate, this.#tokens + ((now - this.#refillAt) * rate) / 1000);
    this.#refillAt = now;
    if (this.#tokens < 1) {
      this.refusedInARow++;
      return false;
    }
    this.#tokens -= 1;
    this.refusedInARow = 0;
    return true;
  }

  /** Updates replaced by newer ones before they were sent. */
  get conflated(): number {
    return this.#conflatedBefore + (this.#conflator?.counters().conflated ?? 0);
  }

  /** Updates lost: expired in the conflator, or refused by a full queue. */
  get dropped(): number {
    return this.#lost + this.#expiredBefore + (this.#conflator?.counters().expired ?? 0);
  }

  /** Updates waiting now. */
  get queued(): number {
    return this.#direct.length + (this.#fifo?.length ?? this.#conflator?.pending ?? 0);
  }

  /** Empties the queues (the client is gone). */
  discard(): void {
    this.closed = true;
    this.#conflator?.clear();
    this.#fifo?.clear();
    this.#direct.clear();
  }
}

/**
 * The conflation key of an event.
 * @param ev A market event.
 * @returns `channel:symbol`.
 */
export function keyOf(ev: MarketEvent): string {
  return `${ev.type}:${ev.symbol}`;
}
