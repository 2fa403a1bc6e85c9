/**
 * The feed's view of its connector's connection, kept from the status events it
 * sees: connected or not, epoch, reconnect attempts, last error.
 *
 * @module
 */

import type { FeedMode, StatusEvent } from "./events.ts";
import type { ConnectionFacts } from "./kit/lifecycle.ts";

/** Connection facts for `feed.health()`: a connector's, and its delivery mode. */
export interface FeedConnectionFacts extends ConnectionFacts {
  /** How the connector delivers now, as of its last `mode` status; absent before any. */
  readonly mode?: FeedMode;
  /** Milliseconds in that mode. */
  readonly modeAgeMs?: number;
}

/** Folds status events into connection facts. */
export class ConnectionState {
  connected = false;
  epoch = 0;
  reconnectAttempts = 0;
  reconnects = 0;
  lastError: string | undefined;
  /** An `error` came after the last `connected`: if `end` follows, the connector gave up. */
  gaveUp = false;
  /** Delivery mode of the last `mode` status; `undefined` when the connector reports none. */
  mode: FeedMode | undefined;
  /** Monotonic time of the last `mode` status. */
  modeSinceMono = 0;

  /** @param ev A status event, in the order the connector emitted it. */
  apply(ev: StatusEvent): void {
    switch (ev.kind) {
      case "connected":
        if (ev.epoch > this.epoch) this.reconnects++;
        this.connected = true;
        this.epoch = ev.epoch;
        this.reconnectAttempts = 0;
        break;
      case "disconnected":
        this.connected = false;
        this.lastError = ev.reason;
        break;
      case "reconnecting":
        this.reconnectAttempts = ev.attempt;
        break;
      case "error":
        if (ev.code !== "listener") this.lastError = ev.reason;
        break;
      case "mode":
        this.mode = ev.mode;
        this.modeSinceMono = ev.recvMono;
        break;
    }
    // An error not followed by a new connection before `end` means the connector gave
    // up; a listener's error is the consumer's, not the connector's.
    if (ev.kind === "error" && ev.code !== "listener") this.gaveUp = true;
    else if (ev.kind === "connected") this.gaveUp = false;
  }

  /** Whether the connector delivers events now: connected, or serving them by polling. */
  get delivering(): boolean {
    return this.connected || this.mode === "poll";
  }

  /**
   * @param nowMono Monotonic now, for the age of the mode.
   * @returns The facts, for a health snapshot.
   */
  facts(nowMono: number): FeedConnectionFacts {
    return {
      connected: this.connected,
      epoch: this.epoch,
      reconnectAttempts: this.reconnectAttempts,
      reconnects: this.reconnects,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.mode === undefined
        ? {}
        : { mode: this.mode, modeAgeMs: Math.max(0, nowMono - this.modeSinceMono) }),
    };
  }
}
