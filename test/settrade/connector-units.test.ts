/**
 * The pieces of the Settrade connector that need no network: the realtime URL
 * rule, the reconnect loop on a manual clock, which failures are final, the
 * held subscriptions and their want flags, subscription-error payloads, and the
 * options of the direct mode.
 */
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.ts";
import { AuthError, ConfigError, ConnectionError, isConfigError } from "../../src/errors.ts";
import { realtimeUrl } from "../../connectors/settrade/_endpoint.ts";
import { isFatalError as isFatal, retryWithBackoff } from "../../src/kit/retry.ts";
import { readSubscribeError } from "../../connectors/settrade/_subscribe-errors.ts";
import { normalizeSub, SubscriptionTable } from "../../connectors/settrade/_subscriptions.ts";
import { parseSettradeConnectorOptions, settradeConnector } from "../../connectors/settrade/mod.ts";
import { resolveConnector } from "../../mod.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("the realtime URL", () => {
  it("is wss on port 443 for an https base and a host without a port", () => {
    expect(realtimeUrl("https://open-api.settrade.com", "push.settrade.com", "023"))
      .toBe("wss://push.settrade.com:443/api/dispatcher/v3/023/mqtt");
  });

  it("keeps the dispatcher's port and follows an http base with ws", () => {
    expect(realtimeUrl("http://127.0.0.1:8080", "127.0.0.1:8080", "098"))
      .toBe("ws://127.0.0.1:8080/api/dispatcher/v3/098/mqtt");
    expect(realtimeUrl("https://proxy.example", "h.example:8443", "098"))
      .toBe("wss://h.example:8443/api/dispatcher/v3/098/mqtt");
  });

  it("reduces a host given as a URL to its host and refuses anything else", () => {
    expect(realtimeUrl("https://a.example", "wss://h.example/", "1")).toBe(
      "wss://h.example:443/api/dispatcher/v3/1/mqtt",
    );
    for (const bad of ["h.example/evil", "user@h.example", "h example", "", "h:99999"]) {
      expect(() => realtimeUrl("https://a.example", bad, "1")).toThrow(ConnectionError);
    }
  });
});

describe("the reconnect loop", () => {
  const policy = {
    initialDelayMs: 100,
    maxDelayMs: 1_000,
    multiplier: 2,
    jitter: 0,
    maxAttempts: 3,
  };

  it("waits with exponential backoff on the clock and returns the first success", async () => {
    const clock = new ManualClock();
    const calls: string[] = [];
    let n = 0;
    const result = retryWithBackoff({
      attempt:
        () => (++n < 3 ? Promise.reject(new ConnectionError(`fail ${n}`)) : Promise.resolve("ok")),
      beforeAttempt: () => calls.push("connecting"),
      onRetry: (attempt, delayMs, error) =>
        calls.push(`retry ${attempt} ${delayMs} ${(error as Error).message}`),
    }, { policy, clock, signal: new AbortController().signal, startAttempt: 0, random: () => 0.5 });
    for (let i = 0; i < 20 && clock.pending === 0; i++) await Promise.resolve();
    clock.advance(100);
    for (let i = 0; i < 20 && clock.pending === 0; i++) await Promise.resolve();
    clock.advance(200);
    expect(await result).toBe("ok");
    expect(calls).toEqual([
      "connecting",
      "retry 1 100 fail 1",
      "connecting",
      "retry 2 200 fail 2",
      "connecting",
    ]);
  });

  it("waits before the first attempt after a loss and gives up after maxAttempts", async () => {
    const clock = new ManualClock();
    const retries: number[] = [];
    const run = retryWithBackoff({
      attempt: () => Promise.reject(new ConnectionError("down")),
      beforeAttempt: () => {},
      onRetry: (attempt) => retries.push(attempt),
    }, {
      policy: { ...policy, maxAttempts: 2 },
      clock,
      signal: new AbortController().signal,
      startAttempt: 1,
      cause: new ConnectionError("lost"),
    }).catch((e) => e);
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 20; j++) await Promise.resolve();
      clock.advance(1_000);
    }
    const err = await run;
    expect(retries).toEqual([1, 2]);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toMatch(/gave up after 2 reconnect attempts: down/);
  });

  it("stops at once on a definitive refusal and on abort", async () => {
    const clock = new ManualClock();
    const refused = new AuthError("[settrade] login refused", { status: 401 });
    const fatal = await retryWithBackoff({
      attempt: () => Promise.reject(refused),
      beforeAttempt: () => {},
      onRetry: () => {
        throw new Error("must not retry");
      },
    }, { policy, clock, signal: new AbortController().signal, startAttempt: 0 }).catch((e) => e);
    expect(fatal).toBe(refused);

    const ac = new AbortController();
    const waiting = retryWithBackoff({
      attempt: () => Promise.resolve(1),
      beforeAttempt: () => {},
      onRetry: () => {},
    }, { policy, clock, signal: ac.signal, startAttempt: 1 }).catch((e) => e);
    const reason = new Error("stop");
    ac.abort(reason);
    expect(await waiting).toBe(reason);
  });

  it("treats configuration errors and 4xx authentication refusals other than 408 and 429 as final", () => {
    expect(isFatal(new ConfigError("[settrade] cannot read the CA file"))).toBe(true);
    expect(isFatal(new AuthError("x", { status: 401 }))).toBe(true);
    expect(isFatal(new AuthError("x", { status: 403 }))).toBe(true);
    expect(isFatal(new AuthError("x", { status: 429 }))).toBe(false);
    expect(isFatal(new AuthError("x", { status: 503 }))).toBe(false);
    expect(isFatal(new AuthError("x"))).toBe(false);
    expect(isFatal(new ConnectionError("x"))).toBe(false);
  });
});

describe("the held subscriptions", () => {
  it("share one book topic between quote and book and keep the want flags", () => {
    const t = new SubscriptionTable();
    const quote = normalizeSub({ channel: "quote", symbol: " ptt " });
    const book = normalizeSub({ channel: "book", symbol: "PTT" });
    expect(t.add(quote)).toEqual({
      changed: true,
      topic: "proto/topic/bidofferv3/PTT",
      wire: true,
    });
    expect(t.add(book)).toEqual({
      changed: true,
      topic: "proto/topic/bidofferv3/PTT",
      wire: false,
    });
    expect(t.add(book).changed).toBe(false);
    const held = t.get("proto/topic/bidofferv3/PTT")!;
    expect(held.want).toEqual({ quote: true, book: true });
    expect(t.remove(quote)).toEqual({
      changed: true,
      topic: "proto/topic/bidofferv3/PTT",
      wire: false,
    });
    expect(held.want).toEqual({ quote: false, book: true });
    expect(t.remove(book)?.wire).toBe(true);
    expect(t.get("proto/topic/bidofferv3/PTT")).toBeUndefined();
    expect(t.size).toBe(0);
  });

  it("maps bars with their interval and markets as spelled on the wire", () => {
    const t = new SubscriptionTable();
    t.add(normalizeSub({ channel: "bar", symbol: "aot" }));
    t.add(normalizeSub({ channel: "bar", symbol: "AOT", interval: "5m" }));
    t.add(normalizeSub({ channel: "market", symbol: "mai" }));
    expect(t.topics()).toEqual([
      "proto/topic/cdlv3/AOT/1m",
      "proto/topic/cdlv3/AOT/5m",
      "proto/topic/exchinfoeqv3/mai",
    ]);
    expect(() => t.add(normalizeSub({ channel: "trade", symbol: "AOT" }))).toThrow(RangeError);
    expect(() => normalizeSub({ channel: "quote" } as never)).toThrow(TypeError);
  });
});

describe("subscription-error payloads", () => {
  it("name the symbol from a JSON topic and keep the message", () => {
    const info = readSubscribeError(
      enc('{"topic":"proto/topic/cdlv3/ZZZ/1m","code":"E404","message":"unknown"}'),
    );
    expect(info).toEqual({
      symbol: "ZZZ",
      topic: "proto/topic/cdlv3/ZZZ/1m",
      reason: '[settrade] broker refused the subscription to "ZZZ": unknown',
    });
  });

  it("find a topic in plain text, a symbol field, or report no symbol", () => {
    expect(readSubscribeError(enc("denied proto/topic/infov3/ABC, sorry")).symbol).toBe("ABC");
    expect(readSubscribeError(enc('{"symbol":"xyz","msg":"no"}')).symbol).toBe("XYZ");
    const none = readSubscribeError(enc("  \n"));
    expect(none.symbol).toBeUndefined();
    expect(none.reason).toMatch(/no details/);
  });
});

describe("the direct mode's options", () => {
  it("take a broker URL with the shared reconnect defaults", () => {
    const o = parseSettradeConnectorOptions({ brokerUrl: "mqtt://127.0.0.1:1883" });
    expect(o).toMatchObject({
      brokerUrl: "mqtt://127.0.0.1:1883",
      insecureSkipTlsVerify: false,
      reconnect: {
        initialDelayMs: 500,
        maxDelayMs: 30_000,
        multiplier: 2,
        jitter: 0.2,
        maxAttempts: Infinity,
      },
    });
  });

  it("list every problem in one ConfigError", () => {
    let err: unknown;
    try {
      parseSettradeConnectorOptions({
        brokerUrl: "http://x",
        appId: "a",
        reconnect: { jitter: 3 },
        connectTimeoutMs: -1,
      });
    } catch (e) {
      err = e;
    }
    expect(isConfigError(err)).toBe(true);
    const keys = (err as { issues: { key: string }[] }).issues.map((i) => i.key).sort();
    expect(keys).toEqual(["appId", "brokerUrl", "connectTimeoutMs", "reconnect.jitter"]);
  });

  it("fall back to the Settrade options without a broker URL", () => {
    expect(() => parseSettradeConnectorOptions({ appId: "x" })).toThrow(/appSecret/);
  });

  it("are served by the registry under the name settrade", async () => {
    const def = await resolveConnector("settrade");
    expect(def).toBe(settradeConnector);
    expect(def.capabilities).toEqual(["quote", "book", "bar", "info", "market"]);
    expect(def.env.map((e) => e.name)).toContain("SETTRADE_APP_SECRET");
  });
});
