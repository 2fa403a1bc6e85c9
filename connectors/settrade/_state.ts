/**
 * The Settrade connector's connection state: its phase, epoch, reconnect
 * counters and last error, the status events that report them, and the health
 * snapshot built from them.
 *
 * @module
 */

import type { Clock } from "../../src/clock.ts";
import type { ConnectorHealth, EventSink, Subscription } from "../../src/connector.ts";
import type { StatusEvent, StatusKind } from "../../src/events.ts";

/** Where the connection stands. */
export type Phase = "idle" | "connecting" | "connected" | "reconnecting" | "ended";

/** Optional fields of a status event. */
export type StatusExtra = Pick<StatusEvent, "symbol" | "reason" | "attempt" | "delayMs">;

/** Phase, counters and status emission of one connector. */
export class ConnectionState {
  phase: Phase = "idle";
  /** 0 for the first connection, + 1 per successful reconnect. */
  epoch = 0;
  /** Successful reconnects. */
  reconnects = 0;
  /** Reconnect attempts since the last successful connection. */
  reconnectAttempts = 0;
  /** Last error or loss, never a secret. */
  lastError: string | undefined;
  #everConnected = false;
  readonly #source: string;
  readonly #sink: EventSink;
  readonly #clock: Clock;

  /** @param source Connector name. @param sink Status target. @param clock Time source. */
  constructor(source: string, sink: EventSink, clock: Clock) {
    this.#source = source;
    this.#sink = sink;
    this.#clock = clock;
  }

  /**
   * Emits a status with the current epoch; nothing but `end` once ended.
   * @param kind Status kind. @param extra Symbol, reason, attempt, delay.
   */
  status(kind: StatusKind, extra?: StatusExtra): void {
    if (this.phase === "ended" && kind !== "end") return;
    this.#sink.status({
      type: "status",
      kind,
      source: this.#source,
      epoch: this.epoch,
      recvTs: this.#clock.now(),
      recvMono: this.#clock.mono(),
      ...extra,
    });
  }

  /**
   * A connection is up: the next epoch (after the first), counters reset, `connected`.
   * @returns The connection's epoch.
   */
  connected(): number {
    if (this.#everConnected) {
      this.epoch++;
      this.reconnects++;
    }
    this.#everConnected = true;
    this.phase = "connected";
    this.reconnectAttempts = 0;
    this.status("connected");
    return this.epoch;
  }

  /**
   * @param subscriptions Held subscriptions. @param decodeErrors Payloads that failed.
   * @returns The health snapshot of the contract.
   */
  health(subscriptions: readonly Subscription[], decodeErrors: number): ConnectorHealth {
    return {
      connected: this.phase === "connected",
      epoch: this.epoch,
      reconnectAttempts: this.reconnectAttempts,
      reconnects: this.reconnects,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      subscriptions,
      decodeErrors,
    };
  }
}
