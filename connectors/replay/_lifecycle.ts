/**
 * The replay connector's lifecycle: its own `connecting` / `connected` at the start
 * and `disconnected` / `end` at the end, and the recorded session's reconnects
 * replayed in between, so the stream follows the connector contract whatever the
 * capture holds.
 *
 * Recorded statuses are mapped as follows:
 *
 * - the recording's first `connecting` / `connected`: absorbed (the replay has
 *   emitted its own);
 * - `disconnected`: held, and emitted when the recorded reconnect follows
 *   (`reconnecting`, `connecting` or `connected`); a `disconnected` at the end of the
 *   capture gives way to the replay's own;
 * - `reconnecting`, a later `connecting`, `connected` (the replay's epoch + 1),
 *   `subscribe-error`, `error`: replayed;
 * - `end`: dropped (the replay ends at the end of the capture); `stale` /
 *   `recovered`: dropped (the feed's own health monitor reports staleness).
 *
 * When the recorded epoch changes without recorded statuses (an NDJSON capture
 * without them, a time window that starts after a reconnect), the missing
 * statuses are made up, so events always carry the replay's current epoch.
 *
 * @module
 */

import type { EventSink } from "../../src/connector.ts";
import type { StatusEvent, StatusKind } from "../../src/events.ts";

type Extra = Pick<StatusEvent, "symbol" | "reason" | "attempt" | "delayMs">;

/** Status bookkeeping of one replay connector. */
export class Lifecycle {
  /** The replay's connection epoch. */
  epoch = 0;
  /** Reconnects replayed so far. */
  reconnects = 0;
  /** Source of the recording, stamped as `origin` on the replay's own statuses. */
  origin: string | undefined;
  readonly #sink: EventSink;
  #last: StatusKind | undefined;
  #recEpoch: number | undefined;
  #held: StatusEvent | undefined;
  #connectedOnce = false;
  #ended = false;

  /** @param sink Where statuses go. */
  constructor(sink: EventSink) {
    this.#sink = sink;
  }

  /** Whether the replayed connection is up (between `connected` and `disconnected`). */
  get connected(): boolean {
    return this.#last === "connected";
  }

  /** Whether `end` has been emitted. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Emits one status of the replay.
   * @param kind Status kind.
   * @param recvTs Receive time to stamp.
   * @param recvMono Monotonic time to stamp.
   * @param extra Reason, attempt, ...
   * @param origin Recorded source. @default the capture's source
   */
  emit(
    kind: StatusKind,
    recvTs: number,
    recvMono: number,
    extra: Extra = {},
    origin: string | undefined = this.origin,
  ): void {
    if (this.#ended) return;
    if (kind === "connected") {
      if (this.#connectedOnce) {
        this.epoch++;
        this.reconnects++;
      }
      this.#connectedOnce = true;
    }
    if (
      kind === "connecting" || kind === "connected" || kind === "disconnected" ||
      kind === "reconnecting"
    ) {
      this.#last = kind;
    }
    if (kind === "end") this.#ended = true;
    this.#sink.status({
      type: "status",
      kind,
      source: "replay",
      epoch: this.epoch,
      recvTs,
      recvMono,
      ...extra,
      ...(origin === undefined ? {} : { origin }),
    });
  }

  /**
   * Handles a recorded status (see the module documentation).
   * @param ev The recorded status.
   * @param recvMono Its rebased monotonic time.
   */
  recorded(ev: StatusEvent, recvMono: number): void {
    const origin = ev.origin ?? ev.source;
    const extra: Extra = {
      ...(ev.symbol === undefined ? {} : { symbol: ev.symbol }),
      ...(ev.reason === undefined ? {} : { reason: ev.reason }),
    };
    switch (ev.kind) {
      case "end":
      case "stale":
      case "recovered":
        return;
      case "disconnected":
        if (this.connected) this.#held = ev;
        return;
      case "reconnecting":
        this.#flush(recvMono);
        if (this.connected) {
          this.emit("disconnected", ev.recvTs, recvMono, { reason: "connection lost" }, origin);
        }
        this.emit("reconnecting", ev.recvTs, recvMono, {
          ...extra,
          attempt: ev.attempt ?? 1,
          delayMs: ev.delayMs ?? 0,
        }, origin);
        return;
      case "connecting":
        this.#flush(recvMono);
        if (!this.connected) this.emit("connecting", ev.recvTs, recvMono, extra, origin);
        return;
      case "connected":
        this.#flush(recvMono);
        if (this.connected) {
          this.#recEpoch = ev.epoch;
          return;
        }
        this.#toConnected(ev.recvTs, recvMono, origin);
        this.#recEpoch = ev.epoch;
        return;
      default:
        this.emit(ev.kind, ev.recvTs, recvMono, extra, origin);
    }
  }

  /**
   * Called before each market event: makes up a reconnect when the recorded epoch
   * changed (or the replayed connection is down).
   * @param recEpoch The event's recorded epoch.
   * @param recvTs Its receive time.
   * @param recvMono Its rebased monotonic time.
   */
  market(recEpoch: number, recvTs: number, recvMono: number): void {
    if (this.#recEpoch === undefined) this.#recEpoch = recEpoch;
    if (recEpoch === this.#recEpoch && this.connected) return;
    this.#flush(recvMono);
    if (this.connected) {
      this.emit("disconnected", recvTs, recvMono, {
        reason: "connection epoch changed in the capture",
      });
    }
    this.#toConnected(recvTs, recvMono, this.origin);
    this.#recEpoch = recEpoch;
  }

  /**
   * Starts the capture again as a reconnect (`loop`).
   * @param recvTs Time to stamp. @param recvMono Monotonic time to stamp.
   */
  restart(recvTs: number, recvMono: number): void {
    this.#held = undefined;
    if (this.connected) {
      this.emit("disconnected", recvTs, recvMono, {
        reason: "replay starts again from the beginning",
      });
    }
    this.#toConnected(recvTs, recvMono, this.origin);
    this.#recEpoch = undefined;
  }

  /**
   * Emits `disconnected` (if connected) and `end`; nothing is emitted afterwards.
   * @param reason Why. @param recvTs Time to stamp. @param recvMono Monotonic time to stamp.
   */
  finish(reason: string, recvTs: number, recvMono: number): void {
    this.#held = undefined;
    if (this.connected) this.emit("disconnected", recvTs, recvMono, { reason });
    this.emit("end", recvTs, recvMono, { reason });
  }

  #flush(recvMono: number): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    this.emit(
      "disconnected",
      held.recvTs,
      recvMono,
      { reason: held.reason || "connection lost" },
      held.origin ?? held.source,
    );
  }

  /** From wherever the lifecycle is to `connected` with the next epoch. */
  #toConnected(recvTs: number, recvMono: number, origin: string | undefined): void {
    if (this.#last === "disconnected") {
      this.emit("reconnecting", recvTs, recvMono, { attempt: 1, delayMs: 0 }, origin);
    }
    if (this.#last !== "connecting") this.emit("connecting", recvTs, recvMono, {}, origin);
    this.emit("connected", recvTs, recvMono, {}, origin);
  }
}
