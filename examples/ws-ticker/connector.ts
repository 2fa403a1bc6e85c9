/**
 * A connector on tickwire's public API only: a JSON-over-WebSocket ticker (README,
 * "Write a connector"). @module
 */

import * as v from "valibot";
import {
  type Channel,
  ConnectOnce,
  type ConnectorContext,
  type ConnectorDefinition,
  type ConnectorWrapper,
  connectWithRetry,
  DecodeError,
  DEFAULT_RECONNECT,
  Lifecycle,
  parseOptions,
  reasonOf,
  type ReconnectPolicy,
  type Subscription,
} from "tickwire";

export interface TickerOptions {
  readonly url: string; // the venue's ws:// or wss:// URL
  readonly WebSocket?: new (url: string) => WebSocket; // default: globalThis.WebSocket (or `ws`)
  readonly reconnect?: Partial<ReconnectPolicy>; // default: DEFAULT_RECONNECT
}

const Schema = v.strictObject({
  url: v.pipe(v.string(), v.regex(/^wss?:\/\//, "expected a ws:// or wss:// URL")),
  WebSocket: v.optional(v.custom<TickerOptions["WebSocket"]>((x) => typeof x === "function")),
  reconnect: v.optional(v.record(v.string(), v.unknown())),
});

const n = v.number();
const Tick = v.object({ symbol: v.string(), bid: n, ask: n, bidSize: n, askSize: n, ts: n });

const CHANNELS: readonly Channel[] = ["quote"];

class TickerConnector implements ConnectorWrapper {
  readonly name = "ticker";
  readonly capabilities: readonly Channel[] = CHANNELS;
  readonly #o: TickerOptions;
  readonly #ctx: ConnectorContext;
  readonly #life: Lifecycle;
  readonly #symbols = new Set<string>();
  readonly #gate = new ConnectOnce((e) => this.#end(e));
  #ws: WebSocket | undefined;

  constructor(o: TickerOptions, ctx: ConnectorContext) {
    this.#o = o;
    this.#ctx = ctx;
    this.#life = new Lifecycle(this.name, ctx.sink, ctx.clock);
  }

  connect(signal?: AbortSignal): Promise<void> {
    return this.#gate.connect(signal, (s) => this.#run(0, undefined, s));
  }

  async #run(startAttempt: 0 | 1, cause: unknown, signal: AbortSignal): Promise<void> {
    const ws = await connectWithRetry(this.#life, () => this.#open(signal), {
      clock: this.#ctx.clock,
      signal,
      policy: { ...DEFAULT_RECONNECT, ...this.#o.reconnect },
      startAttempt,
      cause,
    });
    this.#ws = ws;
    ws.send(JSON.stringify({ op: "subscribe", symbols: [...this.#symbols] }));
    this.#life.connected();
    ws.onclose = (e) => {
      if (this.#ws !== ws || this.#life.ended) return;
      this.#ws = undefined;
      this.#life.lost(`connection closed (code ${e.code})`);
      this.#gate.again(() => this.#run(1, new Error(`closed with code ${e.code}`), signal));
    };
  }

  #open(signal: AbortSignal): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new (this.#o.WebSocket ?? globalThis.WebSocket)(this.#o.url);
      const fail = (why: string): void => {
        ws.close();
        reject(new Error(`[ticker] ${why}`));
      };
      ws.onopen = () => resolve(ws);
      ws.onerror = () => fail(`cannot connect to ${this.#o.url}`);
      ws.onclose = (e) => fail(`closed while connecting (code ${e.code})`);
      ws.onmessage = (e) => this.#onMessage(String(e.data));
      signal.addEventListener("abort", () => fail("aborted"), { once: true });
    });
  }

  #onMessage(text: string): void {
    let tick;
    try {
      tick = v.parse(Tick, JSON.parse(text));
    } catch (e) {
      return this.#ctx.sink.decodeError(new DecodeError(`[ticker] bad message: ${reasonOf(e)}`));
    }
    const symbol = tick.symbol.toUpperCase();
    if (!this.#symbols.has(symbol)) return;
    const { symbol: _, ts: exchTs, ...prices } = tick;
    const quote = { type: "quote", symbol, ...prices, exchTs } as const;
    this.#life.deliver({ ...quote, bidFlag: "normal", askFlag: "normal" });
  }

  subscribe(sub: Subscription): Promise<void> {
    return this.#change("subscribe", sub.symbol.toUpperCase());
  }

  unsubscribe(sub: Subscription): Promise<void> {
    return this.#change("unsubscribe", sub.symbol.toUpperCase());
  }

  #change(op: "subscribe" | "unsubscribe", symbol: string): Promise<void> {
    if (this.#symbols.has(symbol) === (op === "subscribe")) return Promise.resolve();
    this.#symbols[op === "subscribe" ? "add" : "delete"](symbol);
    this.#ws?.send(JSON.stringify({ op, symbols: [symbol] }));
    return Promise.resolve();
  }

  disconnect(reason = "disconnect requested"): Promise<void> {
    this.#gate.stop();
    this.#ws?.close();
    this.#ws = undefined;
    this.#life.finish(reason);
    return Promise.resolve();
  }

  #end(e: unknown): void {
    if (!this.#life.ended) this.#life.error(reasonOf(e));
    void this.disconnect(reasonOf(e));
  }
}

// Pass it as `source`, or register it by name.
export const tickerConnector: ConnectorDefinition<TickerOptions, TickerOptions> = {
  name: "ticker",
  capabilities: CHANNELS,
  env: [{ name: "TICKER_URL", option: "url", description: "The venue's WebSocket URL" }],
  optionKeys: ["url", "WebSocket", "reconnect"],
  parseOptions: (input) => parseOptions(Schema, input, "ticker") as TickerOptions,
  create: (options, ctx) => new TickerConnector(options, ctx),
};
