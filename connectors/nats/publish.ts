/**
 * `publishFeed`: every event of a feed to NATS JetStream, once, in order.
 *
 * The publisher pulls events from the feed only while fewer than `window`
 * publishes await their acknowledgement. While NATS is unreachable it pulls
 * nothing, so events wait in the feed's own bounded queue, under the feed's
 * drop policy and its exact counters (`buffered`, `dropped`). Each message
 * carries `Nats-Msg-Id` = `<runId>-<seq>` (statuses `<runId>-s<n>`), the same
 * on every retry, so the stream stores a retried message once
 * (`deduplicated`). A failed publish stops new ones; the failed ones are
 * retried in order first.
 *
 * @module
 */

import type { JetStreamClient } from "@nats-io/jetstream";
import type { MsgHdrs, NatsConnection } from "@nats-io/transport-node";
import { Broadcast } from "../../src/_async-queue.ts";
import { systemClock } from "../../src/clock.ts";
import type { FeedEvent, StatusEvent } from "../../src/events.ts";
import { Lifecycle } from "../../src/kit/lifecycle.ts";
import type { Feed } from "../../src/feed.ts";
import { consoleLogger, type Logger } from "../../src/log.ts";
import { CONTENT_TYPES, encodeEvent, type WireEncoding } from "./codec.ts";
import {
  connectNats,
  describeServers,
  type NatsConnectOptions,
  RECONNECT_WAIT_MS,
  serverList,
} from "./_connect.ts";
import { DEFAULT_KV_BUCKET, LatestWriter } from "./_latest.ts";
import { ensureStream, type StreamSettings } from "./_stream.ts";
import { SubjectCache } from "./_subject-cache.ts";
import { DEFAULT_SUBJECT_PREFIX } from "./subjects.ts";

/** Options of {@link publishFeed}. */
export interface PublishOptions extends NatsConnectOptions, StreamSettings {
  /** First token of every subject. @default "tickwire" */
  readonly subjectPrefix?: string;
  /** Encoding of the messages. @default "protobuf" */
  readonly encoding?: WireEncoding;
  /** Most publishes awaiting their acknowledgement. @default 256 */
  readonly window?: number;
  /** How long to wait for one acknowledgement before retrying, ms. @default 5_000 */
  readonly ackTimeoutMs?: number;
  /** KV bucket of the latest quote and book per symbol; `false` for none. @default "tickwire-latest" */
  readonly kvBucket?: string | false;
  /** Longest delay before a latest value reaches the bucket, ms. @default 100 */
  readonly kvIntervalMs?: number;
  /** Identifies this run in every `Nats-Msg-Id`. @default a new random id */
  readonly runId?: string;
  /** How long `close()` waits for acknowledgements, ms. @default 10_000 */
  readonly closeTimeoutMs?: number;
  /** Where to log. @default the console (stderr) */
  readonly logger?: Logger;
}

/** Exact counters of a publisher. */
export interface PublishStats {
  /** Identifies the run in every `Nats-Msg-Id`. */
  readonly runId: string;
  /** Whether the connection to NATS is up. */
  readonly connected: boolean;
  /** How long the connection has been down, ms (0 while it is up). */
  readonly disconnectedForMs: number;
  /** Events sent (each once, however often retried). */
  readonly published: number;
  /** Events the stream acknowledged (duplicates included). */
  readonly acknowledged: number;
  /** Publish attempts repeated after a failure or a timeout. */
  readonly retried: number;
  /** Acknowledgements that said the stream had the message already (a retry after a lost ack). */
  readonly deduplicated: number;
  /** Events waiting to be sent: in the feed's queue, or awaiting a retry. */
  readonly buffered: number;
  /** Events sent and not yet acknowledged. */
  readonly inFlight: number;
  /** Events lost: dropped by the feed's queue policy, or unacknowledged when `close()` gave up. */
  readonly dropped: number;
  /** Times the connection to NATS was lost and came back. */
  readonly reconnects: number;
  /** Latest values written to the KV bucket. */
  readonly kvWrites: number;
  /** The last publish error (never a secret). */
  readonly lastError?: string;
}

/** A running publisher. */
export interface Publisher extends AsyncDisposable {
  /** Identifies the run in every `Nats-Msg-Id`. */
  readonly runId: string;
  /**
   * The publisher's exact counters now.
   * @returns Published, acknowledged, retried, deduplicated, buffered, dropped and more.
   */
  health(): PublishStats;
  /**
   * The publisher's own connection to NATS, from now on, as status events
   * (`source: "nats-publish"`): `disconnected` when the server is lost,
   * `reconnecting` for each attempt, `connected` (a new `epoch`) when a server
   * of the cluster took over, and `end` once closed. The events wait meanwhile
   * in the feed's queue; nothing is published twice.
   * @returns An async iterable of status events that ends with the publisher.
   */
  status(): AsyncIterableIterator<StatusEvent>;
  /**
   * Stops pulling and closes the connection once what was sent is acknowledged,
   * all within `closeTimeoutMs`. When the feed has ended (`feed.close()` first),
   * what it still holds is published before that: nothing it delivered is left
   * behind unless the time runs out (then `buffered` says how many).
   */
  close(): Promise<void>;
  /** Resolves when the feed has ended and every event is acknowledged, or after `close()`. */
  done(): Promise<void>;
}

interface Pending {
  readonly n: number;
  readonly subject: string;
  readonly id: string;
  readonly data: Uint8Array;
}

function newRunId(): string {
  const rnd = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  return `${Date.now().toString(36)}${rnd}`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The `source` of the publisher's status events. */
const PUBLISHER_SOURCE = "nats-publish";

class NatsPublisher implements Publisher {
  readonly runId: string;
  readonly #feed: Feed;
  readonly #o: PublishOptions;
  readonly #log: Logger;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #headers: () => MsgHdrs;
  readonly #latest: LatestWriter | undefined;
  readonly #ct: string;
  readonly #window: number;
  readonly #subjects: SubjectCache;
  #published = 0;
  #acked = 0;
  #retried = 0;
  #dedup = 0;
  #abandoned = 0;
  /** `performance.now()` when the connection was lost. */
  #lostAt = 0;
  #lastError: string | undefined;
  #statusN = 0;
  readonly #inFlight = new Map<number, Pending>();
  readonly #failed: Pending[] = [];
  #retrying: Promise<void> | undefined;
  readonly #waiters: (() => void)[] = [];
  #closing = false;
  /** The feed has ended: its queue holds all it will deliver. */
  #feedEnded = false;
  /** The run loop has taken the last event it will send. */
  #pulled = false;
  readonly #done: Promise<void>;
  readonly #statusStreams = new Broadcast<StatusEvent>();
  /** The link to NATS as status events: epochs, reconnects and the end. */
  readonly #life: Lifecycle;

  constructor(
    feed: Feed,
    o: PublishOptions,
    nc: NatsConnection,
    js: JetStreamClient,
    headers: () => MsgHdrs,
    latest: LatestWriter | undefined,
  ) {
    this.#feed = feed;
    this.#o = o;
    this.#log = o.logger ?? consoleLogger();
    this.runId = o.runId ?? newRunId();
    this.#nc = nc;
    this.#js = js;
    this.#headers = headers;
    this.#latest = latest;
    this.#ct = CONTENT_TYPES[o.encoding ?? "protobuf"];
    this.#window = o.window ?? 256;
    const streams = this.#statusStreams;
    this.#life = new Lifecycle(PUBLISHER_SOURCE, {
      status: (ev) => streams.push(ev),
      event: () => true,
      decodeError: () => {},
      drain: () => Promise.resolve(),
    }, systemClock);
    this.#life.connected(); // connected by publishFeed: epoch 0
    this.#subjects = new SubjectCache(o.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX);
    void feed.closed().then(() => (this.#feedEnded = true));
    void this.#watch();
    this.#done = this.#run();
  }

  async #watch(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (s.type === "disconnect") {
        this.#lostAt = performance.now();
        this.#log.warn("[nats] publisher lost the connection; events wait in the feed's queue", {
          server: s.server,
        });
        this.#life.lost(`lost the connection to ${s.server}`);
      } else if (s.type === "reconnecting") {
        this.#life.reconnecting(this.#life.facts().reconnectAttempts + 1, RECONNECT_WAIT_MS);
      } else if (s.type === "reconnect") {
        this.#log.info("[nats] publisher reconnected", { server: s.server });
        this.#life.emit({ kind: "connected", reason: `reconnected to ${s.server}` });
      }
    }
  }

  status(): AsyncIterableIterator<StatusEvent> {
    return this.#statusStreams.subscribe();
  }

  async #run(): Promise<void> {
    for await (const ev of this.#feed) {
      this.#send(ev);
      // Send what is queued already in the same turn: the client writes every
      // publish of a turn to the socket at once, instead of one write per event.
      while (this.#inFlight.size < this.#window && !this.#retrying && !this.#closing) {
        const next = this.#feed.shift();
        if (next === undefined) break;
        this.#send(next);
      }
      while (!this.#closing && (this.#inFlight.size >= this.#window || this.#retrying)) {
        await this.#changed();
      }
      if (this.#closing) break;
    }
    this.#pulled = true;
    this.#notify();
    await this.#settle(Infinity);
  }

  #send(ev: FeedEvent): void {
    const data = encodeEvent(ev, this.#o.encoding);
    let p: Pending;
    if (ev.type === "status") {
      const n = ++this.#statusN;
      p = {
        n: this.#published,
        subject: this.#subjects.status(ev.source),
        id: `${this.runId}-s${n}`,
        data,
      };
    } else {
      const route = this.#subjects.route(ev.source, ev.type, ev.symbol);
      p = { n: this.#published, subject: route.subject, id: `${this.runId}-${ev.seq}`, data };
      if (this.#latest !== undefined && (ev.type === "quote" || ev.type === "book")) {
        const pb = this.#o.encoding === "json" ? encodeEvent(ev) : data;
        this.#latest.set(route.key, pb);
      }
    }
    this.#published++;
    this.#inFlight.set(p.n, p);
    void this.#first(p);
  }

  #publish(p: Pending): Promise<void> {
    const h = this.#headers();
    h.set("Content-Type", this.#ct);
    return this.#js.publish(p.subject, p.data, {
      msgID: p.id,
      headers: h,
      timeout: this.#o.ackTimeoutMs ?? 5_000,
    }).then((ack) => {
      if (ack.duplicate) this.#dedup++;
      this.#acked++;
      this.#inFlight.delete(p.n);
      this.#notify();
    });
  }

  async #first(p: Pending): Promise<void> {
    try {
      await this.#publish(p);
    } catch (e) {
      this.#fail(e);
      this.#failed.push(p);
      this.#retrying ??= this.#retryAll();
      this.#notify();
    }
  }

  #fail(e: unknown): void {
    const reason = e instanceof Error ? e.message : String(e);
    if (reason !== this.#lastError) this.#log.warn(`[nats] publish failed, retrying: ${reason}`);
    this.#lastError = reason;
  }

  /** Retries the failed publishes in order, each until acknowledged, after the others settle. */
  async #retryAll(): Promise<void> {
    let delay = 100;
    while (this.#failed.length > 0) {
      while (this.#inFlight.size > this.#failed.length) await this.#changed();
      this.#failed.sort((a, b) => a.n - b.n);
      const p = this.#failed[0]!;
      if (this.#closing && this.#abandonNow) return;
      this.#retried++;
      try {
        await this.#publish(p);
        this.#failed.shift();
        delay = 100;
      } catch (e) {
        this.#fail(e);
        await sleep(delay);
        delay = Math.min(delay * 2, 2_000);
      }
    }
    this.#retrying = undefined;
    this.#notify();
  }

  #abandonNow = false;

  #changed(): Promise<void> {
    return new Promise<void>((r) => this.#waiters.push(r));
  }

  #notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  async #settle(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.#inFlight.size > 0 && Date.now() < until) {
      await Promise.race([this.#changed(), sleep(Math.min(100, until - Date.now()))]);
    }
  }

  health(): PublishStats {
    const q = this.#feed.health().queue;
    return {
      runId: this.runId,
      connected: this.#life.connectedNow,
      disconnectedForMs: this.#life.connectedNow ? 0 : Math.round(performance.now() - this.#lostAt),
      published: this.#published,
      acknowledged: this.#acked,
      retried: this.#retried,
      deduplicated: this.#dedup,
      buffered: q.size + this.#failed.length,
      inFlight: this.#inFlight.size,
      dropped: q.dropped + this.#abandoned,
      reconnects: this.#life.facts().reconnects,
      kvWrites: this.#latest?.writes ?? 0,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  done(): Promise<void> {
    return this.#done;
  }

  #closed: Promise<void> | undefined;

  close(): Promise<void> {
    return (this.#closed ??= (async () => {
      const until = Date.now() + (this.#o.closeTimeoutMs ?? 10_000);
      // An ended feed's queue is drained by the run loop; wait for it, in the same time.
      while (this.#feedEnded && !this.#pulled && Date.now() < until) {
        await Promise.race([this.#changed(), sleep(Math.min(100, until - Date.now()))]);
      }
      this.#closing = true;
      this.#notify();
      await this.#settle(until - Date.now());
      this.#abandonNow = true;
      this.#abandoned += this.#inFlight.size;
      if (this.#inFlight.size > 0) {
        this.#log.error(`[nats] ${this.#inFlight.size} events were never acknowledged`);
      }
      await this.#latest?.close();
      await this.#nc.close();
      this.#life.emit({ kind: "end", reason: "closed" });
      this.#statusStreams.close();
    })());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Publishes every event of a feed to NATS JetStream: market events on
 * `tickwire.<source>.<type>.<SYMBOL>`, statuses on `tickwire.<source>.status`.
 * Creates the stream (subjects `<prefix>.>`) if it is missing, and the KV
 * bucket of the latest quote and book per symbol.
 *
 * @param feed The feed to publish (the publisher consumes it; nothing else should pull from it).
 * @param options Server, authentication, stream settings and publish window.
 * @returns The running publisher, once connected and the stream is checked.
 * @throws ConfigError for bad options or a stream whose settings differ (naming
 *   them); the client's error when NATS cannot be reached.
 * @example
 * ```ts ignore
 * import { createFeed } from "@tickwire/tickwire";
 * import { publishFeed } from "@tickwire/tickwire/connectors/nats";
 * const feed = await createFeed({ source: "synthetic", symbols: ["PTT"] });
 * const publisher = await publishFeed(feed, { servers: "nats://127.0.0.1:4222" });
 * console.log(publisher.health().published);
 * await publisher.close();
 * await feed.close();
 * ```
 */
export async function publishFeed(feed: Feed, options: PublishOptions = {}): Promise<Publisher> {
  const servers = serverList(options.servers);
  // noAsyncTraces: the client would otherwise build two Errors per publish (a
  // request) to hold the caller's stack; a failed publish is logged by its message.
  const nc = await connectNats(options, true, {
    name: options.name ?? "tickwire-publish",
    noAsyncTraces: true,
  });
  try {
    const { jetstream, jetstreamManager } = await import("@nats-io/jetstream");
    const { headers } = await import("@nats-io/nats-core");
    const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
    const created = await ensureStream(await jetstreamManager(nc), options, [`${prefix}.>`]);
    const log = options.logger ?? consoleLogger();
    log.info(`[nats] publishing to ${describeServers(servers)}`, {
      stream: options.stream ?? "TICKWIRE",
      created,
    });
    const bucket = options.kvBucket ?? DEFAULT_KV_BUCKET;
    const latest = bucket === false
      ? undefined
      : await LatestWriter.open(nc, bucket, options.replicas ?? 1, options.kvIntervalMs ?? 100);
    return new NatsPublisher(feed, options, nc, jetstream(nc), headers, latest);
  } catch (e) {
    await nc.close();
    throw e;
  }
}
