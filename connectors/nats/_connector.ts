/**
 * The `nats` connector: tickwire events from a JetStream stream written by
 * `publishFeed`, with no gap and no duplicate across reconnects.
 *
 * One consumer reads the whole subject space (`<prefix>.>`, in stream order)
 * and the connector keeps the subscribed pairs. After any loss it resumes at
 * the stream sequence after the last one it delivered; messages the stream no
 * longer holds (aged out, purged) are reported as a `gap` status with the
 * missing range of stream sequences. Messages that are not events (bad bytes,
 * an unknown schema) are counted by the feed and skipped.
 *
 * @module
 */

import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { type Channel, CHANNELS, type FeedEvent, type MarketEvent } from "../../src/events.ts";
import type { ConnectorContext, ConnectorWrapper, Subscription } from "../../src/connector.ts";
import { DecodeError, isDecodeError } from "../../src/errors.ts";
import { DEFAULT_RECONNECT } from "../../src/kit/backoff.ts";
import { Lifecycle } from "../../src/kit/lifecycle.ts";
import { reasonOf } from "../../src/errors.ts";
import { connectWithRetry } from "../../src/kit/retry.ts";
import { ConnectOnce } from "../../src/kit/connect-once.ts";
import { CONTENT_TYPES, decodeEvent } from "./codec.ts";
import { HeaderReader } from "./_headers.ts";
import { connectNats, serverList } from "./_connect.ts";
import type { NatsOptions } from "./_options.ts";
import { escapeToken, unescapeToken } from "./subjects.ts";

/** The stamps of a decoded event, written once before it is delivered. */
type Stamped = {
  -readonly [K in "origin" | "source" | "seq" | "epoch" | "streamSeq"]: MarketEvent[K];
};

interface Link {
  readonly nc: NatsConnection;
  readonly stop: () => Promise<void>;
}

/** The `nats` connector. */
export class NatsConnector implements ConnectorWrapper {
  readonly name = "nats";
  readonly capabilities: readonly Channel[] = CHANNELS;
  readonly #o: NatsOptions;
  readonly #ctx: ConnectorContext;
  readonly #life: Lifecycle;
  /** `type.ESCAPED_SYMBOL` → bar intervals (empty set: every interval, or not a bar). */
  readonly #wanted = new Map<string, Set<string>>();
  readonly #gate = new ConnectOnce((e) => this.#end(e));
  #link: Link | undefined;
  /** Last stream sequence delivered (0: none yet). */
  #last = 0;
  /** Publisher run id seen last, per published source. */
  readonly #runs = new Map<string, string>();
  /** Sequences found missing while connecting, reported once connected. */
  #pendingGap: [number, number] | undefined;
  /** Messages skipped as not events. */
  badMessages = 0;
  /**
   * Client URLs the cluster advertised (`connect_urls`): tried after the
   * configured servers, so a consumer given one node's URL still finds the
   * others when that node dies.
   */
  readonly #learned = new Set<string>();
  readonly #headers = new HeaderReader(CONTENT_TYPES.protobuf);

  /**
   * Creates an idle connector; `connect()` starts it.
   * @param o Validated options. @param ctx Sink, logger, clock.
   */
  constructor(o: NatsOptions, ctx: ConnectorContext) {
    this.#o = o;
    this.#ctx = ctx;
    this.#life = new Lifecycle(this.name, ctx.sink, ctx.clock);
  }

  /** Last stream sequence delivered (0 before the first). */
  get lastStreamSeq(): number {
    return this.#last;
  }

  connect(signal?: AbortSignal): Promise<void> {
    return this.#gate.connect(signal, (s) => this.#run(0, undefined, s));
  }

  async #run(startAttempt: 0 | 1, cause: unknown, signal: AbortSignal): Promise<void> {
    const link = await connectWithRetry(this.#life, (s) => this.#open(s), {
      clock: this.#ctx.clock,
      signal,
      policy: { ...DEFAULT_RECONNECT, ...this.#o.reconnect },
      startAttempt,
      cause,
    });
    this.#link = link;
    this.#life.connected();
    const gap = this.#pendingGap;
    this.#pendingGap = undefined;
    if (gap !== undefined) this.#gap(gap[0], gap[1]);
    void link.nc.closed().then((err) => {
      if (this.#link !== link || this.#life.ended || this.#gate.signal.aborted) return;
      this.#link = undefined;
      const why = err === undefined ? "connection closed" : reasonOf(err);
      this.#life.lost(why);
      void link.stop();
      this.#gate.again(() => this.#run(1, err ?? new Error(why), signal));
    });
  }

  async #open(signal: AbortSignal): Promise<Link> {
    const configured = serverList(this.#o.servers);
    const learned = [...this.#learned].filter((u) => !configured.includes(u));
    const nc = await connectNats(this.#o, false, {
      name: this.#o.name ?? "tickwire-nats",
      ...(learned.length === 0 ? {} : { servers: [...configured, ...learned] }),
    });
    this.#learn(nc);
    try {
      if (signal.aborted) throw signal.reason;
      const { jetstream, jetstreamManager, DeliverPolicy, AckPolicy } = await import(
        "@nats-io/jetstream"
      );
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(this.#o.stream);
      const { first_seq: first, last_seq: lastInStream } = info.state;
      const filter = `${this.#o.subjectPrefix}.>`;
      // Where to start: after the last delivered event, or the first time, as asked.
      let opts: Record<string, unknown>;
      if (this.#last > 0) {
        if (first > this.#last + 1) this.#pendingGap = [this.#last + 1, first - 1];
        opts = { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.#last + 1 };
      } else {
        const s = this.#o.start;
        if (s === "new") {
          opts = { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastInStream + 1 };
          this.#last = lastInStream;
        } else if (s === "all") opts = { deliver_policy: DeliverPolicy.All };
        else if (s === "last") opts = { deliver_policy: DeliverPolicy.LastPerSubject };
        else if ("seq" in s) {
          if (s.seq < first) this.#pendingGap = [s.seq, first - 1];
          opts = { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: s.seq };
        } else {
          const t = typeof s.time === "number" ? new Date(s.time) : new Date(s.time);
          opts = { deliver_policy: DeliverPolicy.StartTime, opt_start_time: t.toISOString() };
        }
      }
      const js = jetstream(nc);
      const consumer = await this.#consumer(js, jsm, filter, opts, AckPolicy.Explicit);
      const messages = await consumer.consume({ max_messages: 512 });
      void this.#pump(messages);
      return { nc, stop: () => messages.close().then(() => undefined, () => undefined) };
    } catch (e) {
      await nc.close().catch(() => undefined);
      throw e;
    }
  }

  /** Keeps the client URLs the cluster advertises, now and as its members change. */
  #learn(nc: NatsConnection): void {
    for (const url of nc.info?.connect_urls ?? []) this.#learned.add(url);
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === "update") { for (const url of s.added ?? []) this.#learned.add(url); }
      }
    })().catch(() => undefined);
  }

  async #consumer(
    js: JetStreamClient,
    jsm: Awaited<ReturnType<typeof import("@nats-io/jetstream").jetstreamManager>>,
    filter: string,
    opts: Record<string, unknown>,
    explicit: string,
  ) {
    const durable = this.#o.durable;
    if (durable === undefined) {
      // No filter: the stream holds only `<prefix>.>` (publishFeed creates it so), and
      // servers before 2.10 refuse `filter_subjects` on an ordered consumer.
      return await js.consumers.get(this.#o.stream, opts);
    }
    const exists = await jsm.consumers.info(this.#o.stream, durable).catch(() => undefined);
    if (exists === undefined) {
      await jsm.consumers.add(this.#o.stream, {
        durable_name: durable,
        ack_policy: explicit,
        filter_subject: filter,
        ...opts,
      } as never);
    }
    return await js.consumers.get(this.#o.stream, durable);
  }

  async #pump(messages: AsyncIterable<JsMsg>): Promise<void> {
    try {
      for await (const m of messages) {
        if (!this.#onMessage(m)) await this.#ctx.sink.drain();
        if (this.#o.durable !== undefined) m.ack();
      }
    } catch (e) {
      if (!this.#life.ended) this.#ctx.logger.warn(`[nats] consumer stopped: ${reasonOf(e)}`);
    }
  }

  #gap(from: number, to: number): void {
    this.#life.emit({
      kind: "gap",
      from,
      to,
      reason: `stream "${this.#o.stream}" no longer holds sequences ${from} to ${to}`,
    });
  }

  #bad(m: JsMsg, why: string): true {
    this.badMessages++;
    this.#ctx.sink.decodeError(
      new DecodeError(`[nats] skipped message ${m.seq} on "${m.subject}": ${why}`),
    );
    return true;
  }

  /** @returns The sink's answer (false: wait for room). */
  #onMessage(m: JsMsg): boolean {
    const seq = m.seq;
    if (seq <= this.#last) return true; // delivered already (a redelivery)
    if (
      this.#last > 0 && seq > this.#last + 1 && this.#o.durable === undefined &&
      this.#o.start !== "last"
    ) {
      this.#gap(this.#last + 1, seq - 1);
    }
    this.#last = seq;
    // <prefix>.<source>.<type>.<SYMBOL>
    const subject = m.subject;
    const p = this.#o.subjectPrefix.length + 1;
    const dot = subject.indexOf(".", p);
    if (dot < 0) return this.#bad(m, "not a tickwire subject");
    const rest = subject.slice(dot + 1);
    const source = subject.slice(p, dot);
    const headers = this.#headers;
    headers.read(m);
    this.#checkRun(source, headers.msgId);
    if (rest === "status") return true;
    const intervals = this.#wanted.get(rest);
    if (intervals === undefined) return true;
    if (this.#o.from !== undefined && source !== escapeToken(this.#o.from)) return true;
    let ev: FeedEvent;
    try {
      ev = decodeEvent(m.data, headers.contentType);
    } catch (e) {
      return this.#bad(m, isDecodeError(e) ? e.message.replace(/^\[nats\] /, "") : reasonOf(e));
    }
    if (ev.type === "status") return this.#bad(m, "a status on a market subject");
    if (ev.type === "bar" && intervals.size > 0 && !intervals.has(ev.interval)) return true;
    if (this.#life.ended) return true;
    return this.#ctx.sink.event(this.#stamp(ev, seq));
  }

  /** Stamps the event in place: it is this connector's own, just decoded, so no copy. */
  #stamp(ev: MarketEvent, streamSeq: number): MarketEvent {
    const e = ev as Stamped;
    if (this.#o.stamps !== "original") {
      const s = this.#life.stamp;
      e.origin = ev.origin ?? ev.source;
      e.source = "nats";
      e.seq = s.seq++;
      e.epoch = s.epoch;
    }
    e.streamSeq = streamSeq;
    return ev;
  }

  /** Reports a publisher that restarted (a new run id in `Nats-Msg-Id`). */
  #checkRun(source: string, id: string): void {
    const cut = id.lastIndexOf("-");
    if (cut <= 0) return;
    const before = this.#runs.get(source);
    if (before !== undefined && before.length === cut && id.startsWith(before)) return;
    const run = id.slice(0, cut);
    this.#runs.set(source, run);
    if (before === undefined) return;
    this.#life.error(
      `publisher of "${unescapeToken(source)}" restarted: run ${before} → ${run}`,
      "publisher-restart",
    );
  }

  subscribe(sub: Subscription): Promise<void> {
    const key = `${sub.channel}.${escapeToken(sub.symbol.toUpperCase())}`;
    let set = this.#wanted.get(key);
    if (set === undefined) this.#wanted.set(key, set = new Set());
    if (sub.channel === "bar") set.add(sub.interval ?? "1m");
    return Promise.resolve();
  }

  unsubscribe(sub: Subscription): Promise<void> {
    const key = `${sub.channel}.${escapeToken(sub.symbol.toUpperCase())}`;
    const set = this.#wanted.get(key);
    if (set !== undefined && sub.channel === "bar") set.delete(sub.interval ?? "1m");
    if (set !== undefined && (sub.channel !== "bar" || set.size === 0)) this.#wanted.delete(key);
    return Promise.resolve();
  }

  async disconnect(reason = "disconnect requested"): Promise<void> {
    this.#gate.stop();
    const link = this.#link;
    this.#link = undefined;
    this.#life.finish(reason);
    if (link !== undefined) {
      await link.stop();
      await link.nc.close().catch(() => undefined);
    }
  }

  #end(e: unknown): void {
    if (!this.#life.ended) this.#life.fail(e as Error);
    void this.disconnect(reasonOf(e));
  }
}
