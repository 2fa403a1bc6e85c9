/**
 * The replay connector: reads a capture, paces it on the context's clock, decodes
 * raw payloads with the live decoder, and delivers the events stamped as replayed.
 *
 * @module
 */

import type { Clock } from "../../src/clock.ts";
import { type CaptureIssue, issueToError } from "./capture/issues.ts";
import { type CaptureHeader, KIND_CLOSE, KIND_PAYLOAD, KIND_STATUS } from "./capture/raw-format.ts";
import { END, NEED_MORE, RawParser } from "./capture/raw-parser.ts";
import { type CaptureReader, openCapture } from "./capture/reader.ts";
import type { ChunkSource } from "./capture/source.ts";
import type {
  ConnectorContext,
  ConnectorWrapper,
  EventSink,
  Subscription,
} from "../../src/connector.ts";
import { ConnectionError, DecodeError, isDecodeError } from "../../src/errors.ts";
import { type Channel, CHANNELS, type MarketEvent, type StatusEvent } from "../../src/events.ts";
import type { ConnectorHealth } from "../../src/kit/lifecycle.ts";
import type { Logger } from "../../src/log.ts";
import {
  DecoderTable,
  type PayloadWant,
  type PreparedDecode,
  type TopicRoute,
} from "./_decoders.ts";
import { openParts } from "./_parts.ts";
import { PairFilter } from "./_filter.ts";
import { ReplayLifecycle } from "./_lifecycle.ts";
import type { ReplayOptions } from "./_options.ts";
import { Pacer } from "./_pacer.ts";

/** The replay connector's own view of its progress, from {@link ReplayConnector.health}. */
export type ReplayHealth = ConnectorHealth;

/**
 * What the hot loop needs about one topic of the current capture part, found
 * once and then looked up by the part's topic number.
 */
interface TopicState {
  readonly topic: string;
  readonly route: TopicRoute;
  /** What to decode; `null` skips the topic's payloads (not subscribed). */
  readonly want: PayloadWant | null;
  /** The topic's symbol (upper case), when it names one. */
  readonly symbol: string | undefined;
  /** The route's decoder bound to the topic, when there is one. */
  readonly decode: PreparedDecode | undefined;
}

/** The fields {@link ReplayConnector} restamps on a recorded market event. */
interface Restamped {
  source: string;
  origin?: string;
  seq: number;
  recvMono: number;
  epoch: number;
}

/** Records delivered at `"max"` between two yields to the event loop. */
const YIELD_EVERY = 4096;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === "function") setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Whether an issue is the end of a capture cut short: the data ends inside a record or member. */
export function isCut(issue: CaptureIssue): boolean {
  return issue.tail && issue.code === "truncated";
}

/** The one warning for a cut capture: where it was cut, and that everything before was replayed. */
function cutWarning(name: string, cuts: readonly CaptureIssue[]): string {
  const last = cuts.at(-1)!;
  const file = cuts.find((c) => c.fileOffset !== undefined)?.fileOffset;
  return `[replay] ${JSON.stringify(name)} was cut short at byte ${last.offset}${
    file === undefined ? "" : ` (file byte ${file})`
  }, inside record ${last.record} (a crash or a full disk while recording): every complete ` +
    `record before it was replayed (strict / --strict makes this an error)`;
}

/** A connector that replays a capture. Create it with `createReplayConnector`. */
export class ReplayConnector implements ConnectorWrapper {
  readonly name: string = "replay";
  readonly capabilities: readonly Channel[] = CHANNELS;
  /** Problems found in the capture so far. */
  readonly issues: CaptureIssue[] = [];
  readonly #o: ReplayOptions;
  readonly #sink: EventSink;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #life: ReplayLifecycle;
  readonly #pacer: Pacer;
  readonly #filter: PairFilter;
  readonly #decoders = new DecoderTable();
  #state: "idle" | "running" | "ended" = "idle";
  #connecting: Promise<void> | undefined;
  #reader: CaptureReader | undefined;
  #header: CaptureHeader | undefined;
  #seq = 0;
  #decodeErrors = 0;
  #lastError: string | undefined;
  #stopReason: string | undefined;
  #pressure = false;
  /** The topic of the payload being decoded, for {@link ReplayConnector.#emitDecoded}. */
  #current: TopicState | undefined;
  /** Per topic number of the current part; emptied with each new part and subscription change. */
  #topics: (TopicState | undefined)[] = [];

  /**
   * Use `createReplayConnector` (or a feed with `source: "replay"`).
   * @param options Validated options.
   * @param ctx Sink, logger and clock from the feed.
   */
  constructor(options: ReplayOptions, ctx: ConnectorContext) {
    this.#o = options;
    this.#sink = ctx.sink;
    this.#clock = ctx.clock;
    this.#logger = ctx.logger;
    this.#life = new ReplayLifecycle(ctx.sink, ctx.clock);
    this.#pacer = new Pacer(ctx.clock, options.speed === "max" ? 0 : options.speed);
    this.#filter = new PairFilter(options.symbols);
  }

  /**
   * Opens the capture (`connecting`), reads its header, emits `connected` and starts
   * replaying.
   * @param signal Aborting it ends the replay.
   * @returns Resolves after `connected`.
   * @throws ConnectionError when the file cannot be opened; DecodeError when it is not
   *   a readable capture (wrong magic, newer version, `.gz` name without gzip, damaged header).
   */
  connect(signal?: AbortSignal): Promise<void> {
    if (this.#connecting !== undefined) return this.#connecting;
    if (this.#state === "ended") {
      return Promise.reject(
        new ConnectionError("[replay] connector was disconnected; create a new one"),
      );
    }
    this.#connecting = this.#start(signal);
    return this.#connecting;
  }

  /**
   * Stops the replay: `disconnected` (if connected) and `end`; idempotent.
   * @param reason Carried by both statuses. @default "disconnect requested"
   * @returns Resolves at once: nothing is emitted afterwards.
   */
  disconnect(reason = "disconnect requested"): Promise<void> {
    this.#finish(reason);
    return Promise.resolve();
  }

  /**
   * Adds a subscription; from the first one on, only subscribed pairs are delivered.
   * @param sub Channel and symbol (and interval for bars).
   * @returns Resolves at once.
   */
  subscribe(sub: Subscription): Promise<void> {
    this.#filter.subscribe(sub);
    this.#topics = [];
    return Promise.resolve();
  }

  /**
   * Removes a subscription.
   * @param sub As subscribed.
   * @returns Resolves at once.
   */
  unsubscribe(sub: Subscription): Promise<void> {
    this.#filter.unsubscribe(sub);
    this.#topics = [];
    return Promise.resolve();
  }

  /**
   * Whether the replayed connection is up.
   * @returns `true` between `connected` and `disconnected`.
   */
  isConnected(): boolean {
    return this.#state === "running" && this.#life.connected;
  }

  /**
   * The connector's health.
   * @returns Connection, epoch, replayed reconnects, subscriptions and problems counted.
   */
  health(): ReplayHealth {
    return {
      ...this.#life.life.facts(),
      connected: this.isConnected(),
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
      subscriptions: this.#filter.list(),
      decodeErrors: this.#decodeErrors,
    };
  }

  async #start(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    this.#life.emit({ kind: "connecting" }, this.#clock.now(), this.#pacer.now());
    let reader: CaptureReader;
    try {
      reader = await this.#open();
    } catch (e) {
      this.#lastError = message(e);
      this.#life.emit(
        { kind: "error", reason: this.#lastError },
        this.#clock.now(),
        this.#pacer.now(),
      );
      this.#finish("could not open the capture");
      throw e;
    }
    if (this.#isEnded()) {
      await reader.cancel();
      throw new ConnectionError("[replay] disconnected while opening the capture");
    }
    this.#reader = reader;
    this.#life.origin = reader.header?.source;
    this.#state = "running";
    this.#life.emit({ kind: "connected" }, this.#clock.now(), this.#pacer.now());
    signal?.addEventListener("abort", () => this.#finish("aborted"), { once: true });
    void this.#run();
  }

  async #open(): Promise<CaptureReader> {
    const o = this.#o;
    let stream: ReadableStream<Uint8Array> | ChunkSource | undefined = o.stream;
    if (stream === undefined) {
      try {
        stream = await openParts(o.file!);
      } catch (e) {
        throw new ConnectionError(`[replay] cannot open ${JSON.stringify(o.file)}: ${message(e)}`, {
          cause: e,
        });
      }
    }
    return await openCapture(stream, {
      name: o.name,
      onCorrupt: o.onCorrupt,
      onIssue: (issue) => this.#onIssue(issue),
      ...(o.maxInflatedBytes === undefined ? {} : { maxInflatedBytes: o.maxInflatedBytes }),
    });
  }

  async #run(): Promise<void> {
    let reader = this.#reader!;
    try {
      for (;;) {
        const played = await this.#play(reader);
        if (this.#isEnded()) return;
        const ending = this.#o.onCorrupt === "stop"
          ? reader.issues.at(-1)
          : reader.issues.find((i) => i.tail);
        if (ending !== undefined && !this.#o.strict && isCut(ending)) {
          this.#logger.warn(cutWarning(this.#o.name, reader.issues.filter(isCut)));
        } else if (ending !== undefined) {
          this.#lastError = ending.message;
          this.#life.emit(
            { kind: "error", reason: ending.message },
            this.#clock.now(),
            this.#pacer.now(),
          );
        }
        if (!this.#o.loop || ending !== undefined || played === 0) break;
        this.#stopReason = undefined;
        await reader.cancel();
        this.#life.restart(this.#clock.now(), this.#pacer.now());
        this.#pacer.reset();
        reader = this.#reader = await this.#open();
        if (this.#isEnded()) return void (await reader.cancel());
      }
      this.#finish(this.#stopReason ?? "end of capture");
    } catch (e) {
      if (this.#isEnded()) return;
      const reason = `[replay] replay failed: ${message(e)}`;
      this.#lastError = reason;
      this.#logger.error(reason);
      this.#life.emit({ kind: "error", reason }, this.#clock.now(), this.#pacer.now());
      this.#finish("replay failed");
    }
  }

  /** Plays one pass over a capture; returns the number of records delivered. */
  async #play(reader: CaptureReader): Promise<number> {
    const p = reader.parser;
    const raw = p instanceof RawParser ? p : undefined;
    const from = this.#o.from ?? -Infinity;
    const to = this.#o.to ?? Infinity;
    const pacer = this.#pacer;
    let n = 0;
    let sinceYield = 0;
    for (;;) {
      if (this.#isEnded()) return n;
      const kind = p.next();
      if (kind === NEED_MORE) {
        await reader.fill();
        continue;
      }
      if (kind === END) return n;
      if (kind === KIND_CLOSE || p.recvTs < from) continue;
      if (p.recvTs > to) {
        this.#stopReason = "end of the time window";
        return n;
      }
      if (raw !== undefined && raw.header !== this.#header) {
        this.#header = raw.header;
        this.#topics = [];
        this.#life.stamp.origin = raw.header?.source ?? "unknown";
        pacer.reset();
      }
      const wait = pacer.next(p.recvMono);
      if (wait > 0) {
        await pacer.sleep(wait);
        if (this.#isEnded()) return n;
      } else if (++sinceYield >= YIELD_EVERY) {
        sinceYield = 0;
        await nextTurn();
        if (this.#isEnded()) return n;
      }
      const mono = pacer.stamp(p.recvMono);
      n++;
      if (kind === KIND_PAYLOAD) {
        let topic = this.#topics[raw!.topicId];
        if (topic === undefined || topic.topic !== raw!.topic) {
          topic = await this.#topicState(raw!);
          if (this.#isEnded()) return n;
        }
        this.#payload(raw!, topic, mono);
      } else if (kind === KIND_STATUS) {
        this.#life.recorded(p.value as StatusEvent, mono);
      } else {
        this.#event(p.value as MarketEvent, p.epoch, mono);
      }
      if (this.#pressure) {
        this.#pressure = false;
        await this.#sink.drain();
      }
    }
  }

  #event(ev: MarketEvent, recEpoch: number, mono: number): void {
    this.#life.market(recEpoch, ev.recvTs, mono);
    if (!this.#filter.accepts(ev)) return;
    // The parser's event is an object of its own, fresh from JSON.parse:
    // restamped in place, not copied (the same fields, in the same order).
    const out = ev as Restamped;
    out.origin = ev.origin ?? ev.source;
    out.source = "replay";
    out.seq = ++this.#seq;
    out.recvMono = mono;
    out.epoch = this.#life.epoch;
    if (!this.#sink.event(ev)) this.#pressure = true;
  }

  /** Finds (loading its decoder if need be) and keeps what the hot loop needs about a topic. */
  async #topicState(r: RawParser): Promise<TopicState> {
    const topic = r.topic;
    const id = r.topicId;
    const route = this.#decoders.route(topic) ?? await this.#decoders.load(topic);
    const decoder = typeof route === "string" ? undefined : route;
    const state: TopicState = {
      topic,
      route,
      want: decoder === undefined ? null : this.#filter.wantFor(topic, decoder),
      symbol: decoder?.symbolOf(topic),
      decode: decoder?.prepare(topic),
    };
    this.#topics[id] = state;
    return state;
  }

  #payload(r: RawParser, t: TopicState, mono: number): void {
    const route = t.route;
    if (route === "ignore") return;
    if (route === "unknown") {
      const topic = t.topic;
      this.#decodeErrors++;
      this.#sink.decodeError(
        new DecodeError(
          `[replay] no decoder for topic ${
            JSON.stringify(topic)
          } (record ${r.record} at byte ${r.offset})`,
          { code: "topic", topic, offset: r.offset },
        ),
      );
      return;
    }
    this.#life.market(r.epoch, r.recvTs, mono);
    const want = t.want;
    if (want === null) return;
    const meta = this.#life.stamp;
    meta.seq = this.#seq + 1;
    meta.recvTs = r.recvTs;
    meta.recvMono = mono;
    this.#current = t;
    try {
      t.decode!(r.payloadBuffer, r.payloadStart, r.payloadEnd, meta, want, this.#emitDecoded);
    } catch (e) {
      if (!isDecodeError(e)) throw e;
      this.#decodeErrors++;
      this.#sink.decodeError(e);
    }
  }

  /**
   * Receives each event decoded from a payload (its `origin` already stamped by
   * the decoder from the meta): filters, renumbers `seq`, delivers.
   */
  readonly #emitDecoded = (decoded: MarketEvent): void => {
    // A quote or book of the topic's own symbol passed the filter when the
    // topic's `want` was worked out; anything else asks the filter.
    const t = this.#current!;
    const want = t.want!;
    const known = decoded.symbol === t.symbol &&
      (decoded.type === "quote" ? want.quote : decoded.type === "book" && want.book);
    if (!known && !this.#filter.accepts(decoded)) return;
    let ev = decoded;
    if (Object.isExtensible(ev)) (ev as { seq: number }).seq = ++this.#seq;
    else ev = { ...ev, seq: ++this.#seq };
    if (!this.#sink.event(ev)) this.#pressure = true;
  };

  #onIssue(issue: CaptureIssue): void {
    this.issues.push(issue);
    this.#o.onIssue?.(issue);
    if (!this.#o.strict && isCut(issue)) return;
    this.#decodeErrors++;
    this.#sink.decodeError(issueToError(issue));
  }

  #isEnded(): boolean {
    return this.#state === "ended";
  }

  #finish(reason: string): void {
    if (this.#state === "ended") return;
    this.#state = "ended";
    this.#pacer.cancel();
    void this.#reader?.cancel();
    this.#life.finish(reason, this.#clock.now(), this.#pacer.now());
  }
}
