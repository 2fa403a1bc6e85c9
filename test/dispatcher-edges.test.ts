import { describe, expect, it } from "vitest";
import { numberedTrade } from "./_helpers/numbered-trade.ts";
import { Dispatcher } from "../src/dispatcher.ts";
import { EventRing } from "../src/_event-ring.ts";
import type { TradeEvent } from "../src/events.ts";

/** The dispatcher's option errors word for word, its bounds, and iterators stopped at odd moments. */

const trade = numberedTrade;

const options = (o: unknown): ConstructorParameters<typeof Dispatcher>[0] =>
  o as ConstructorParameters<typeof Dispatcher>[0];

describe("dispatcher edges", () => {
  it("names the option, the range and the value in each error", () => {
    expect(() => new Dispatcher(options({ capacity: "8" }))).toThrow(
      new TypeError('[dispatcher] capacity must be a number, got "8"'),
    );
    expect(() => new Dispatcher(options({ dropWarnThreshold: "0.1" }))).toThrow(
      new TypeError('[dispatcher] dropWarnThreshold must be a number, got "0.1"'),
    );
    expect(() => new Dispatcher({ dropWarnThreshold: 1.5 })).toThrow(
      new RangeError("[dispatcher] dropWarnThreshold must be from 0 to 1, got 1.5"),
    );
    expect(() => new Dispatcher({ emaAlpha: 0 })).toThrow(
      new RangeError("[dispatcher] emaAlpha must be above 0 and at most 1, got 0"),
    );
    expect(() => new Dispatcher(options({ overflow: "drop-all" }))).toThrow(
      new TypeError(
        '[dispatcher] unknown overflow policy "drop-all"; expected "drop-oldest", "drop-newest", "block"',
      ),
    );
  });

  it("preallocates its ring, rounded up to a power of two, so pushes up to capacity never grow it", () => {
    expect([1, 2, 3, 5, 8, 1000].map((n) => new EventRing(n).length)).toEqual([
      1,
      2,
      4,
      8,
      8,
      1024,
    ]);
    const ring = new EventRing(5);
    for (let i = 0; i < 8; i++) ring.push(trade(i));
    expect(ring.length).toBe(8);
    ring.push(trade(8));
    expect(ring.length).toBe(16);
    expect(ring.take(9).map((e) => (e as TradeEvent).seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("accepts the ends of each range it states", () => {
    expect(new Dispatcher({ dropWarnThreshold: 0 }).counters().dropRateEma).toBe(0);
    expect(new Dispatcher({ dropWarnThreshold: 1 }).counters().dropRateEma).toBe(0);
    expect(new Dispatcher({ emaAlpha: 1 }).counters().dropRateEma).toBe(0);
    expect(new Dispatcher({ capacity: 1 }).capacity).toBe(1);
  });

  it("rejects poll(-1) itself, with its own message, and takes nothing for poll(0)", () => {
    const d = new Dispatcher({ capacity: 4 });
    d.push(trade(1));
    expect(() => d.poll(-1)).toThrow(
      new RangeError("[dispatcher] poll max must be a non-negative integer, got -1"),
    );
    expect(() => d.poll(-Infinity)).toThrow(/got -Infinity/);
    expect(d.poll(0)).toEqual([]);
    expect(d.size).toBe(1);
  });

  it("return() on an iterator that never waited resolves done, and leaves other readers waiting", async () => {
    const d = new Dispatcher({ capacity: 4 });
    const idle = d[Symbol.asyncIterator]();
    expect(await idle.return!()).toEqual({ value: undefined, done: true });
    const waiting = d[Symbol.asyncIterator]();
    const next = waiting.next();
    const fresh = d[Symbol.asyncIterator]();
    expect(await fresh.return!()).toEqual({ value: undefined, done: true });
    d.push(trade(1));
    expect(await next).toEqual({ value: trade(1), done: false });
  });

  it("return() right after a push woke the iterator resolves done, and the event stays queued", async () => {
    const d = new Dispatcher({ capacity: 4 });
    const it = d[Symbol.asyncIterator]();
    const next = it.next();
    // Woken, but its loop has not run yet: return() must not wake it a second time.
    d.push(trade(1));
    expect(await it.return!()).toEqual({ value: undefined, done: true });
    expect(await next).toEqual({ value: undefined, done: true });
    expect(d.size).toBe(1);
  });
});
