/**
 * The conformance suite's runs: start a connector on a recording sink, drive
 * it, and note what happened at each point, for the tests to check.
 *
 * @module
 */

import type { ConnectorContext, ConnectorWrapper, Subscription } from "../../src/connector.ts";
import { silentLogger } from "../../src/log.ts";
import { pairKey, subKey } from "./_checks.ts";
import { createRecordingSink, type RecordingSink } from "./_recording-sink.ts";
import { TimerClock } from "./_timer-clock.ts";
import { waitUntil } from "./_wait.ts";

const CONNECTION_KINDS: ReadonlySet<string> = new Set([
  "connecting",
  "connected",
  "disconnected",
  "reconnecting",
  "end",
]);

/**
 * The kind of the last connection status among the first `upTo` records.
 * @param rec The recording. @param upTo How many records to look at.
 * @returns The kind, or `undefined` when there was none.
 */
export function lastConnectionKind(rec: RecordingSink, upTo: number): string | undefined {
  for (let i = Math.min(upTo, rec.all.length) - 1; i >= 0; i--) {
    const ev = rec.all[i]!;
    if (ev.type === "status" && CONNECTION_KINDS.has(ev.kind)) return ev.kind;
  }
  return undefined;
}

/** Resolved settings of one suite. */
export interface HarnessConfig {
  create(ctx: ConnectorContext): ConnectorWrapper | Promise<ConnectorWrapper>;
  readonly subscriptions: readonly Subscription[];
  readonly minEvents: number;
  readonly timeoutMs: number;
  triggerReconnect?(connector: ConnectorWrapper): void | Promise<void>;
}

/** A connector, its recording, and the clock it was given. */
export interface Started {
  readonly connector: ConnectorWrapper;
  readonly rec: RecordingSink;
  readonly clock: TimerClock;
}

/** Subscribe, connect, collect, disconnect, watch. */
export interface BasicRun extends Started {
  /** Records at `connect()` resolution. */
  readonly atConnect: number;
  /** Whether the last connection status before `connect()` resolved was `connected`. */
  readonly connectedAtConnect: boolean;
  /** Records at `disconnect()` resolution. */
  readonly atDisconnect: number;
  /** Timers the connector still held on its clock when `disconnect()` resolved. */
  readonly timersAtDisconnect: number;
  /** Subscriptions that produced no event. */
  readonly missing: string[];
}

/** Subscribe, connect, trigger a reconnect, collect. */
export interface ReconnectRun extends Started {
  readonly epochBefore: number;
  /** Index in `rec.all` of the `connected` that followed the trigger. */
  readonly connectedIndex: number;
  /** Subscriptions that produced no event after the reconnect. */
  readonly missing: string[];
}

/**
 * @param rec A recording.
 * @returns Whether it holds the `end` status.
 */
export function ended(rec: RecordingSink): boolean {
  return rec.statuses.some((s) => s.kind === "end");
}

/** Starts connectors for one suite, remembers them, and runs the shared scenarios once each. */
export class Harness {
  /** Subscription keys, symbols upper-cased. */
  readonly keys: ReadonlySet<string>;
  readonly #config: HarnessConfig;
  readonly #started: ConnectorWrapper[] = [];
  #basic: Promise<BasicRun> | undefined;
  #reconnect: Promise<ReconnectRun> | undefined;

  /** @param config Resolved settings. */
  constructor(config: HarnessConfig) {
    this.#config = config;
    this.keys = new Set(config.subscriptions.map(subKey));
  }

  /** @returns A fresh connector on a new recording sink. */
  async start(): Promise<Started> {
    const rec = createRecordingSink();
    const clock = new TimerClock();
    const ctx = { sink: rec.sink, logger: silentLogger, clock };
    const connector = await this.#config.create(ctx);
    this.#started.push(connector);
    return { connector, rec, clock };
  }

  /** Disconnects every connector started. */
  async stopAll(): Promise<void> {
    for (const connector of this.#started) await connector.disconnect();
  }

  /** @param connector Subscribes it to every subscription, in order. */
  async subscribeAll(connector: ConnectorWrapper): Promise<void> {
    for (const sub of this.#config.subscriptions) await connector.subscribe(sub);
  }

  /**
   * Waits (bounded) until every subscription has an event from `from` on, and at
   * least `atLeast` events in all, or the source ends.
   * @returns The subscriptions still without an event.
   */
  async awaitPairs(rec: RecordingSink, from: number, atLeast = 0): Promise<string[]> {
    const keys = this.keys;
    const seen = new Set<string>();
    let scanned = from;
    let count = 0;
    const done = (): boolean => {
      for (; scanned < rec.all.length; scanned++) {
        const ev = rec.all[scanned]!;
        if (ev.type !== "status") {
          seen.add(pairKey(ev));
          count++;
        }
      }
      return ([...keys].every((k) => seen.has(k)) && count >= atLeast) || ended(rec);
    };
    await waitUntil(done, this.#config.timeoutMs, "an event for every subscription").catch(
      () => {},
    );
    return [...keys].filter((k) => !seen.has(k));
  }

  /** @returns The basic run, started on first call. */
  basic(): Promise<BasicRun> {
    return (this.#basic ??= this.#basicRun());
  }

  /** @returns The reconnect run, started on first call. */
  reconnect(): Promise<ReconnectRun> {
    return (this.#reconnect ??= this.#reconnectRun());
  }

  async #basicRun(): Promise<BasicRun> {
    const { connector, rec, clock } = await this.start();
    await this.subscribeAll(connector);
    await connector.connect();
    const atConnect = rec.all.length;
    const connectedAtConnect = lastConnectionKind(rec, atConnect) === "connected";
    const missing = await this.awaitPairs(rec, 0, this.#config.minEvents);
    await connector.disconnect();
    const atDisconnect = rec.all.length;
    const timersAtDisconnect = clock.pending;
    return {
      connector,
      rec,
      clock,
      atConnect,
      connectedAtConnect,
      atDisconnect,
      timersAtDisconnect,
      missing,
    };
  }

  async #reconnectRun(): Promise<ReconnectRun> {
    const { timeoutMs, minEvents, triggerReconnect } = this.#config;
    if (triggerReconnect === undefined) throw new TypeError("no triggerReconnect given");
    const { connector, rec, clock } = await this.start();
    await this.subscribeAll(connector);
    await connector.connect();
    const before = Math.min(minEvents, 10);
    await waitUntil(() => rec.events.length >= before, timeoutMs, "events before the reconnect");
    const epochBefore = rec.statuses.findLast((s) => s.kind === "connected")?.epoch ?? 0;
    const from = rec.all.length;
    await triggerReconnect(connector);
    let connectedIndex = -1;
    const reconnected = (): boolean => {
      for (let i = from; i < rec.all.length; i++) {
        const ev = rec.all[i]!;
        if (ev.type === "status" && ev.kind === "connected" && ev.epoch > epochBefore) {
          connectedIndex = i;
          return true;
        }
      }
      return false;
    };
    await waitUntil(reconnected, timeoutMs, "connected after triggerReconnect");
    const missing = await this.awaitPairs(rec, connectedIndex + 1);
    await connector.disconnect();
    return { connector, rec, clock, epochBefore, connectedIndex, missing };
  }
}
