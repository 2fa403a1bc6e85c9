/**
 * The recorder: writes what a feed receives to a raw capture (`.twr`: wire payloads
 * and lifecycle, replayable through the live decoder) and/or an NDJSON event capture,
 * flushing on a size and a time threshold, rotating by size or by day, and closing
 * cleanly on `close()`, on an `AbortSignal`, or when the recorded feed ends.
 *
 * Wrap the connector definition, so the recorder sees everything from the first
 * status on, raw payloads included:
 *
 * ```ts ignore
 * const recorder = await createRecorder({ out: "s.twr.gz", events: "s.ndjson" });
 * const feed = await createFeed({ source: recorder.connector(syntheticConnector), symbols: ["PTT"] });
 * ```
 *
 * @module
 */

import { type Clock, systemClock, type TimerHandle } from "../../src/clock.ts";
import type { RawEncoder } from "./capture/raw-encoder.ts";
import type { ConnectorDefinition, EventSink, RawTap } from "../../src/connector.ts";
import type { MarketEvent, StatusEvent } from "../../src/events.ts";
import { consoleLogger, type Logger } from "../../src/log.ts";
import {
  FSYNC_POLICIES,
  positive,
  type RecorderOptions,
  type RecorderStats,
  rotateBytes,
} from "./_recorder-options.ts";
import { LinesOutput, type OutputPolicy, RawOutput } from "./_outputs.ts";
import { RotatingFile } from "./_rotating-file.ts";
import { gzip as compressor } from "./_gzip.ts";

const noCompression = (bytes: Uint8Array): Promise<Uint8Array> => Promise.resolve(bytes);

/**
 * Records a feed. Create one with {@link createRecorder}; it implements `RawTap`.
 */
export class Recorder implements RawTap, AsyncDisposable {
  readonly #o: RecorderOptions;
  readonly #clock: Clock;
  readonly #flushMs: number;
  readonly #raw: RawOutput | undefined;
  readonly #nd: LinesOutput | undefined;
  readonly #maxPending: number;
  readonly #dropAbove: number;
  readonly #logger: Logger;
  #dropped = 0;
  #source: string | undefined;
  #tapSeen = false;
  #events = 0;
  #statuses = 0;
  #payloads = 0;
  #timer: TimerHandle | undefined;
  #closing: Promise<void> | undefined;
  #resolveClosed!: () => void;
  readonly #closed: Promise<void> = new Promise((resolve) => (this.#resolveClosed = resolve));

  /**
   * Use {@link createRecorder}, which also opens the files.
   * @param options Outputs, flushing, rotation, metadata.
   * @internal
   */
  constructor(options: RecorderOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#source = options.source;
    this.#flushMs = positive("flushMs", options.flushMs, 1_000)!;
    const policy: OutputPolicy = {
      flushBytes: positive("flushBytes", options.flushBytes, 65_536)!,
      rotateBytes: rotateBytes(options),
      rotateMs: positive("rotateMs", options.rotateMs, undefined),
      rotateDaily: options.rotateDaily === true,
      dayOffsetMs: (options.dayOffsetMinutes ?? 0) * 60_000,
    };
    const logger = options.logger ?? consoleLogger("warn");
    const fsync = options.fsync ?? "interval";
    if (!FSYNC_POLICIES.includes(fsync)) {
      throw new RangeError(
        `[recorder] fsync must be one of ${FSYNC_POLICIES.join(", ")}, got ${
          JSON.stringify(fsync)
        }`,
      );
    }
    const fsyncMs = positive("fsyncMs", options.fsyncMs, 1_000)!;
    this.#logger = logger;
    this.#maxPending = Math.max(
      positive("maxPendingBytes", options.maxPendingBytes, 2 * policy.flushBytes)!,
      policy.flushBytes,
    );
    this.#dropAbove = Math.max(
      positive("dropAboveBytes", options.dropAboveBytes, 16 * 1_048_576)!,
      2 * this.#maxPending,
    );
    const file = (target: string | WritableStream<Uint8Array>): RotatingFile => {
      const rotating = options.rotateBytes !== undefined && options.rotateBytes !== false ||
        policy.rotateMs !== undefined || policy.rotateDaily;
      if (rotating && typeof target !== "string") {
        throw new TypeError("[recorder] rotation needs file paths, not streams");
      }
      const gzip = typeof target === "string" ? target.endsWith(".gz") : options.gzip === true;
      return new RotatingFile(target, {
        gzip,
        compress: gzip ? compressor().member : noCompression,
        batchBytes: Math.max(this.#maxPending / 2, policy.flushBytes),
        overwrite: options.overwrite === true,
        logger,
        fsync,
        fsyncMs,
        now: () => this.#clock.mono(),
      });
    };
    const header = () => ({ source: this.#source ?? "unknown", meta: options.meta ?? {} });
    this.#raw = options.out === undefined
      ? undefined
      : new RawOutput(file(options.out), policy, this.#clock, header);
    this.#nd = options.events === undefined
      ? undefined
      : new LinesOutput(file(options.events), policy);
  }

  /** @internal Opens the first parts and starts the flush timer. */
  async start(): Promise<void> {
    await this.#raw?.file.open();
    await this.#nd?.file.open();
    this.#schedule();
    const signal = this.#o.signal;
    if (signal?.aborted) void this.close("aborted");
    else signal?.addEventListener("abort", () => void this.close("aborted"), { once: true });
  }

  /**
   * Records one raw payload (the `RawTap` method; the connector calls it).
   * @param topic Topic. @param bytes Bytes (copied). @param recvTs Receive time.
   * @param recvMono Monotonic receive time. @param epoch Connection epoch.
   */
  payload(topic: string, bytes: Uint8Array, recvTs: number, recvMono: number, epoch: number): void {
    if (this.#closing !== undefined) return;
    this.#tapSeen = true;
    this.#payloads++;
    const raw = this.#raw;
    if (raw === undefined || this.#overloaded(raw)) return;
    try {
      raw.payload(topic, bytes, recvTs, recvMono, epoch);
    } catch (e) {
      this.#skipped(e);
    }
  }

  /**
   * Records a market event (NDJSON; raw too per `rawEvents`).
   * @param ev The event.
   */
  event(ev: MarketEvent): void {
    if (this.#closing !== undefined) return;
    this.#events++;
    const mode = this.#o.rawEvents ?? "auto";
    if (
      (mode === "always" || (mode === "auto" && !this.#tapSeen)) &&
      this.#raw !== undefined && !this.#overloaded(this.#raw)
    ) {
      this.#rawRecord(ev.recvTs, (enc) => enc.event(ev));
    }
    if (this.#nd !== undefined && !this.#overloaded(this.#nd)) this.#nd.line(ev);
  }

  /**
   * Records a status event (raw; NDJSON unless `statuses: false`).
   * @param ev The event.
   */
  status(ev: StatusEvent): void {
    if (this.#closing !== undefined) return;
    this.#statuses++;
    this.#rawRecord(ev.recvTs, (enc) => enc.status(ev));
    if (this.#o.statuses !== false) this.#nd?.line(ev);
  }

  /**
   * Wraps a connector definition so that everything its connectors deliver (events,
   * statuses, raw payloads) is recorded before it reaches the feed.
   *
   * @param definition The connector to record (e.g. `syntheticConnector`).
   * @returns A definition with the same name, options and environment variables.
   */
  connector<O, I>(definition: ConnectorDefinition<O, I>): ConnectorDefinition<O, I> {
    this.#source ??= definition.name;
    return {
      ...definition,
      create: (options, ctx) => {
        const inner = ctx.sink;
        const sink: EventSink = {
          event: (ev) => {
            this.event(ev);
            return inner.event(ev) && !this.#backlogged();
          },
          status: (ev) => {
            this.status(ev);
            inner.status(ev);
            if (ev.kind === "end" && this.#o.closeOnEnd !== false) void this.close("end");
          },
          decodeError: (err) => inner.decodeError(err),
          drain: async () => {
            await inner.drain();
            await this.#writable();
          },
        };
        const outer = ctx.rawTap;
        const rawTap: RawTap = outer === undefined ? this : {
          payload: (topic, payload, recvTs, recvMono, epoch) => {
            this.payload(topic, payload, recvTs, recvMono, epoch);
            outer.payload(topic, payload, recvTs, recvMono, epoch);
          },
        };
        return definition.create(options, { ...ctx, sink, rawTap });
      },
    };
  }

  /**
   * The recorder's counters.
   * @returns Counts, bytes written, files, and the first write error.
   */
  stats(): RecorderStats {
    const error = this.#raw?.file.error ?? this.#nd?.file.error;
    return {
      events: this.#events,
      statuses: this.#statuses,
      payloads: this.#payloads,
      dropped: this.#dropped,
      syncs: (this.#raw?.file.syncs ?? 0) + (this.#nd?.file.syncs ?? 0),
      pendingBytes: (this.#raw?.file.queued ?? 0) + (this.#nd?.file.queued ?? 0),
      bytes: (this.#raw?.file.bytes ?? 0) + (this.#nd?.file.bytes ?? 0),
      files: [...(this.#raw?.file.paths ?? []), ...(this.#nd?.file.paths ?? [])],
      ...(error === undefined ? {} : { error: error.message }),
    };
  }

  /** Writes out everything pending (without closing). */
  flush(): void {
    this.#raw?.flush();
    this.#nd?.flush();
  }

  /**
   * Writes a `close` record, flushes and closes the files; idempotent.
   * @param reason Written in the `close` record. @default "closed"
   * @returns Resolves once the files are closed (never rejects: see `stats().error`).
   */
  close(reason = "closed"): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
      this.#raw?.end(reason);
      this.#nd?.flush();
      await Promise.all([this.#raw?.file.close(), this.#nd?.file.close()]);
      this.#resolveClosed();
    })();
    return this.#closing;
  }

  /**
   * Waits for the recorder to close (by `close()`, its signal, or the end of the feed).
   * @returns Resolves once the files are closed.
   */
  closed(): Promise<void> {
    return this.#closed;
  }

  /** Closes the recorder: `await using recorder = await createRecorder(...)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #rawRecord(recvTs: number, write: (enc: RawEncoder) => void): void {
    if (this.#raw === undefined) return;
    try {
      this.#raw.record(recvTs, write);
    } catch (e) {
      this.#skipped(e);
    }
  }

  #skipped(e: unknown): void {
    this.#logger.warn(`[recorder] record skipped: ${(e as Error).message}`);
  }

  /** Whether an output's write queue has reached `maxPendingBytes` (ask for a pause). */
  #backlogged(): boolean {
    const max = this.#maxPending;
    return (this.#raw?.file.queued ?? 0) >= max || (this.#nd?.file.queued ?? 0) >= max;
  }

  /** Resolves once every write queue is back under half of `maxPendingBytes`. */
  async #writable(): Promise<void> {
    const below = this.#maxPending / 2;
    await this.#raw?.file.whenBelow(below);
    await this.#nd?.file.whenBelow(below);
  }

  /**
   * Whether a market record must be dropped from an output: its write queue holds
   * `dropAboveBytes` (a producer that cannot pause). Counted in `dropped`.
   */
  #overloaded(out: RawOutput | LinesOutput): boolean {
    if (out.file.queued < this.#dropAbove) return false;
    if (this.#dropped++ === 0) {
      this.#logger.warn(
        `[recorder] ${out.file.label} cannot keep up (${this.#dropAbove} bytes waiting to be written, dropAboveBytes): dropping market records until it catches up; see stats().dropped`,
      );
    }
    return true;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      if (this.#closing !== undefined) return;
      this.flush();
      this.#schedule();
    }, this.#flushMs);
  }
}

/**
 * Creates a recorder and opens its first files (so a bad path fails at once).
 *
 * @param options Outputs, flushing, rotation, metadata.
 * @returns The recorder. Give `recorder.connector(definition)` as the feed's `source`.
 * @throws TypeError / RangeError for bad options; the runtime's error when a file
 *   cannot be created (it exists and `overwrite` is not set, a directory is missing, ...).
 * @example Recording the synthetic feed for one second, raw and NDJSON
 * ```ts ignore
 * import { createFeed } from "@tickwire/tickwire";
 * import { syntheticConnector } from "@tickwire/tickwire/connectors/synthetic";
 * import { createRecorder } from "@tickwire/tickwire/connectors/replay";
 *
 * const recorder = await createRecorder({ out: "s.twr", events: "s.ndjson", overwrite: true });
 * const feed = await createFeed({ source: recorder.connector(syntheticConnector), symbols: ["PTT"] });
 * await new Promise((r) => setTimeout(r, 1_000));
 * await feed.close();
 * await recorder.closed();
 * console.log(recorder.stats().files); // ["s.twr", "s.ndjson"]
 * ```
 */
export async function createRecorder(options: RecorderOptions): Promise<Recorder> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`[recorder] options must be an object, got ${String(options)}`);
  }
  if (options.out === undefined && options.events === undefined) {
    throw new TypeError("[recorder] give out (raw capture), events (NDJSON), or both");
  }
  const recorder = new Recorder(options);
  await recorder.start();
  return recorder;
}
