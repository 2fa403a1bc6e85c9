/**
 * A small third-party-style connector for feed tests: it emits what the test
 * tells it to, through the real sink, following the connector contract.
 */
import type {
  ConnectorContext,
  ConnectorDefinition,
  ConnectorWrapper,
  Subscription,
} from "../../src/connector.ts";
import { subscriptionKey } from "../../src/connector.ts";
import { ConfigError, DecodeError } from "../../src/errors.ts";
import type { BookEvent, Channel, QuoteEvent, StatusKind } from "../../src/events.ts";
import type { SessionSource } from "../../src/session.ts";
import { makeStatus } from "./status.ts";

export interface ScriptedOptions {
  readonly failConnect?: string;
  /** Makes `disconnect()` reject with this message (after ending). */
  readonly failDisconnect?: string;
  /** Makes `disconnect()` resolve without emitting `disconnected` and `end`. */
  readonly silentDisconnect?: boolean;
  /** The market sessions the connector knows. */
  readonly session?: SessionSource;
}

export interface ScriptedConnector extends ConnectorWrapper {
  quote(symbol: string, bid?: number): boolean;
  /** Emits a one-level book. */
  book(symbol: string, bid?: number): boolean;
  /**
   * Sends `n` quotes (bids 0 … n-1) as a connector that can pause does: when the
   * sink answers `false`, it awaits `sink.drain()` before the next one.
   * @returns The largest queue size seen by `sizeOf` right after a send.
   */
  burst(symbol: string, n: number, sizeOf: () => number): Promise<number>;
  status(kind: StatusKind, extra?: Record<string, unknown>): void;
  /** Reports a payload that did not decode, with its offset when given. */
  malformed(message: string, offset?: number): void;
  reconnect(): void;
  end(): void;
  /** Ends with a fatal error: `sink.fail`, `error`, `end`. */
  fail(error: Error): void;
  /** Emits a `mode` status. */
  mode(mode: "stream" | "poll" | "down", previous: "stream" | "poll" | "down"): void;
  readonly subs: ReadonlyMap<string, Subscription>;
  /** Calls of `subscribe` and `unsubscribe`, in order (`+QUOTE:PTT`, `-QUOTE:PTT`). */
  readonly calls: readonly string[];
}

const CAPS: readonly Channel[] = ["quote", "book"];
const OPTION_KEYS: readonly string[] = [
  "failConnect",
  "failDisconnect",
  "silentDisconnect",
  "session",
];

export function createScripted(options: ScriptedOptions, ctx: ConnectorContext): ScriptedConnector {
  const subs = new Map<string, Subscription>();
  const calls: string[] = [];
  let seq = 0;
  let epoch = 0;
  let connected = false;
  let ended = false;
  const status = (kind: StatusKind, extra: Record<string, unknown> = {}): void => {
    if (ended) return;
    ctx.sink.status(makeStatus(kind, {
      source: "scripted",
      epoch,
      recvTs: ctx.clock.now(),
      recvMono: ctx.clock.mono(),
    }, extra));
    if (kind === "end") ended = true;
  };
  /** The fields every market event of this connector carries, the next `seq` among them. */
  const stamp = (symbol: string) => ({
    source: "scripted",
    symbol,
    seq: ++seq,
    recvTs: ctx.clock.now(),
    recvMono: ctx.clock.mono(),
    epoch,
  });
  const connector: ScriptedConnector = {
    name: "scripted",
    capabilities: CAPS,
    subs,
    calls,
    ...(options.session === undefined ? {} : { session: options.session }),
    connect(): Promise<void> {
      status("connecting");
      if (options.failConnect !== undefined) {
        status("error", { reason: options.failConnect });
        status("end");
        return Promise.reject(new Error(options.failConnect));
      }
      connected = true;
      status("connected");
      return Promise.resolve();
    },
    disconnect(reason?: string): Promise<void> {
      if (options.silentDisconnect === true) return Promise.resolve();
      if (!ended) {
        if (connected) status("disconnected", reason === undefined ? {} : { reason });
        connected = false;
        status("end");
      }
      if (options.failDisconnect !== undefined) {
        return Promise.reject(new Error(options.failDisconnect));
      }
      return Promise.resolve();
    },
    subscribe(sub: Subscription): Promise<void> {
      calls.push(`+${subscriptionKey(sub)}`);
      subs.set(subscriptionKey(sub), sub);
      return Promise.resolve();
    },
    unsubscribe(sub: Subscription): Promise<void> {
      calls.push(`-${subscriptionKey(sub)}`);
      subs.delete(subscriptionKey(sub));
      return Promise.resolve();
    },
    quote(symbol: string, bid = 10): boolean {
      if (ended) return true;
      const ev: QuoteEvent = {
        type: "quote",
        ...stamp(symbol),
        bid,
        ask: bid + 0.1,
        bidSize: 100,
        askSize: 200,
        bidFlag: "normal",
        askFlag: "normal",
      };
      return ctx.sink.event(ev);
    },
    book(symbol: string, bid = 10): boolean {
      if (ended) return true;
      const ev: BookEvent = {
        type: "book",
        ...stamp(symbol),
        bids: [{ price: bid, size: 100 }],
        asks: [{ price: bid + 0.1, size: 200 }],
        bidFlag: "normal",
        askFlag: "normal",
      };
      return ctx.sink.event(ev);
    },
    async burst(symbol: string, n: number, sizeOf: () => number): Promise<number> {
      let most = 0;
      for (let i = 0; i < n; i++) {
        const more = connector.quote(symbol, i);
        most = Math.max(most, sizeOf());
        if (!more) await ctx.sink.drain();
      }
      return most;
    },
    status,
    malformed(message: string, offset?: number): void {
      ctx.sink.decodeError(
        new DecodeError(`[scripted] ${message}`, {
          code: "malformed",
          topic: "t",
          ...(offset === undefined ? {} : { offset }),
        }),
      );
    },
    reconnect(): void {
      connected = false;
      status("disconnected", { reason: "test" });
      status("reconnecting", { attempt: 1 });
      status("connecting");
      epoch++;
      connected = true;
      status("connected");
    },
    end(): void {
      connected = false;
      status("end");
    },
    fail(error: Error): void {
      ctx.sink.fail?.(error);
      status("error", { reason: error.message });
      if (connected) status("disconnected", { reason: error.message });
      connected = false;
      status("end");
    },
    mode(mode, previous): void {
      status("mode", { mode, previous });
    },
  };
  return connector;
}

let last: ScriptedConnector | undefined;

/** The most recently created scripted connector. */
export function lastScripted(): ScriptedConnector {
  if (last === undefined) throw new Error("no scripted connector created yet");
  return last;
}

export const scriptedConnector: ConnectorDefinition<ScriptedOptions> = {
  name: "scripted",
  capabilities: CAPS,
  env: [{
    name: "SCRIPTED_FAIL",
    option: "failConnect",
    description: "fail connect with this message",
  }],
  parseOptions(input: unknown): ScriptedOptions {
    const o = (input ?? {}) as Record<string, unknown>;
    const issues = Object.keys(o)
      .filter((k) => !OPTION_KEYS.includes(k))
      .map((k) => ({ key: k, message: `unknown option, got ${JSON.stringify(o[k])}` }));
    if (issues.length > 0) throw new ConfigError("[scripted] invalid options", issues);
    return o as ScriptedOptions;
  },
  create(options, ctx) {
    last = createScripted(options, ctx);
    return last;
  },
  defaultSymbols: () => ["PTT"],
};
