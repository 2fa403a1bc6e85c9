import { describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.ts";
import type { EventSink } from "../src/connector.ts";
import { ConnectionError } from "../src/errors.ts";
import type { MarketEvent, StatusEvent } from "../src/events.ts";
import { Lifecycle } from "../src/kit/lifecycle.ts";
import { connectWithRetry } from "../src/kit/retry.ts";
import { checkEvent, parseEvent } from "../src/schemas.ts";

function recorder(): EventSink & { statuses: StatusEvent[]; events: MarketEvent[] } {
  const statuses: StatusEvent[] = [];
  const events: MarketEvent[] = [];
  return {
    statuses,
    events,
    event: (ev) => {
      events.push(ev);
      return true;
    },
    status: (s) => void statuses.push(s),
    decodeError: () => {},
    drain: () => Promise.resolve(),
  };
}

describe("Lifecycle", () => {
  it("emits the contract's order, advances the epoch and stamps events with it", () => {
    const sink = recorder();
    const life = new Lifecycle("kit", sink, new ManualClock(5_000));
    life.connecting();
    life.connected();
    life.deliver({ type: "trade", symbol: "PTT", price: 33, size: 100, side: "buy" });
    life.lost("socket closed");
    life.reconnecting(1, 250, "socket closed");
    life.connecting();
    expect(life.connected()).toBe(1);
    life.deliver({ type: "trade", symbol: "PTT", price: 33.25, size: 100, side: "sell" });
    expect(life.finish("done")).toBe(true);
    expect(life.finish("again")).toBe(false);
    life.error("too late");
    life.deliver({ type: "trade", symbol: "PTT", price: 1, size: 1, side: "buy" });
    expect(sink.statuses.map((s) => `${s.kind}@${s.epoch}`)).toEqual([
      "connecting@0",
      "connected@0",
      "disconnected@0",
      "reconnecting@0",
      "connecting@0",
      "connected@1",
      "disconnected@1",
      "end@1",
    ]);
    expect(sink.events.map((e) => [e.seq, e.epoch, e.source])).toEqual([[1, 0, "kit"], [
      2,
      1,
      "kit",
    ]]);
    expect(sink.statuses[3]).toMatchObject({ attempt: 1, delayMs: 250, reason: "socket closed" });
    expect(life.reconnects).toBe(1);
    // Every status is valid under the event schemas.
    for (const s of sink.statuses) expect(checkEvent(s)).toMatchObject({ ok: true });
  });

  it("connectWithRetry reports each failure as reconnecting and gives up after maxAttempts", async () => {
    const clock = new ManualClock();
    const sink = recorder();
    const life = new Lifecycle("kit", sink, clock);
    let attempts = 0;
    const run = connectWithRetry(life, () => {
      attempts++;
      return Promise.reject(Object.assign(new Error("refused"), { code: "E503" }));
    }, {
      clock,
      signal: new AbortController().signal,
      policy: { initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0, maxAttempts: 2 },
    });
    const settled = run.catch((e) => e);
    // Each retry waits on the manual clock: advance it, then let the loop run on.
    for (let i = 0; i < 20 && attempts < 3; i++) {
      clock.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const err = await settled;
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toBe("[kit] gave up after 2 reconnect attempts: refused");
    expect(sink.statuses.map((s) => s.kind)).toEqual([
      "connecting",
      "reconnecting",
      "connecting",
      "reconnecting",
      "connecting",
    ]);
    expect(sink.statuses[1]).toMatchObject({ attempt: 1, delayMs: 100, code: "E503" });
    expect(sink.statuses[3]).toMatchObject({ attempt: 2, delayMs: 200 });
  });
});

describe("status schemas", () => {
  it("read a status in the shape older captures wrote, as today's shape", () => {
    const base = { type: "status", source: "settrade", epoch: 0, recvTs: 1, recvMono: 1 };
    expect(parseEvent({ ...base, kind: "stale", symbol: "PTT", reason: "quiet" })).toEqual({
      ...base,
      kind: "stale",
      scope: "symbols",
      symbols: ["PTT"],
      ageMs: 0,
      reason: "quiet",
    });
    expect(parseEvent({ ...base, kind: "reconnecting" })).toEqual({
      ...base,
      kind: "reconnecting",
      attempt: 1,
      delayMs: 0,
    });
    expect(parseEvent({ ...base, kind: "disconnected" })).toMatchObject({
      reason: "no reason recorded",
    });
  });

  it("name the field a status of today's shape lacks", () => {
    const r = checkEvent({
      type: "status",
      kind: "mode",
      source: "x",
      epoch: 0,
      recvTs: 0,
      recvMono: 0,
      mode: "poll",
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toContain("previous");
  });
});
