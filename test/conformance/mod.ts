/**
 * The connector conformance suite: one set of vitest tests that every
 * connector runs, checking the contract of `src/connector.ts` — status order,
 * epochs, `seq`, subscriptions held across reconnects and changed at any time,
 * event shapes, and silence after `disconnect()`.
 *
 * Call {@link testConnector} at the top level of a test file; it registers a
 * `describe("connector conformance: <name>")` block. Every wait is bounded by
 * `timeoutMs` and polled in small steps; every connector a test starts is
 * disconnected when the block ends.
 *
 * Works under vitest on Node, Bun and Deno and under `bun test`.
 *
 * @example A third-party connector's test file (`test/my-venue.conformance.test.ts`)
 * ```ts ignore
 * import { testConnector } from "@tickwire/tickwire/testing";
 * import { createMyVenueConnector } from "../src/my-venue.ts";
 * import { startFakeVenue } from "./fake-venue.ts";
 *
 * const venue = await startFakeVenue({ host: "127.0.0.1", port: 0 });
 *
 * testConnector("my-venue", {
 *   create: (ctx) => createMyVenueConnector({ url: venue.url }, ctx),
 *   subscriptions: [
 *     { channel: "quote", symbol: "PTT" },
 *     { channel: "trade", symbol: "PTT" },
 *   ],
 *   minEvents: 20,
 *   timeoutMs: 5_000,
 *   // Drop every client: the connector must reconnect on its own.
 *   triggerReconnect: () => venue.dropClients(),
 * });
 * ```
 *
 * @module
 */

import { afterAll, describe, expect, it } from "vitest";
import type { ConnectorContext, ConnectorWrapper, Subscription } from "../../src/connector.ts";
import type { MarketEvent } from "../../src/events.ts";
import {
  lifecycleProblems,
  pairKey,
  pairProblems,
  seqProblems,
  shapeProblems,
  subKey,
  symbolCaseProblems,
} from "./_checks.ts";
import { ended, Harness, lastConnectionKind } from "./_harness.ts";
import { waitUntil } from "./_wait.ts";

export { createRecordingSink, type RecordingSink } from "./_recording-sink.ts";

/** How {@link testConnector} builds and drives the connector under test. */
export interface ConformanceOptions {
  /**
   * Builds a fresh connector for one test. Use `ctx.sink` (the suite records
   * it); `ctx.clock` is the system clock, and `ctx.logger` is silent.
   */
  create(ctx: ConnectorContext): ConnectorWrapper | Promise<ConnectorWrapper>;
  /** What to subscribe. Choose pairs that each produce an event within `timeoutMs`. */
  readonly subscriptions: readonly Subscription[];
  /** Market events to wait for before checking. @default 50 */
  readonly minEvents?: number;
  /** Longest single wait, ms (each test may wait several times). @default 10_000 */
  readonly timeoutMs?: number;
  /**
   * Forces a lost connection (e.g. drop the server side). The connector must
   * reconnect on its own. Without it, the reconnect tests are reported as skipped.
   */
  triggerReconnect?(connector: ConnectorWrapper): void | Promise<void>;
  /** The source ends by itself (e.g. a replay): checks the end, skips subscribing late. @default false */
  readonly finite?: boolean;
}

/**
 * Registers the conformance tests for a connector.
 *
 * @param name The connector's name: every event's `source` must equal it.
 * @param options How to build and drive it.
 * @example The synthetic connector (a vitest test file: `vitest run` runs it, so the
 *   docs test, which runs each example as a script, does not)
 * ```ts ignore
 * import { testConnector } from "@tickwire/tickwire/testing";
 * import { createSyntheticConnector } from "@tickwire/tickwire/connectors/synthetic";
 *
 * testConnector("synthetic", {
 *   create: (ctx) => createSyntheticConnector({ rate: 2_000 }, ctx),
 *   subscriptions: [{ channel: "quote", symbol: "PTT" }, { channel: "market", symbol: "SET" }],
 * });
 * ```
 */
export function testConnector(name: string, options: ConformanceOptions): void {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const minEvents = options.minEvents ?? 50;
  const testTimeout = timeoutMs * 4 + 1_000;
  const subs = options.subscriptions;
  const finite = options.finite === true;
  const trigger = options.triggerReconnect;

  const harness = new Harness({
    create: (ctx) => options.create(ctx),
    subscriptions: subs,
    minEvents,
    timeoutMs,
    ...(trigger === undefined ? {} : {
      triggerReconnect: (connector: ConnectorWrapper) => options.triggerReconnect!(connector),
    }),
  });
  const keys = harness.keys;

  /** Registers a test, or reports it as skipped when `condition` is false. */
  function itIf(condition: boolean, title: string, fn: () => Promise<void>): void {
    if (condition) it(title, fn, testTimeout);
    else it.skip(title, fn);
  }

  describe(`connector conformance: ${name}`, () => {
    afterAll(() => harness.stopAll());

    it("emits connecting, then connected with epoch 0, before connect() resolves", async () => {
      const run = await harness.basic();
      const early = run.rec.statuses.filter((s) => run.rec.all.indexOf(s) < run.atConnect);
      const kinds = early.map((s) => s.kind).filter((k) => k === "connecting" || k === "connected");
      expect(kinds.slice(0, 2)).toEqual(["connecting", "connected"]);
      expect(early.find((s) => s.kind === "connected")?.epoch).toBe(0);
      expect(run.connectedAtConnect).toBe(true);
    }, testTimeout);

    it("delivers events for every subscription made before connect()", async () => {
      const run = await harness.basic();
      expect(run.rec.events.length).toBeGreaterThan(0);
      expect(run.missing).toEqual([]);
    }, testTimeout);

    it("delivers only valid events whose source is the connector's name", async () => {
      const run = await harness.basic();
      expect(shapeProblems(run.rec.all, name)).toEqual([]);
    }, testTimeout);

    it("delivers symbols in upper case", async () => {
      const run = await harness.basic();
      expect(symbolCaseProblems(run.rec.events)).toEqual([]);
    }, testTimeout);

    it("numbers market events with a strictly increasing seq", async () => {
      const run = await harness.basic();
      expect(seqProblems(run.rec.events)).toEqual([]);
    }, testTimeout);

    it("delivers events only for subscribed pairs", async () => {
      const run = await harness.basic();
      expect(pairProblems(run.rec.events, keys)).toEqual([]);
    }, testTimeout);

    it("follows the status order and stamps events with the current epoch", async () => {
      const run = await harness.basic();
      expect(lifecycleProblems(run.rec.all)).toEqual([]);
    }, testTimeout);

    it("ends with end as the last status, after disconnected, and nothing after it", async () => {
      const run = await harness.basic();
      const { statuses, all, afterEnd } = run.rec;
      expect(statuses.filter((s) => s.kind === "end")).toHaveLength(1);
      expect(all.at(-1)).toMatchObject({ type: "status", kind: "end" });
      const lifecycle = statuses.filter((s) =>
        ["connecting", "connected", "disconnected", "reconnecting"].includes(s.kind)
      );
      expect(lifecycle.at(-1)?.kind).not.toBe("connected");
      expect(afterEnd).toEqual([]);
    }, testTimeout);

    it("emits nothing after disconnect() resolves, and holds no timer on its clock", async () => {
      const run = await harness.basic();
      expect(run.timersAtDisconnect).toBe(0);
      expect(run.rec.all.length).toBe(run.atDisconnect);
      expect(lastConnectionKind(run.rec, run.atDisconnect)).toBe("end");
    }, testTimeout);

    it("reports its name and the channels it serves", async () => {
      const run = await harness.basic();
      expect(run.connector.name).toBe(name);
      for (const sub of subs) expect(run.connector.capabilities).toContain(sub.channel);
    }, testTimeout);

    it("treats disconnect() as idempotent", async () => {
      const { connector, rec, clock } = await harness.start();
      await harness.subscribeAll(connector);
      await connector.connect();
      await waitUntil(() => rec.events.length > 0 || ended(rec), timeoutMs, "a first event");
      await Promise.all([connector.disconnect(), connector.disconnect()]);
      await connector.disconnect();
      // No timer left on its clock: nothing scheduled can emit after the end.
      expect(clock.pending).toBe(0);
      expect(rec.statuses.filter((s) => s.kind === "end")).toHaveLength(1);
      expect(rec.all.at(-1)).toMatchObject({ type: "status", kind: "end" });
      expect(rec.afterEnd).toEqual([]);
    }, testTimeout);

    itIf(!finite, "accepts subscriptions after connect()", async () => {
      const { connector, rec } = await harness.start();
      await connector.connect();
      const from = rec.all.length;
      await harness.subscribeAll(connector);
      const subscribed = rec.all.length;
      const missing = await harness.awaitPairs(rec, from);
      await connector.disconnect();
      expect(missing).toEqual([]);
      // Judged once subscribed: before its first subscription a connector may
      // serve everything it has (a replay plays the whole capture).
      const afterSubscribe = rec.all.slice(subscribed).filter((ev): ev is MarketEvent =>
        ev.type !== "status"
      );
      expect(pairProblems(afterSubscribe, keys)).toEqual([]);
      expect(lifecycleProblems(rec.all)).toEqual([]);
    });

    it("stops a pair's events after unsubscribe()", async () => {
      const { connector, rec } = await harness.start();
      await harness.subscribeAll(connector);
      await connector.connect();
      const target = subKey(subs[0]!);
      await waitUntil(
        () => rec.events.some((ev) => pairKey(ev) === target) || ended(rec),
        timeoutMs,
        `an event for "${target}"`,
      );
      await connector.unsubscribe(subs[0]!);
      const mark = rec.all.length;
      const others = [...keys].filter((k) => k !== target);
      const othersAfter = (): number =>
        rec.all.slice(mark).filter((ev) => ev.type !== "status" && pairKey(ev) !== target)
          .length;
      // The barrier: ten events of the pairs still held, produced after the unsubscribe
      // (or the end of a finite source). An event of the dropped pair still on its way
      // would have come before them.
      if (others.length > 0) {
        await waitUntil(
          () => othersAfter() >= 10 || ended(rec),
          timeoutMs,
          "ten events of the other pairs",
        );
      }
      await connector.disconnect();
      const late = rec.all.slice(mark).filter((ev) =>
        ev.type !== "status" && pairKey(ev) === target
      );
      expect(late).toEqual([]);
    }, testTimeout);

    itIf(
      trigger !== undefined,
      "reconnects with the next epoch after disconnected and reconnecting",
      async () => {
        const run = await harness.reconnect();
        const { all } = run.rec;
        const connected = all[run.connectedIndex];
        expect(connected).toMatchObject({ kind: "connected", epoch: run.epochBefore + 1 });
        expect(lifecycleProblems(all)).toEqual([]);
        expect(seqProblems(run.rec.events)).toEqual([]);
        const after = all.slice(run.connectedIndex + 1).filter((ev) => ev.type !== "status");
        expect(after.length).toBeGreaterThan(0);
      },
    );

    itIf(trigger !== undefined, "keeps every subscription across a reconnect", async () => {
      const run = await harness.reconnect();
      expect(run.missing).toEqual([]);
    });

    itIf(finite, "ends by itself as a finite source", async () => {
      const { connector, rec, clock } = await harness.start();
      await harness.subscribeAll(connector);
      await connector.connect();
      await waitUntil(() => ended(rec), timeoutMs, "the end of the source");
      await connector.disconnect();
      expect(clock.pending).toBe(0);
      expect(rec.all.at(-1)).toMatchObject({ type: "status", kind: "end" });
      expect(lifecycleProblems(rec.all)).toEqual([]);
      expect(rec.afterEnd).toEqual([]);
    });
  });
}
