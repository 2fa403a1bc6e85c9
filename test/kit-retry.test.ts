import { describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.ts";
import type { EventSink } from "../src/connector.ts";
import { AuthError, ConfigError, ConnectionError } from "../src/errors.ts";
import type { StatusEvent } from "../src/events.ts";
import { Lifecycle } from "../src/kit/lifecycle.ts";
import {
  abortReason,
  connectWithRetry,
  isFatalError,
  retryWithBackoff,
  sleep,
} from "../src/kit/retry.ts";
import { reasonOf } from "../src/errors.ts";

const fixed = { initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0 } as const;

/** Runs a retry loop whose attempts all fail with `error`, on a manual clock. */
async function failing(error: unknown, maxAttempts: number, label?: string): Promise<unknown> {
  const clock = new ManualClock();
  const run = retryWithBackoff({ attempt: () => Promise.reject(error) }, {
    clock,
    signal: new AbortController().signal,
    policy: { ...fixed, maxAttempts },
    ...(label === undefined ? {} : { label }),
  });
  const settled = run.then(() => "resolved", (e: unknown) => e);
  for (let i = 0; i < 20 && clock.pending === 0; i++) await Promise.resolve();
  for (let i = 0; i < 10; i++) {
    clock.advance(1_000);
    for (let j = 0; j < 20; j++) await Promise.resolve();
  }
  return await settled;
}

describe("kit retry", () => {
  it("names an abort without a reason as an AbortError", () => {
    const reason = abortReason({ reason: undefined } as AbortSignal) as DOMException;
    expect(reason.name).toBe("AbortError");
    expect(reason.message).toBe("The operation was aborted.");
  });

  it("removes its abort listener once it has slept, so a long-lived signal gathers none", async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const live = new Set<unknown>();
    const add = ac.signal.addEventListener.bind(ac.signal);
    const remove = ac.signal.removeEventListener.bind(ac.signal);
    ac.signal.addEventListener =
      ((type: string, fn: EventListener, o?: AddEventListenerOptions) => {
        if (type === "abort") live.add(fn);
        add(type, fn, o);
      }) as typeof add;
    ac.signal.removeEventListener = ((type: string, fn: EventListener) => {
      if (type === "abort") live.delete(fn);
      remove(type, fn);
    }) as typeof remove;
    for (let i = 0; i < 3; i++) {
      const slept = sleep(clock, 10, ac.signal);
      expect(live.size).toBe(1);
      clock.advance(10);
      await slept;
    }
    expect(live.size).toBe(0);
  });

  it("sleeps on the clock for the time asked, and an abort ends the sleep and its timer", async () => {
    const clock = new ManualClock();
    let done = false;
    const slept = sleep(clock, 100).then(() => (done = true));
    clock.advance(99);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await slept;
    expect(done).toBe(true);
    const early = sleep(clock, -5);
    clock.advance(0); // a negative time sleeps none
    await early;
    const ac = new AbortController();
    const aborted = sleep(clock, 1_000, ac.signal);
    expect(clock.pending).toBe(1);
    ac.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow(new Error("stop"));
    expect(clock.pending).toBe(0);
  });

  it("counts config errors and 4xx auth errors but 408 and 429 as fatal", () => {
    const auth = (status: number | undefined) => new AuthError("[x] refused", { status });
    expect(isFatalError(new ConfigError("[x] bad", []))).toBe(true);
    expect([399, 400, 401, 408, 429, 499, 500, undefined].map((s) => isFatalError(auth(s))))
      .toEqual([false, true, true, false, false, true, false, false]);
    expect(isFatalError(new Error("boom"))).toBe(false);
  });

  it("turns anything thrown into one line of at most 200 characters", () => {
    expect(reasonOf(new Error("  socket\n\t closed  "))).toBe("socket closed");
    expect(reasonOf("  ")).toBe("unknown error");
    expect(reasonOf(42)).toBe("42");
    expect(reasonOf("x".repeat(200))).toBe("x".repeat(200));
    expect(reasonOf("x".repeat(201))).toBe(`${"x".repeat(197)}...`);
  });

  it("gives up with a message that counts the attempts and keeps the last error as cause", async () => {
    const boom = new Error("boom");
    const off = await failing(boom, 0, "[venue]") as ConnectionError;
    expect(off).toBeInstanceOf(ConnectionError);
    expect(off.message).toBe("[venue] connection failed and reconnecting is off: boom");
    expect(off.cause).toBe(boom);
    const one = await failing(boom, 1) as ConnectionError;
    expect(one.message).toBe("[tickwire] gave up after 1 reconnect attempt: boom");
    const two = await failing(boom, 2) as ConnectionError;
    expect(two.message).toBe("[tickwire] gave up after 2 reconnect attempts: boom");
  });

  it("gives up with the auth error itself when that was the last one", async () => {
    const refused = new AuthError("[venue] login refused", { status: 503 });
    expect(await failing(refused, 1)).toBe(refused);
  });

  it("uses the random source it is given for the jitter", async () => {
    const clock = new ManualClock();
    const delays: number[] = [];
    let calls = 0;
    const run = retryWithBackoff({
      attempt: () => (++calls < 3 ? Promise.reject(new Error("again")) : Promise.resolve("up")),
      onRetry: (_attempt, delayMs) => void delays.push(delayMs),
    }, {
      clock,
      signal: new AbortController().signal,
      policy: { ...fixed, jitter: "full", maxAttempts: 5 },
      random: () => 0.5,
    });
    for (let i = 0; i < 10 && calls < 3; i++) {
      for (let j = 0; j < 20; j++) await Promise.resolve();
      clock.advance(1_000);
    }
    expect(await run).toBe("up");
    expect(delays).toEqual([50, 100]);
  });

  it("ends with the abort reason, not the attempt's error, when aborted during an attempt", async () => {
    const ac = new AbortController();
    const reason = new Error("user stop");
    const run = retryWithBackoff({
      attempt: () => {
        ac.abort(reason);
        // Even an error that would end the loop by itself gives way to the abort.
        return Promise.reject(new ConfigError("[x] refused by the abort", []));
      },
    }, { clock: new ManualClock(), signal: ac.signal, policy: { ...fixed, maxAttempts: 5 } });
    await expect(run).rejects.toBe(reason);
  });

  it("does not start when the signal is already aborted, even if the attempt would succeed", async () => {
    const ac = new AbortController();
    const reason = new Error("stopped before start");
    ac.abort(reason);
    const run = retryWithBackoff({ attempt: () => Promise.resolve("up") }, {
      clock: new ManualClock(),
      signal: ac.signal,
    });
    await expect(run).rejects.toBe(reason);
  });

  it("a retry that starts with no error known says so: no reason on reconnecting, no detail when giving up", async () => {
    const clock = new ManualClock();
    const statuses: StatusEvent[] = [];
    const sink: EventSink = {
      event: () => true,
      status: (s) => void statuses.push(s),
      decodeError: () => {},
      drain: () => Promise.resolve(),
    };
    const life = new Lifecycle("kit", sink, clock);
    life.connecting();
    life.connected();
    life.lost("socket closed");
    const run = connectWithRetry(life, () => Promise.reject(new Error("refused")), {
      clock,
      signal: new AbortController().signal,
      policy: { ...fixed, maxAttempts: 2 },
      startAttempt: 1,
    });
    const settled = run.then(() => "resolved", (e: unknown) => e);
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 20; j++) await Promise.resolve();
      clock.advance(1_000);
    }
    const reconnecting = statuses.filter((s) => s.kind === "reconnecting");
    expect(reconnecting).toHaveLength(2);
    expect(reconnecting[0]).not.toHaveProperty("reason");
    expect(reconnecting[1]).toMatchObject({ attempt: 2, reason: "refused" });
    expect(((await settled) as Error).message).toBe(
      "[kit] gave up after 2 reconnect attempts: refused",
    );
    const none = await retryWithBackoff({ attempt: () => Promise.resolve("never") }, {
      clock,
      signal: new AbortController().signal,
      policy: { ...fixed, maxAttempts: 0 },
      startAttempt: 1,
    }).catch((e: unknown) => e);
    expect((none as Error).message).toBe("[tickwire] connection failed and reconnecting is off");
  });
});
