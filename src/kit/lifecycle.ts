/**
 * A connector's lifecycle, kept once in the core: the connection state machine,
 * the epoch, the reconnect counters, and every status event stamped and sent in
 * the order the contract requires.
 *
 * ```
 * idle ─connecting()─▶ connecting ─connected()─▶ connected ─lost()─▶ disconnected
 *                          ▲                                            │
 *                          └──── connecting() ◀── reconnecting() ◀──────┘
 * any phase ─finish()─▶ (disconnected, if connected) ─▶ end ─▶ ended: silent
 * ```
 *
 * `connected()` gives epoch 0 the first time and the next epoch after that, and
 * copies it into the {@link Stamper}'s stamp so every event of the connection
 * carries it. `end` is emitted exactly once, and nothing after it.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { EventSink, Subscription } from "../connector.ts";
import type { StatusBody, StatusEvent } from "../events.ts";
import { reasonOf } from "../errors.ts";
import { type EventBody, type Stamp, Stamper } from "./stamp.ts";

/** A connection's facts, as a lifecycle (or a feed, from the statuses) keeps them. */
export interface ConnectionFacts {
  /** Whether a connection is up. */
  readonly connected: boolean;
  /** Epoch of the current (or last) connection: 0 for the first. */
  readonly epoch: number;
  /** Attempt number of the last `reconnecting`; 0 once connected. */
  readonly reconnectAttempts: number;
  /** Successful reconnects. */
  readonly reconnects: number;
  /** Reason of the last loss, retry or error (never a secret). */
  readonly lastError?: string;
}

/**
 * What a connector's own `health()` may report (not part of the contract: the
 * feed keeps the same facts from the statuses).
 */
export interface ConnectorHealth extends ConnectionFacts {
  /** Subscriptions held, applied again on every (re)connect. */
  readonly subscriptions: readonly Subscription[];
  /** Payloads that failed to decode. */
  readonly decodeErrors: number;
}

/** Where a connection stands. */
export type Phase = "idle" | "connecting" | "connected" | "disconnected" | "reconnecting" | "ended";

/** The times to stamp on a status, when they are not now (a replay's recorded times). */
export interface StatusTime {
  /** Epoch milliseconds. */
  readonly recvTs: number;
  /** Monotonic milliseconds. */
  readonly recvMono: number;
  /** Recorded source, stamped as `origin`. */
  readonly origin?: string;
}

/**
 * The connection state machine of one connector and the status events it emits.
 *
 * @example A connector's first connection, a loss, a reconnect and the end
 * ```ts
 * import { Lifecycle, ManualClock } from "@tickwire/tickwire";
 * const kinds: string[] = [];
 * const sink = {
 *   event: () => true, decodeError: () => {}, drain: async () => {},
 *   status: (s: { kind: string; epoch: number }) => kinds.push(`${s.kind}@${s.epoch}`),
 * };
 * const life = new Lifecycle("my-venue", sink, new ManualClock());
 * life.connecting();
 * life.connected();
 * life.lost("socket closed");
 * life.reconnecting(1, 250);
 * life.connecting();
 * life.connected();
 * life.finish("done");
 * console.log(kinds.join(" "));
 * // connecting@0 connected@0 disconnected@0 reconnecting@0 connecting@0 connected@1 disconnected@1 end@1
 * ```
 */
export class Lifecycle {
  /** Connector name, stamped as `source`. */
  readonly source: string;
  /** The connector's event stamps; its epoch follows {@link Lifecycle.connected}. */
  readonly stamper: Stamper;
  /** Where the connection stands. */
  phase: Phase = "idle";
  /** Epoch of the current (or last) connection: 0 for the first. */
  epoch = 0;
  /** Successful reconnects. */
  reconnects = 0;
  /** Attempt number of the last `reconnecting`; 0 once connected. */
  reconnectAttempts = 0;
  /** Reason of the last loss, retry or error (never a secret). */
  lastError: string | undefined;
  readonly #sink: EventSink;
  readonly #clock: Clock;
  #everConnected = false;

  /**
   * Creates an idle lifecycle.
   * @param source Connector name.
   * @param sink Where statuses (and, through {@link Lifecycle.deliver}, events) go.
   * @param clock Time source for the stamps.
   * @param stamp A stamp object to adopt (see {@link Stamper}). @default a new one
   */
  constructor(source: string, sink: EventSink, clock: Clock, stamp?: Stamp) {
    this.source = source;
    this.#sink = sink;
    this.#clock = clock;
    this.stamper = new Stamper(source, clock, stamp);
  }

  /** The stamp the connector's decoders read (`seq`, epoch, receive times). */
  get stamp(): Stamp {
    return this.stamper.stamp;
  }

  /** Whether a connection is up. */
  get connectedNow(): boolean {
    return this.phase === "connected";
  }

  /** Whether `end` has been emitted. */
  get ended(): boolean {
    return this.phase === "ended";
  }

  /**
   * The connection's facts now.
   * @returns Connected, epoch, reconnect counters and the last error.
   */
  facts(): ConnectionFacts {
    return {
      connected: this.phase === "connected",
      epoch: this.epoch,
      reconnectAttempts: this.reconnectAttempts,
      reconnects: this.reconnects,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /**
   * Stamps a market event body and delivers it.
   * @param body The event without its stamps.
   * @returns The sink's answer: `false` asks a producer that can pause to await `sink.drain()`.
   */
  deliver(body: EventBody): boolean {
    if (this.phase === "ended") return true;
    return this.#sink.event(this.stamper.event(body));
  }

  /**
   * A connection attempt begins: `connecting`.
   * @param at Times to stamp. @default now
   */
  connecting(at?: StatusTime): void {
    this.emit({ kind: "connecting" }, at);
  }

  /**
   * The connection is up and every held subscription was requested on it:
   * `connected`, with epoch 0 the first time and the next epoch after that.
   * @param at Times to stamp. @default now
   * @returns The connection's epoch.
   */
  connected(at?: StatusTime): number {
    this.emit({ kind: "connected" }, at);
    return this.epoch;
  }

  /**
   * The connection was lost: `disconnected` (only if connected).
   * @param reason Why (never a secret).
   * @param at Times to stamp. @default now
   */
  lost(reason: string, at?: StatusTime): void {
    if (this.phase === "connected") this.emit({ kind: "disconnected", reason }, at);
  }

  /**
   * Waiting before attempt `attempt`: `reconnecting`.
   * @param attempt Attempt number, from 1.
   * @param delayMs Delay before it.
   * @param reason The failure that caused it. @param code The server's error code.
   * @param at Times to stamp. @default now
   */
  reconnecting(
    attempt: number,
    delayMs: number,
    reason?: string,
    code?: string,
    at?: StatusTime,
  ): void {
    this.emit({
      kind: "reconnecting",
      attempt,
      delayMs,
      ...(reason === undefined ? {} : { reason }),
      ...(code === undefined ? {} : { code }),
    }, at);
  }

  /**
   * A subscription was refused: `subscribe-error`.
   * @param reason Why. @param symbol The symbol concerned, where known.
   */
  subscribeError(reason: string, symbol?: string): void {
    this.emit({ kind: "subscribe-error", reason, ...(symbol === undefined ? {} : { symbol }) });
  }

  /**
   * Reports an error: `error` (when `end` follows, the error that ended the feed).
   * @param reason What went wrong. @param code A machine-readable code.
   */
  error(reason: string, code?: string): void {
    this.emit({ kind: "error", reason, ...(code === undefined ? {} : { code }) });
  }

  /**
   * Reports the error that ends the connector: hands it to the sink (`sink.fail`,
   * so the feed's consumers get it typed) and emits `error`. Call
   * {@link Lifecycle.finish} after it.
   * @param error The fatal error. @param code A machine-readable code (the server's).
   */
  fail(error: Error, code?: string): void {
    if (this.phase === "ended") return;
    this.#sink.fail?.(error);
    this.error(reasonOf(error), code);
  }

  /**
   * Ends the lifecycle: `disconnected` (if connected), then `end`. Idempotent:
   * `end` is emitted exactly once and nothing is emitted after it.
   * @param reason Carried by both statuses.
   * @param at Times to stamp. @default now
   * @returns Whether this call ended it (`false` when it had ended already).
   */
  finish(reason: string, at?: StatusTime): boolean {
    if (this.phase === "ended") return false;
    this.lost(reason, at);
    this.emit({ kind: "end", reason }, at);
    return true;
  }

  /**
   * Emits any status, keeping the state machine in step with it. Nothing is
   * emitted once ended.
   * @param body The status without its stamps.
   * @param at Times (and origin) to stamp. @default now
   */
  emit(body: StatusBody, at?: StatusTime): void {
    if (this.phase === "ended") return;
    switch (body.kind) {
      case "connecting":
        this.phase = "connecting";
        break;
      case "connected":
        if (this.#everConnected) {
          this.epoch++;
          this.reconnects++;
        }
        this.#everConnected = true;
        this.phase = "connected";
        this.reconnectAttempts = 0;
        this.stamper.stamp.epoch = this.epoch;
        break;
      case "disconnected":
        this.phase = "disconnected";
        this.lastError = body.reason;
        break;
      case "reconnecting":
        this.phase = "reconnecting";
        this.reconnectAttempts = body.attempt;
        if (body.reason !== undefined) this.lastError = body.reason;
        break;
      case "error":
        this.lastError = body.reason;
        break;
      case "end":
        this.phase = "ended";
        break;
    }
    const { kind, ...fields } = body;
    const origin = at?.origin;
    this.#sink.status({
      type: "status",
      kind,
      source: this.source,
      epoch: this.epoch,
      recvTs: at?.recvTs ?? this.#clock.now(),
      recvMono: at?.recvMono ?? this.#clock.mono(),
      ...fields,
      ...(origin === undefined ? {} : { origin }),
    } as StatusEvent);
  }
}
