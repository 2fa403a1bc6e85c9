/**
 * Shared pieces of the Settrade connector tests: a recording context with a
 * capturing logger, bounded waits, and a rejection helper that works under
 * vitest and `bun test` alike.
 */
import { systemClock } from "../../src/clock.ts";
import type { Clock } from "../../src/clock.ts";
import type { RawTap, Subscription } from "../../src/connector.ts";
import type { LogFields, Logger } from "../../src/log.ts";
import { lifecycleProblems, seqProblems } from "../conformance/_checks.ts";
import { createRecordingSink, type RecordingSink } from "../conformance/_recording-sink.ts";
import { waitUntil } from "../conformance/_wait.ts";
import { afterAll } from "vitest";
import { everyChannelOf } from "../_helpers/every-channel.ts";
import {
  createSettradeConnector,
  SETTRADE_CHANNELS,
  type SettradeConnector,
  type SettradeConnectorOptionsInput,
  type SettradeOptionsInput,
} from "../../connectors/settrade/mod.ts";
import {
  type SettradeEmulator,
  type SettradeEmulatorOptions,
  startSettradeEmulator,
} from "../../connectors/settrade/emulator/mod.ts";

export { lifecycleProblems, seqProblems };

/** One captured log line. */
export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields?: LogFields;
}

/** A logger that keeps every line. */
export function capturingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (message: string, fields?: LogFields): void => {
    lines.push(fields === undefined ? { level, message } : { level, message, fields });
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A connector under test and what it delivered. */
export interface Harness {
  readonly connector: SettradeConnector;
  readonly rec: RecordingSink;
  readonly logs: LogLine[];
  /** Status kinds in order (with epoch for `connected`), `mode` statuses left out. */
  kinds(): string[];
  /** The modes of the `mode` statuses, in order. */
  modes(): string[];
}

const started: SettradeConnector[] = [];

/**
 * Builds a connector with a recording sink and a capturing logger.
 * @param options Connector options.
 * @param extra Clock and raw tap.
 */
export function harness(
  options: SettradeConnectorOptionsInput,
  extra: { clock?: Clock; rawTap?: RawTap; logs?: LogLine[] } = {},
): Harness {
  const rec = createRecordingSink();
  const logs = extra.logs ?? [];
  const connector = createSettradeConnector(options, {
    sink: rec.sink,
    logger: capturingLogger(logs),
    clock: extra.clock ?? systemClock,
    ...(extra.rawTap === undefined ? {} : { rawTap: extra.rawTap }),
  });
  started.push(connector);
  return {
    connector,
    rec,
    logs,
    kinds: () =>
      rec.statuses.filter((s) => s.kind !== "mode").map((s) =>
        s.kind === "connected" ? `connected:${s.epoch}` : s.kind
      ),
    modes: () => rec.statuses.flatMap((s) => (s.kind === "mode" ? [s.mode] : [])),
  };
}

/** Disconnects every connector built by {@link harness}. */
export async function disconnectAll(): Promise<void> {
  await Promise.all(started.splice(0).map((c) => c.disconnect()));
}

/** Bounded polling: {@link waitUntil}, 12 s by default. */
export function until(done: () => boolean, what: string, timeoutMs = 12_000): Promise<void> {
  return waitUntil(done, timeoutMs, what);
}

/** Real-time pause. */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** What a promise rejects with (throws when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  return await p.then(() => {
    throw new Error("expected a rejection");
  }, (e: unknown) => e);
}

/** One subscription on each channel Settrade serves (see `every-channel.ts`). */
export const EVERY_CHANNEL: readonly Subscription[] = everyChannelOf(SETTRADE_CHANNELS);

/** Fast reconnects for tests. */
export const FAST_RECONNECT = { initialDelayMs: 20, maxDelayMs: 200, multiplier: 2, jitter: 0.2 };

/**
 * Emulators for one test file, each stopped after the file's tests. Call at the
 * top level of the file.
 * @param defaults Options every emulator of the file starts with.
 * @returns Starts one, with `options` over the defaults.
 */
export function emulatorsForFile(
  defaults: SettradeEmulatorOptions,
): (options?: SettradeEmulatorOptions) => Promise<SettradeEmulator> {
  const started: SettradeEmulator[] = [];
  afterAll(async () => {
    await Promise.all(started.map((e) => e.stop()));
  });
  return async (options = {}) => {
    const emu = await startSettradeEmulator({ ...defaults, ...options });
    started.push(emu);
    return emu;
  };
}

/**
 * Connector options that log in to an emulator, with fast reconnects.
 * @param emu The emulator.
 * @param extra Options over those.
 * @returns The options.
 */
export function emulatorOptions(
  emu: SettradeEmulator,
  extra: Partial<SettradeOptionsInput> = {},
): SettradeOptionsInput {
  return { ...emu.connectorOptions(), reconnect: FAST_RECONNECT, ...extra };
}
