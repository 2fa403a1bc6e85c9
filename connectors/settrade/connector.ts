/**
 * The Settrade connector: realtime market data over MQTT, with its own
 * reconnect loop, token renewal and subscriptions held on our side.
 *
 * ## Connection lifecycle
 *
 * `connect()` emits `connecting`, opens a link (`_link.ts`: access token,
 * fresh dispatcher token, MQTT with the token on the upgrade), subscribes every
 * held topic and waits for the broker's SUBACK, then emits `connected`
 * (epoch 0) and `mode` (`stream`). A failed attempt is retried after
 * `reconnecting` (attempt, `delayMs`, the failure as `reason` and the server's
 * error `code`), following the `reconnect` options; a login retried by the
 * auth client is reported the same way. `connect()` rejects on a definitive
 * login refusal (`AuthError`), when `reconnect.maxAttempts` retries are
 * spent, when `connectTimeoutMs` passes without a connection (a
 * `ConnectionError` naming the host), or when its signal aborts.
 *
 * **What ends the feed.** Only a refused login (bad key, secret, app code or
 * broker) or a configuration error (an unreadable CA file) is fatal: it ends
 * the feed with `error` → `end` and reaches the consumer typed (`sink.fail`:
 * `closed()` reports it, `for await` throws it). Any other failure is
 * retried; a 401 on a token (expired or revoked, at the dispatcher or a
 * refresh) makes the next attempt log in afresh.
 *
 * **Outages.** While the stream is down, quotes are polled (`_poll.ts`); when
 * it is back, bar subscriptions are backfilled (`_backfill.ts`). The
 * connector's {@link SettradeConnector.session} tells the feed when each
 * symbol's market is open (`session.ts`).
 *
 * **Lost connection**: `disconnected` (reason) → `reconnecting` (attempt 1,
 * delay) → `connecting` → ... → `connected` (epoch + 1), each attempt with a
 * new token and a new client. A definitive refusal or the last allowed attempt
 * ends the feed: `error` (reason) → `end`. An aborted `connect()` signal stops
 * further attempts: `end`.
 *
 * **Controlled reconnect** (token renewal): at the access token's `refreshAt`
 * the token is refreshed (or a new login made), a new dispatcher token fetched
 * and a new client connected and subscribed while the old one still delivers
 * (make-before-break). Then, in one go: `disconnected` (reason
 * `"access token renewal"`) → `reconnecting` (attempt 1, `delayMs` 0) →
 * `connecting` → `connected` (epoch + 1), and the old client is closed. No
 * event is lost or duplicated: the generation counter switches from the old
 * client to the new one between two messages. A failed renewal keeps the old
 * connection and tries again after a backoff delay.
 *
 * **Generations**: every client gets a generation number; only the current
 * one's messages are decoded, so late messages of a superseded client are dropped.
 *
 * @module
 */

import type { Clock } from "../../src/clock.ts";
import type { ConnectorContext, ConnectorWrapper, Subscription } from "../../src/connector.ts";
import { ConnectionError, isAuthError } from "../../src/errors.ts";
import type { BarEvent, Channel, FeedMode, QuoteEvent } from "../../src/events.ts";
import type { Logger } from "../../src/log.ts";
import { isBrokerOptions, type SettradeConnectorOptions } from "./_broker-options.ts";
import { type LinkTarget, openSubscribedLink, type SubscribedLink } from "./_link.ts";
import { type ConnectorHealth, Lifecycle } from "../../src/kit/lifecycle.ts";
import { reasonOf as messageOf } from "../../src/errors.ts";
import { connectWithRetry } from "../../src/kit/retry.ts";
import { BarBackfill } from "./_backfill.ts";
import { errorCode, isFatal, loginRetryReporter, startupTimeout } from "./_failures.ts";
import { PollFallback } from "./_poll.ts";
import { RenewalTimer } from "./_renewal.ts";
import { MessageRouter } from "./_router.ts";
import { readSubscribeError } from "./_subscribe-errors.ts";
import { normalizeSub, SubscriptionTable } from "./_subscriptions.ts";
import { SettradeAuth } from "./auth/client.ts";
import { SUBSCRIBE_ERROR_TOPIC } from "./decode/topics.ts";
import { SettradeMarketRest } from "./market-rest.ts";
import { SettradeSession } from "./session.ts";
import type { SettradeTransport } from "./transport/mqtt.ts";

export { MIN_RENEWAL_DELAY_MS } from "./_renewal.ts";

/** Connector name, stamped as `source`. */
const SOURCE = "settrade";

/**
 * Channels Settrade serves (it has no trade topic).
 * @example Checking a channel before subscribing
 * ```ts
 * import { SETTRADE_CHANNELS } from "@tickwire/tickwire/connectors/settrade";
 * console.log(SETTRADE_CHANNELS.includes("trade")); // false
 * ```
 */
export const SETTRADE_CHANNELS: readonly Channel[] = Object.freeze([
  "quote",
  "book",
  "bar",
  "info",
  "market",
]);

/**
 * Reason of the `disconnected` status of a controlled reconnect (token renewal).
 * @example Telling a renewal from a lost connection
 * ```ts
 * import { RENEWAL_REASON } from "@tickwire/tickwire/connectors/settrade";
 * const onStatus = (s: { kind: string; reason?: string }) => {
 *   if (s.kind === "disconnected" && s.reason !== RENEWAL_REASON) console.warn("lost:", s.reason);
 * };
 * onStatus({ kind: "disconnected", reason: RENEWAL_REASON }); // prints nothing
 * ```
 */
export const RENEWAL_REASON = "access token renewal";

type Link = SubscribedLink & { readonly gen: number };

/** The Settrade connector's own view of its connection, from {@link SettradeConnector.health}. */
export interface SettradeHealth extends ConnectorHealth {
  /** How events are delivered now: `"stream"`, `"poll"` or `"down"`. */
  readonly mode: FeedMode;
}

/**
 * A Settrade connector. Build it with `createSettradeConnector` or through a feed
 * (`createFeed({ source: "settrade", ... })`); see the module documentation for
 * its status sequences.
 *
 * @example Subscribing, connecting and reading health (here against the local emulator)
 * ```ts
 * import { createSettradeConnector } from "@tickwire/tickwire/connectors/settrade";
 * import { startSettradeEmulator } from "@tickwire/tickwire/connectors/settrade/emulator";
 * import { consoleLogger, systemClock } from "@tickwire/tickwire";
 * // With an account: appId, appSecret, appCode and brokerId ("SANDBOX" for the sandbox).
 * const emulator = await startSettradeEmulator();
 * const e = emulator.env();
 * const connector = createSettradeConnector({
 *   appId: e.SETTRADE_APP_ID, appSecret: e.SETTRADE_APP_SECRET, appCode: e.SETTRADE_APP_CODE,
 *   brokerId: e.SETTRADE_BROKER_ID, baseUrl: e.SETTRADE_BASE_URL, marketUrl: e.SETTRADE_MARKET_URL,
 * }, {
 *   sink: { event: (ev) => ev.seq > 0, status: (s) => console.log(s.kind), decodeError: () => {}, drain: async () => {} },
 *   logger: consoleLogger("warn"),
 *   clock: systemClock,
 * });
 * await connector.subscribe({ channel: "quote", symbol: "PTT" });
 * await connector.connect(AbortSignal.timeout(30_000));
 * console.log(connector.health().epoch); // 0
 * await connector.disconnect();
 * await emulator.stop();
 * ```
 */
export class SettradeConnector implements ConnectorWrapper {
  readonly name: string = SOURCE;
  readonly capabilities: readonly Channel[] = SETTRADE_CHANNELS;
  readonly #target: LinkTarget;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #subs = new SubscriptionTable();
  readonly #router: MessageRouter;
  readonly #renewal: RenewalTimer;
  readonly #stop = new AbortController();
  readonly #transports = new Set<SettradeTransport>();
  #rest: SettradeMarketRest | undefined;
  readonly #st: Lifecycle;
  readonly #poll: PollFallback;
  readonly #backfill: BarBackfill;
  readonly #session: SettradeSession | undefined;
  #transport: SettradeTransport | undefined;
  #activeGen = 0;
  #nextGen = 0;
  #connecting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #userSignal: AbortSignal | undefined;
  #runSignal: AbortSignal | undefined;

  /**
   * Builds the connector; no I/O until `connect()`.
   * @param options Validated options of either mode.
   * @param ctx Sink, logger, clock and raw tap from the feed.
   */
  constructor(options: SettradeConnectorOptions, ctx: ConnectorContext) {
    this.#st = new Lifecycle(SOURCE, ctx.sink, ctx.clock);
    this.#clock = ctx.clock;
    this.#logger = ctx.logger;
    this.#target = isBrokerOptions(options) ? { kind: "broker", options } : {
      kind: "settrade",
      options,
      auth: new SettradeAuth(options, {
        clock: ctx.clock,
        logger: ctx.logger,
        onLoginRetry: loginRetryReporter(this.#st),
      }),
    };
    if (isBrokerOptions(options) && options.insecureSkipTlsVerify) {
      ctx.logger.warn(
        "[settrade] INSECURE: insecureSkipTlsVerify is on: TLS certificates are not checked. " +
          "Use it only with a local emulator.",
      );
    }
    this.#session = options.session === false ? undefined : new SettradeSession(options.session);
    const session = this.#session;
    this.#router = new MessageRouter({
      source: SOURCE,
      stamp: this.#st.stamp,
      subs: this.#subs,
      sink: ctx.sink,
      clock: ctx.clock,
      logger: ctx.logger,
      ...(ctx.rawTap === undefined ? {} : { rawTap: ctx.rawTap }),
      onSubscribeError: (payload) => this.#onSubscribeError(payload),
      ...(session === undefined ? {} : { observe: (ev) => session.observe(ev) }),
    });
    this.#renewal = new RenewalTimer(ctx.clock, options.reconnect, (s) => this.#renew(s));
    const rest = this.#target.kind === "settrade" ? () => this.#marketRest : undefined;
    const settrade = isBrokerOptions(options) ? undefined : options;
    this.#poll = new PollFallback({
      options: settrade?.poll,
      clock: ctx.clock,
      logger: ctx.logger,
      life: this.#st,
      subs: this.#subs,
      rest,
      sink: ctx.sink,
    });
    this.#backfill = new BarBackfill({
      subs: this.#subs,
      sink: ctx.sink,
      life: this.#st,
      logger: ctx.logger,
      rest,
      startBars: settrade?.backfill ?? 0,
      windowMs: settrade?.backfillWindowMs ?? 0,
      signal: this.#stop.signal,
    });
  }

  /**
   * When each symbol's market is open (the feed's health monitor asks it):
   * market-status messages first, then the built-in SET/TFEX calendar.
   * `undefined` with `session: false`.
   */
  get session(): SettradeSession | undefined {
    return this.#session;
  }

  /** The auth client (Settrade mode), shared with market REST calls. */
  get #auth(): SettradeAuth | undefined {
    return this.#target.kind === "settrade" ? this.#target.auth : undefined;
  }

  /** Market REST calls (Settrade mode only), stamped with this connector's `seq` and epoch. */
  get #marketRest(): SettradeMarketRest {
    if (this.#target.kind !== "settrade") {
      throw new TypeError("[settrade] market REST needs Settrade credentials, not a brokerUrl");
    }
    this.#rest ??= new SettradeMarketRest(this.#target.auth, this.#target.options, {
      clock: this.#clock,
      meta: () => ({ seq: this.#router.nextSeq(), epoch: this.#st.epoch }),
    });
    return this.#rest;
  }

  /**
   * The latest quote of a symbol over market REST (poll fallback).
   * @param symbol Symbol, any case. @param signal Cancels the request.
   * @returns A normalized quote event (not delivered to the sink).
   */
  fetchQuote(symbol: string, signal?: AbortSignal): Promise<QuoteEvent> {
    return this.#marketRest.fetchQuote(symbol, signal);
  }

  /**
   * Recent bars of a symbol over market REST (backfill).
   * @param symbol Symbol. @param interval E.g. `"1m"`. @param limit Most bars. @param signal Cancels.
   * @returns Normalized bar events, oldest first (not delivered to the sink).
   */
  fetchCandlesticks(
    symbol: string,
    interval: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<BarEvent[]> {
    return this.#marketRest.fetchCandlesticks(symbol, interval, limit, signal);
  }

  /**
   * Connects: resolves after the first `connected`, retrying per the `reconnect` options.
   * @param signal Aborts the attempts (and later reconnect attempts).
   * @returns Resolves once connected and subscribed.
   * @throws AuthError on a definitive login refusal; ConnectionError when the
   *   attempts are spent or `disconnect()` came first; the signal's reason on abort.
   */
  connect(signal?: AbortSignal): Promise<void> {
    if (this.#st.phase === "ended") {
      return Promise.reject(
        new ConnectionError("[settrade] connector was disconnected; create a new one"),
      );
    }
    if (this.#connecting !== undefined) return this.#connecting;
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#userSignal = signal;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#st.phase = "connecting";
    const t = this.#target;
    const startup = t.kind === "settrade"
      ? startupTimeout(
        this.#clock,
        t.options.connectTimeoutMs,
        t.options.baseUrl,
        () => this.#st.lastError,
      )
      : undefined;
    this.#connecting = this.#run(0, undefined, startup?.signal).finally(() => startup?.cancel())
      .catch((e) => {
        const err = signal?.aborted ? signal.reason : e;
        this.#terminate(err);
        throw err;
      });
    return this.#connecting;
  }

  /**
   * Disconnects for good: `disconnected` (if connected), then `end`. Idempotent.
   * @param reason Carried by both statuses. @default "disconnect requested"
   * @returns Resolves once every client is closed; nothing is emitted afterwards.
   */
  disconnect(reason = "disconnect requested"): Promise<void> {
    this.#closing ??= this.#finish(reason);
    return this.#closing;
  }

  /**
   * Holds a subscription (across reconnects) and subscribes its topic when connected.
   * A channel or name no topic serves becomes a `subscribe-error` status.
   * @param sub The subscription (symbol upper-cased, bar interval `1m` by default).
   * @returns Resolves once the broker answered, or at once when not connected.
   * @throws TypeError when `sub` is not a subscription.
   */
  async subscribe(sub: Subscription): Promise<void> {
    const s = normalizeSub(sub);
    if (this.#st.phase === "ended") return;
    let change;
    try {
      change = this.#subs.add(s);
    } catch (e) {
      this.#st.subscribeError(messageOf(e), s.symbol);
      return;
    }
    if (change.changed) this.#backfill.onSubscribed(change.topic);
    const t = this.#transport;
    if (!change.wire || t === undefined || !t.connected) return;
    // A failure means the connection is gone: the reconnect replays every held topic.
    await t.subscribe([change.topic]).then((r) => this.#refused(r), () => {});
  }

  /**
   * Drops a subscription; its events stop at once, and its topic is unsubscribed
   * when nothing else holds it.
   * @param sub The subscription.
   * @returns Resolves once the broker answered, or at once when not connected.
   */
  async unsubscribe(sub: Subscription): Promise<void> {
    const change = this.#subs.remove(normalizeSub(sub));
    const t = this.#transport;
    if (change === undefined || !change.wire || t === undefined || !t.connected) return;
    // A failure means the connection is gone: the next one subscribes only what is held.
    await t.unsubscribe([change.topic]).catch(() => {});
  }

  /**
   * Whether a connection is up (also during a token renewal).
   * @returns `true` when connected.
   */
  isConnected(): boolean {
    return this.#st.phase === "connected";
  }

  /**
   * The connector's own view of its connection (the feed's `health()` reports the same).
   * @returns Connection, epoch, reconnects, last error, subscriptions and decode errors.
   */
  health(): SettradeHealth {
    return {
      ...this.#st.facts(),
      subscriptions: this.#subs.list(),
      decodeErrors: this.#router.decodeErrors,
      mode: this.#poll.mode,
    };
  }

  #onSubscribeError(payload: Uint8Array): void {
    const info = readSubscribeError(payload);
    this.#logger.warn(info.reason, info.topic === undefined ? undefined : { topic: info.topic });
    this.#st.subscribeError(info.reason, info.symbol);
  }

  #refused(topics: readonly string[]): void {
    for (const topic of topics) {
      const symbol = this.#subs.get(topic)?.subs.values().next().value?.symbol;
      if (symbol === undefined) continue;
      this.#st.subscribeError(
        `[settrade] broker refused the subscription to ${JSON.stringify(topic)}`,
        symbol,
      );
    }
  }

  /** Opens a link and subscribes every held topic (SUBACK awaited); not yet the current one. */
  async #open(signal: AbortSignal): Promise<Link> {
    const gen = ++this.#nextGen;
    const router = this.#router;
    const link = await openSubscribedLink(
      this.#target,
      gen,
      () => this.#subs.topics(),
      {
        // The generation check: messages of any other client are dropped here, except
        // subscription errors of a link still subscribing (they may overtake the SUBACK).
        onMessage: (topic, payload) => {
          if (gen === this.#activeGen) router.route(topic, payload);
          else if (gen > this.#activeGen && topic === SUBSCRIBE_ERROR_TOPIC) {
            this.#onSubscribeError(payload);
          }
        },
        onClose: (reason) => {
          if (gen === this.#activeGen && this.#st.phase === "connected") {
            this.#lost(`connection lost: ${reason}`);
          }
        },
        onTransport: (t) => this.#transports.add(t),
      },
      (t) => this.#close(t),
      signal,
    ).catch((e) => {
      // A token refused at the dispatcher or the broker: the next attempt logs in afresh.
      if (isAuthError(e) && !isFatal(e)) this.#auth?.reset();
      throw e;
    });
    return { ...link, gen };
  }

  /**
   * Makes a subscribed link the current one and emits `connected`.
   * @param gap What came before: the start, a loss, or a renewal (no gap).
   */
  #activate(link: Link, gap: "start" | "reconnect" | "renewal"): void {
    const { t, sent } = link;
    const old = this.#transport;
    if (gap !== "renewal") this.#backfill.onConnected(gap);
    this.#activeGen = link.gen;
    this.#transport = t;
    const epoch = this.#st.connected();
    this.#poll.onConnected();
    this.#logger.info("[settrade] connected", { epoch, url: t.url });
    if (old !== undefined && old !== t) void this.#close(old);
    this.#refused(link.refused);
    if (!t.connected) return this.#lost("connection lost while subscribing");
    // Subscriptions changed while the link was being opened.
    const held = new Set(this.#subs.topics());
    const late = [...held].filter((topic) => !sent.includes(topic));
    const gone = sent.filter((topic) => !held.has(topic));
    if (late.length > 0) t.subscribe(late).then((r) => this.#refused(r), () => {});
    if (gone.length > 0) t.unsubscribe(gone).catch(() => {});
    this.#renewal.schedule(this.#auth?.refreshAt);
  }

  /**
   * The connect loop: first connection (`startAttempt` 0) or reconnect after a loss (1).
   * @param extra A further signal that ends the loop (the start-up bound).
   */
  async #run(startAttempt: 0 | 1, cause: unknown, extra?: AbortSignal): Promise<void> {
    const link = await connectWithRetry(this.#st, (signal) => this.#open(signal), {
      policy: this.#target.options.reconnect,
      clock: this.#clock,
      signal: this.#signal(extra),
      startAttempt,
      cause,
      isFatal,
    });
    if (this.#st.phase === "ended") return void (await this.#close(link.t));
    this.#activate(link, startAttempt === 0 ? "start" : "reconnect");
  }

  /**
   * The connector's stop signal, with the user's and `extra` when there are. The
   * first two are combined once (`AbortSignal.any` keeps a record on its sources).
   */
  #signal(extra?: AbortSignal): AbortSignal {
    const user = this.#userSignal;
    this.#runSignal ??= user === undefined
      ? this.#stop.signal
      : AbortSignal.any([this.#stop.signal, user]);
    return extra === undefined ? this.#runSignal : AbortSignal.any([this.#runSignal, extra]);
  }

  #lost(reason: string): void {
    const lost = this.#transport;
    this.#activeGen = 0;
    this.#transport = undefined;
    // The lost transport closed itself; forget it, or every reconnect would keep one.
    if (lost !== undefined) void this.#close(lost);
    this.#renewal.cancel();
    this.#st.lost(reason);
    this.#poll.onLost();
    if (this.#userSignal?.aborted) return void this.disconnect("aborted");
    this.#run(1, new ConnectionError(`[settrade] ${reason}`)).catch((e) => this.#terminate(e));
  }

  #onAbort = (): void => {
    const phase = this.#st.phase;
    if (phase === "connecting" || phase === "disconnected" || phase === "reconnecting") {
      void this.disconnect("aborted");
    }
  };

  /** Ends the feed after a fatal error: `error` → `end` (unless already ended). */
  #terminate(e: unknown): void {
    if (this.#st.phase === "ended") return;
    if (this.#userSignal?.aborted) return void this.disconnect("aborted");
    const reason = messageOf(e);
    this.#logger.error("[settrade] the feed ends", { reason });
    this.#st.fail(e instanceof Error ? e : new ConnectionError(reason), errorCode(e));
    void this.disconnect(reason);
  }

  /** Controlled reconnect: new token, new client (make-before-break), switch, close the old one. */
  async #renew(signal: AbortSignal): Promise<void> {
    const auth = this.#auth;
    if (auth === undefined || this.#st.phase !== "connected" || this.#userSignal?.aborted) return;
    const gen = this.#activeGen;
    try {
      auth.invalidate();
      const link = await this.#open(this.#signal(signal));
      if (gen !== this.#activeGen || this.#st.phase !== "connected") {
        return void (await this.#close(link.t));
      }
      this.#renewal.succeeded();
      this.#st.lost(RENEWAL_REASON);
      this.#st.reconnecting(1, 0, RENEWAL_REASON);
      this.#st.connecting();
      this.#activate(link, "renewal");
    } catch (e) {
      if (signal.aborted || this.#st.phase !== "connected" || gen !== this.#activeGen) return;
      if (isFatal(e)) return this.#terminate(e);
      this.#st.lastError = messageOf(e);
      const retryInMs = this.#renewal.retry();
      this.#logger.warn("[settrade] token renewal failed; the current connection goes on", {
        error: this.#st.lastError,
        retryInMs,
      });
    }
  }

  async #close(t: SettradeTransport): Promise<void> {
    this.#transports.delete(t);
    await t.close();
  }

  /** `disconnected` (if connected) and `end`; then closes every client. */
  async #finish(reason: string): Promise<void> {
    if (this.#st.phase === "ended") return;
    this.#activeGen = -1;
    this.#renewal.cancel();
    this.#poll.stop();
    this.#stop.abort(new ConnectionError(`[settrade] disconnected: ${reason}`));
    this.#userSignal?.removeEventListener("abort", this.#onAbort);
    this.#transport = undefined;
    this.#st.finish(reason);
    await Promise.all([...this.#transports].map((t) => this.#close(t)));
  }
}
