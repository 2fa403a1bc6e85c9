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

import type { Clock } from "../../src/clock.ts";
import type { EventSink } from "../../src/connector.ts";
import type { StatusBody, StatusEvent } from "../../src/events.ts";
import { Lifecycle } from "../../src/kit/lifecycle.ts";
import type { Stamp } from "../../src/kit/stamp.ts";

/** Status bookkeeping of one replay connector, on the core {@link Lifecycle}. */
export class ReplayLifecycle {
  /** The core lifecycle: phase, epoch, reconnects, and the stamp its events carry. */
  readonly life: Lifecycle;
  /** Source of the recording, stamped as `origin` on the replay's own statuses. */
  origin: string | undefined;
  #recEpoch: number | undefined;
  #held: StatusEvent | undefined;

  /** @param sink Where statuses go. @param clock Time source. */
  constructor(sink: EventSink, clock: Clock) {
    this.life = new Lifecycle("replay", sink, clock);
  }

  /** The replay's connection epoch. */
  get epoch(): number {
    return this.life.epoch;
  }

  /** Reconnects replayed so far. */
  get reconnects(): number {
    return this.life.reconnects;
  }

  /** The stamp of replayed events (`source: "replay"`, the epoch, the recorded `origin`). */
  get stamp(): Stamp {
    return this.life.stamp;
  }

  /** Whether the replayed connection is up (between `connected` and `disconnected`). */
  get connected(): boolean {
    return this.life.phase === "connected";
  }

  /** Whether `end` has been emitted. */
  get ended(): boolean {
    return this.life.ended;
  }

  /**
   * Emits one status of the replay.
   * @param body The status without its stamps.
   * @param recvTs Receive time to stamp.
   * @param recvMono Monotonic time to stamp.
   * @param origin Recorded source. @default the capture's source
   */
  emit(
    body: StatusBody,
    recvTs: number,
    recvMono: number,
    origin: string | undefined = this.origin,
  ): void {
    this.life.emit(body, { recvTs, recvMono, ...(origin === undefined ? {} : { origin }) });
  }

  /**
   * Handles a recorded status (see the module documentation).
   * @param ev The recorded status.
   * @param recvMono Its rebased monotonic time.
   */
  recorded(ev: StatusEvent, recvMono: number): void {
    const origin = ev.origin ?? ev.source;
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
          this.emit(
            { kind: "disconnected", reason: "connection lost" },
            ev.recvTs,
            recvMono,
            origin,
          );
        }
        this.emit(
          {
            kind: "reconnecting",
            attempt: ev.attempt,
            delayMs: ev.delayMs,
            ...(ev.reason === undefined ? {} : { reason: ev.reason }),
            ...(ev.code === undefined ? {} : { code: ev.code }),
          },
          ev.recvTs,
          recvMono,
          origin,
        );
        return;
      case "connecting":
        this.#flush(recvMono);
        if (!this.connected) this.emit({ kind: "connecting" }, ev.recvTs, recvMono, origin);
        return;
      case "connected":
        this.#flush(recvMono);
        if (!this.connected) this.#toConnected(ev.recvTs, recvMono, origin);
        this.#recEpoch = ev.epoch;
        return;
      default: {
        const { type: _t, source: _s, epoch: _e, recvTs: _r, recvMono: _m, origin: _o, ...body } =
          ev;
        this.emit(body as StatusBody, ev.recvTs, recvMono, origin);
      }
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
    this.#reconnect("connection epoch changed in the capture", recvTs, recvMono);
    this.#recEpoch = recEpoch;
  }

  /**
   * Starts the capture again as a reconnect (`loop`).
   * @param recvTs Time to stamp. @param recvMono Monotonic time to stamp.
   */
  restart(recvTs: number, recvMono: number): void {
    this.#held = undefined;
    this.#reconnect("replay starts again from the beginning", recvTs, recvMono);
    this.#recEpoch = undefined;
  }

  /**
   * Emits `disconnected` (if connected) and `end`; nothing is emitted afterwards.
   * @param reason Why. @param recvTs Time to stamp. @param recvMono Monotonic time to stamp.
   */
  finish(reason: string, recvTs: number, recvMono: number): void {
    this.#held = undefined;
    const origin = this.origin;
    this.life.finish(reason, { recvTs, recvMono, ...(origin === undefined ? {} : { origin }) });
  }

  #flush(recvMono: number): void {
    const held = this.#held;
    if (held === undefined || held.kind !== "disconnected") return;
    this.#held = undefined;
    this.emit(
      { kind: "disconnected", reason: held.reason || "connection lost" },
      held.recvTs,
      recvMono,
      held.origin ?? held.source,
    );
  }

  /** A made-up reconnect: `disconnected` (if connected), then on to `connected`. */
  #reconnect(reason: string, recvTs: number, recvMono: number): void {
    if (this.connected) this.emit({ kind: "disconnected", reason }, recvTs, recvMono);
    this.#toConnected(recvTs, recvMono, this.origin);
  }

  /** From wherever the lifecycle is to `connected` with the next epoch. */
  #toConnected(recvTs: number, recvMono: number, origin: string | undefined): void {
    if (this.life.phase === "disconnected") {
      this.emit({ kind: "reconnecting", attempt: 1, delayMs: 0 }, recvTs, recvMono, origin);
    }
    if (this.life.phase !== "connecting") {
      this.emit({ kind: "connecting" }, recvTs, recvMono, origin);
    }
    this.emit({ kind: "connected" }, recvTs, recvMono, origin);
  }
}
