/**
 * The readiness check a trader runs before going live (`tickwire check`): with
 * the user's Settrade settings it logs in, fetches a dispatcher token, reads the
 * rate limits the server announces, connects the realtime stream, subscribes
 * the given symbols and waits for the first event of each, timing the login
 * and each first event. Each step passes or fails with a one-line detail that
 * never holds a secret or a token; the check stops at the first failure.
 *
 * @module
 */

import type { Clock } from "../../src/clock.ts";
import { systemClock } from "../../src/clock.ts";
import type { Channel, MarketEvent } from "../../src/events.ts";
import type { Stamp } from "../../src/kit/stamp.ts";
import { reasonOf } from "../../src/errors.ts";
import type { Logger } from "../../src/log.ts";
import { silentLogger } from "../../src/log.ts";
import { realtimeUrl } from "./_endpoint.ts";
import { readSubscribeError } from "./_subscribe-errors.ts";
import { normalizeSub, SubscriptionTable } from "./_subscriptions.ts";
import { SettradeAuth } from "./auth/client.ts";
import type { SettradeOptions } from "./config.ts";
import { SettradeDecoder, SUBSCRIBE_ERROR_TOPIC } from "./decode/mod.ts";
import { SettradeSession } from "./session.ts";
import { createSettradeTransport, type SettradeTransport } from "./transport/mqtt.ts";

/** The steps of a check, in order. */
export type CheckStepName =
  | "login"
  | "dispatcher"
  | "rate limits"
  | "connect"
  | "subscribe"
  | "first event";

/** The outcome of one step. */
export interface CheckStep {
  /** Which step. */
  readonly name: CheckStepName;
  /** Whether it passed. */
  readonly ok: boolean;
  /** What it found, on one line (never a secret). */
  readonly detail: string;
  /** How long it took, ms, where that is the point. */
  readonly ms?: number;
}

/** What {@link checkSettrade} found. */
export interface SettradeCheckReport {
  /** Whether every step passed. */
  readonly ok: boolean;
  /** Where it checked (no credentials). */
  readonly target: {
    readonly baseUrl: string;
    readonly marketUrl: string;
    readonly brokerId: string;
    readonly appCode: string;
  };
  /** The steps run, in order; the first failure is the last. */
  readonly steps: readonly CheckStep[];
  /** Login round trip, ms. */
  readonly loginMs?: number;
  /** Time from subscribing to each symbol's first event, ms. */
  readonly firstEventMs?: Readonly<Record<string, number>>;
  /** The rate limits the server announced, and what is left of them. */
  readonly rateLimits?: {
    readonly perSecond: number | undefined;
    readonly perMinute: number | undefined;
    readonly remainingSecond: number | undefined;
    readonly remainingMinute: number | undefined;
  };
}

/** Options of {@link checkSettrade}. */
export interface SettradeCheckOptions {
  /** Symbols to subscribe (at least one). */
  readonly symbols: readonly string[];
  /** Channels per symbol. @default ["quote"] */
  readonly channels?: readonly Channel[];
  /** Longest wait for every first event, ms. @default 10_000 */
  readonly timeoutMs?: number;
  /** Time source. @default systemClock */
  readonly clock?: Clock;
  /** Where the auth client's warnings go (the insecure option's included). @default silentLogger */
  readonly logger?: Logger;
}

function elapsed(clock: Clock, since: number): number {
  return Math.round(clock.mono() - since);
}

/**
 * Runs the readiness check.
 *
 * @param options Parsed Settrade options (credentials, bases, TLS).
 * @param check Symbols, channels, timeout.
 * @returns The report; it never throws for a failing step.
 * @throws TypeError when no symbol is given.
 * @example Checking the sandbox before going live
 * ```ts ignore
 * import { checkSettrade, parseSettradeOptions } from "@tickwire/tickwire/connectors/settrade";
 * const report = await checkSettrade(parseSettradeOptions({
 *   appId: "my-app", appSecret: "AIKi/X7lvfu0haz0SttdbCj+nXmWBt/jfrbPAHRjwNHq",
 *   appCode: "ALGO", brokerId: "SANDBOX",
 * }), { symbols: ["PTT"] });
 * console.log(report.ok, report.loginMs, report.firstEventMs);
 * ```
 */
export async function checkSettrade(
  options: SettradeOptions,
  check: SettradeCheckOptions,
): Promise<SettradeCheckReport> {
  if (!Array.isArray(check.symbols) || check.symbols.length === 0) {
    throw new TypeError("[settrade] the check needs at least one symbol");
  }
  const clock = check.clock ?? systemClock;
  const steps: CheckStep[] = [];
  const report = {
    target: {
      baseUrl: options.baseUrl,
      marketUrl: options.marketUrl,
      brokerId: options.brokerId,
      appCode: options.appCode,
    },
    steps,
  };
  const fail = (name: CheckStepName, e: unknown, extra: object = {}): SettradeCheckReport => {
    steps.push({ name, ok: false, detail: reasonOf(e) });
    return { ok: false, ...report, ...extra };
  };
  const timeoutMs = check.timeoutMs ?? 10_000;
  const signal = AbortSignal.timeout(Math.max(timeoutMs, options.requestTimeoutMs) * 3);
  const auth = new SettradeAuth(options, { clock, logger: check.logger ?? silentLogger });

  let at = clock.mono();
  try {
    await auth.login(signal);
  } catch (e) {
    return fail("login", e);
  }
  const loginMs = elapsed(clock, at);
  steps.push({ name: "login", ok: true, ms: loginMs, detail: `logged in in ${loginMs} ms` });

  at = clock.mono();
  let dispatcher;
  try {
    dispatcher = await auth.getDispatcherToken(signal);
  } catch (e) {
    return fail("dispatcher", e, { loginMs });
  }
  const hosts = dispatcher.hosts.length;
  steps.push({
    name: "dispatcher",
    ok: true,
    ms: elapsed(clock, at),
    detail: `${hosts} host${hosts === 1 ? "" : "s"} in ${elapsed(clock, at)} ms`,
  });

  const snap = auth.rest.limiter.snapshot();
  const rateLimits = {
    perSecond: snap.limitSecond,
    perMinute: snap.limitMinute,
    remainingSecond: snap.remainingSecond,
    remainingMinute: snap.remainingMinute,
  };
  if (snap.limitSecond === undefined && snap.limitMinute === undefined) {
    return fail(
      "rate limits",
      "the server announced no rate limits (no X-RateLimit-* headers): polling could not pace itself",
      { loginMs, rateLimits },
    );
  }
  const show = (n: number | undefined): string => (n === undefined ? "?" : String(n));
  steps.push({
    name: "rate limits",
    ok: true,
    detail: `${show(snap.limitSecond)}/s, ${show(snap.limitMinute)}/min announced (${
      show(snap.remainingSecond)
    }/s, ${show(snap.remainingMinute)}/min left)`,
  });

  return await stream(options, check, dispatcher, {
    clock,
    timeoutMs,
    signal,
    steps,
    done: (ok, extra) => ({ ok, ...report, loginMs, rateLimits, ...extra }),
  });
}

interface StreamRun {
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly steps: CheckStep[];
  readonly done: (ok: boolean, extra?: object) => SettradeCheckReport;
}

/** Connect, subscribe, first events. */
async function stream(
  options: SettradeOptions,
  check: SettradeCheckOptions,
  dispatcher: { readonly hosts: readonly string[]; readonly token: string },
  run: StreamRun,
): Promise<SettradeCheckReport> {
  const { clock, steps } = run;
  const subs = new SubscriptionTable();
  for (const symbol of check.symbols) {
    for (const channel of check.channels ?? ["quote"]) {
      try {
        subs.add(normalizeSub({ channel, symbol }));
      } catch (e) {
        steps.push({ name: "subscribe", ok: false, detail: reasonOf(e) });
        return run.done(false);
      }
    }
  }
  const symbols = [...new Set(subs.list().map((s) => s.symbol))];
  const first = new Map<string, number>();
  const refusals: string[] = [];
  const decoder = new SettradeDecoder();
  const meta: Stamp = { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 };
  let subscribedAt = 0;
  let wake: (() => void) | undefined;
  const onMessage = (topic: string, payload: Uint8Array): void => {
    if (topic === SUBSCRIBE_ERROR_TOPIC) {
      refusals.push(readSubscribeError(payload).reason);
    } else {
      const held = subs.get(topic);
      if (held === undefined) return;
      try {
        decoder.decodeParsed(held.parsed, topic, payload, meta, held.want, (ev: MarketEvent) => {
          if (!first.has(ev.symbol)) first.set(ev.symbol, elapsed(clock, subscribedAt));
        });
      } catch {
        // A bad payload is not a first event; the wait goes on.
      }
    }
    wake?.();
  };
  const url = realtimeUrl(options.baseUrl, dispatcher.hosts[0]!, options.brokerId);
  let t: SettradeTransport | undefined;
  let at = clock.mono();
  try {
    t = createSettradeTransport({
      url,
      headers: { Authorization: `Bearer ${dispatcher.token}` },
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
      insecureSkipTlsVerify: options.insecureSkipTlsVerify,
      connectTimeoutMs: options.requestTimeoutMs,
      onMessage,
    });
    await t.connect(run.signal);
  } catch (e) {
    await t?.close();
    const text = reasonOf(e).split(dispatcher.token).join("[redacted]");
    steps.push({ name: "connect", ok: false, detail: text });
    return run.done(false);
  }
  try {
    steps.push({
      name: "connect",
      ok: true,
      ms: elapsed(clock, at),
      detail: `${t.url} in ${elapsed(clock, at)} ms`,
    });
    at = clock.mono();
    subscribedAt = at;
    const refused = await t.subscribe([SUBSCRIBE_ERROR_TOPIC, ...subs.topics()]);
    const ready = () => refusals.length > 0 || symbols.every((s) => first.has(s));
    const deadline = at + run.timeoutMs;
    while (!ready() && clock.mono() < deadline && t.connected) {
      await new Promise<void>((resolve) => {
        const timer = clock.setTimeout(resolve, Math.min(100, deadline - clock.mono()));
        wake = () => {
          clock.clearTimeout(timer);
          resolve();
        };
      });
    }
    const bad = [
      ...refused.filter((x) => x !== SUBSCRIBE_ERROR_TOPIC).map((x) => `refused ${x}`),
      ...refusals,
    ];
    if (bad.length > 0) {
      steps.push({ name: "subscribe", ok: false, detail: bad.join("; ") });
      return run.done(false);
    }
    const channels = (check.channels ?? ["quote"]).join(", ");
    steps.push({ name: "subscribe", ok: true, detail: `${symbols.join(", ")} (${channels})` });
    const firstEventMs = Object.fromEntries(first);
    const missing = symbols.filter((s) => !first.has(s));
    if (missing.length > 0) {
      const session = new SettradeSession(options.session === false ? {} : options.session);
      const now = clock.now();
      const closed = missing.filter((s) => session.quietReason(s, now) !== undefined);
      steps.push({
        name: "first event",
        ok: false,
        detail: `no event within ${run.timeoutMs} ms for ${missing.join(", ")}${
          closed.length > 0
            ? ` (the calendar says the market is not open for ${closed.join(", ")})`
            : ""
        }`,
      });
      return run.done(false, { firstEventMs });
    }
    steps.push({
      name: "first event",
      ok: true,
      detail: symbols.map((s) => `${s} ${first.get(s)} ms`).join(", "),
    });
    return run.done(true, { firstEventMs });
  } finally {
    await t.close();
  }
}
