/**
 * Helpers shared by the synthetic connector's tests.
 *
 * @module
 */

import { ManualClock, systemClock } from "../../src/clock.ts";
import type { Subscription } from "../../src/connector.ts";
import { CHANNELS, type FeedEvent, type MarketEvent } from "../../src/events.ts";
import { silentLogger } from "../../src/log.ts";
import {
  createSyntheticConnector,
  type SyntheticConnector,
  type SyntheticOptionsInput,
  tickSize,
} from "../../connectors/synthetic/mod.ts";
import { createRecordingSink, type RecordingSink } from "../conformance/mod.ts";

/** A connector driven by hand. */
export interface ManualRun {
  readonly connector: SyntheticConnector;
  readonly rec: RecordingSink;
  readonly clock: ManualClock;
  /** Advances the clock in 25 ms steps (the batch interval). */
  advance(ms: number): void;
}

/**
 * Subscribes and connects a connector on a {@link ManualClock}; nothing is emitted
 * until `advance` is called.
 */
export function startManual(
  options: SyntheticOptionsInput,
  subs: readonly Subscription[],
): ManualRun {
  const clock = new ManualClock();
  const rec = createRecordingSink();
  const connector = createSyntheticConnector(options, {
    sink: rec.sink,
    logger: silentLogger,
    clock,
  });
  for (const sub of subs) void connector.subscribe(sub);
  void connector.connect();
  return {
    connector,
    rec,
    clock,
    advance(ms: number): void {
      for (let t = 0; t < ms; t += 25) clock.advance(25);
    },
  };
}

/**
 * Runs a connector on the system clock until its `end` status (bounded).
 * @returns The recording.
 */
export async function runToEnd(
  options: SyntheticOptionsInput,
  subs: readonly Subscription[],
  timeoutMs = 10_000,
): Promise<RecordingSink> {
  const rec = createRecordingSink();
  const connector = createSyntheticConnector(options, {
    sink: rec.sink,
    logger: silentLogger,
    clock: systemClock,
  });
  for (const sub of subs) await connector.subscribe(sub);
  await connector.connect();
  const deadline = performance.now() + timeoutMs;
  while (!rec.statuses.some((s) => s.kind === "end")) {
    if (performance.now() > deadline) {
      await connector.disconnect();
      throw new Error(`no end within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return rec;
}

/** Every channel for each symbol, plus the SET market. */
export function allChannels(symbols: readonly string[]): Subscription[] {
  const subs: Subscription[] = [];
  for (const symbol of symbols) {
    for (const channel of CHANNELS) if (channel !== "market") subs.push({ channel, symbol });
  }
  subs.push({ channel: "market", symbol: "SET" });
  return subs;
}

/** An event without its receive times, for comparing runs. */
export function strip(ev: FeedEvent): Record<string, unknown> {
  const { recvTs: _ts, recvMono: _mono, ...rest } = ev;
  return rest;
}

/** FNV-1a hash of a string, for fingerprints. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Whether a price is exactly a SET ladder price (and the nearest double to its decimal). */
export function onLadder(price: number): boolean {
  const satang = Math.round(price * 100);
  return price > 0 && satang / 100 === price && satang % Math.round(tickSize(price) * 100) === 0;
}

/** Market events of one type. */
export function ofType<T extends MarketEvent["type"]>(
  events: readonly MarketEvent[],
  type: T,
): Extract<MarketEvent, { type: T }>[] {
  return events.filter((ev): ev is Extract<MarketEvent, { type: T }> => ev.type === type);
}
