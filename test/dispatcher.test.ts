import { describe, expect, it } from "vitest";
import { numberedTrade } from "./_helpers/numbered-trade.ts";
import { Dispatcher, type OverflowPolicy } from "../src/dispatcher.ts";
import type { FeedEvent, StatusEvent } from "../src/events.ts";
import type { LogFields, Logger } from "../src/log.ts";

const trade = numberedTrade;

function status(n: number): StatusEvent {
  return { type: "status", kind: "end", source: "test", epoch: 0, recvTs: n, recvMono: n };
}

/** Identifies an event in assertions: `t<seq>` for trades, `s<recvMono>` for statuses. */
function id(ev: FeedEvent | undefined): string {
  if (ev === undefined) return "none";
  return ev.type === "status" ? `s${ev.recvMono}` : `t${ev.seq}`;
}

function ids(evs: readonly FeedEvent[]): string[] {
  return evs.map(id);
}

/** Lets every pending promise callback run. */
function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function tracked<T>(p: Promise<T>): { readonly settled: boolean; readonly value: T | undefined } {
  const state: { settled: boolean; value: T | undefined } = { settled: false, value: undefined };
  void p.then((v) => {
    state.settled = true;
    state.value = v;
  });
  return state;
}

function expectInvariant(d: Dispatcher): void {
  const c = d.counters();
  expect(c.pushed - c.dropped - c.polled).toBe(c.size);
}

function capturingLogger(): {
  logger: Logger;
  warnings: { message: string; fields?: LogFields }[];
} {
  const warnings: { message: string; fields?: LogFields }[] = [];
  const ignore = (): void => {};
  return {
    warnings,
    logger: {
      debug: ignore,
      info: ignore,
      error: ignore,
      warn: (message, fields) => warnings.push({ message, fields }),
    },
  };
}

const POLICIES: readonly OverflowPolicy[] = ["drop-oldest", "drop-newest", "block"];

describe("Dispatcher basics", () => {
  it("dispatcher defaults to a capacity of 100000 under drop-oldest", () => {
    const d = new Dispatcher();
    expect(d.capacity).toBe(100_000);
    expect(d.overflow).toBe("drop-oldest");
    expect(d.size).toBe(0);
    expect(d.closed).toBe(false);
  });

  it("dispatcher hands events out oldest first with shift", () => {
    const d = new Dispatcher({ capacity: 4 });
    for (let i = 1; i <= 3; i++) expect(d.push(trade(i))).toBe(true);
    expect([id(d.shift()), id(d.shift()), id(d.shift()), id(d.shift())]).toEqual([
      "t1",
      "t2",
      "t3",
      "none",
    ]);
  });

  it("dispatcher poll takes at most max events in order", () => {
    const d = new Dispatcher({ capacity: 8 });
    for (let i = 1; i <= 5; i++) d.push(trade(i));
    expect(ids(d.poll(2))).toEqual(["t1", "t2"]);
    expect(ids(d.poll(0))).toEqual([]);
    expect(ids(d.poll())).toEqual(["t3", "t4", "t5"]);
    expect(d.poll(10)).toEqual([]);
    expect(d.polled).toBe(5);
  });

  it("dispatcher keeps order across the end of its ring", () => {
    const d = new Dispatcher({ capacity: 4 });
    let next = 1;
    const out: string[] = [];
    for (let round = 0; round < 10; round++) {
      d.push(trade(next++));
      d.push(trade(next++));
      d.push(trade(next++));
      out.push(...ids(d.poll(2)));
      out.push(id(d.shift()));
    }
    expect(out).toEqual(Array.from({ length: 30 }, (_, i) => `t${i + 1}`));
  });

  it("dispatcher poll rejects a negative, fractional or NaN max", () => {
    const d = new Dispatcher({ capacity: 2 });
    expect(() => d.poll(-1)).toThrow(RangeError);
    expect(() => d.poll(1.5)).toThrow(/1\.5/);
    expect(() => d.poll(Number.NaN)).toThrow(/NaN/);
  });

  it("dispatcher counters satisfy pushed - dropped - polled = size and track the high water", () => {
    const d = new Dispatcher({ capacity: 3 });
    for (let i = 1; i <= 5; i++) {
      d.push(trade(i));
      expectInvariant(d);
    }
    d.shift();
    expectInvariant(d);
    d.push(status(1));
    expectInvariant(d);
    expect(d.counters()).toEqual({
      pushed: 6,
      dropped: 2,
      polled: 1,
      size: 3,
      capacity: 3,
      highWater: 3,
      dropRateEma: 0,
    });
  });
});

describe("Dispatcher overflow policies", () => {
  it("dispatcher drops the oldest event when full", () => {
    const d = new Dispatcher({ capacity: 3, overflow: "drop-oldest" });
    for (let i = 1; i <= 5; i++) expect(d.push(trade(i))).toBe(true);
    expect(d.size).toBe(3);
    expect(d.dropped).toBe(2);
    expect(ids(d.poll())).toEqual(["t3", "t4", "t5"]);
  });

  it("dispatcher keeps status events at the head and evicts the next market event", () => {
    const d = new Dispatcher({ capacity: 4, overflow: "drop-oldest" });
    d.push(status(1));
    d.push(status(2));
    d.push(trade(1));
    d.push(trade(2));
    expect(d.push(trade(3))).toBe(true);
    expect(d.push(trade(4))).toBe(true);
    expect(d.dropped).toBe(2);
    expectInvariant(d);
    expect(ids(d.poll())).toEqual(["s1", "s2", "t3", "t4"]);
  });

  it("dispatcher drops the incoming market event when the full queue holds only status events", () => {
    const d = new Dispatcher({ capacity: 2, overflow: "drop-oldest" });
    d.push(status(1));
    d.push(status(2));
    expect(d.push(trade(1))).toBe(false);
    expect(d.dropped).toBe(1);
    expectInvariant(d);
    expect(ids(d.poll())).toEqual(["s1", "s2"]);
  });

  it("dispatcher refuses the newest event when full under drop-newest", () => {
    const d = new Dispatcher({ capacity: 2, overflow: "drop-newest" });
    expect(d.push(trade(1))).toBe(true);
    expect(d.push(trade(2))).toBe(true);
    expect(d.push(trade(3))).toBe(false);
    expect(d.counters()).toMatchObject({ pushed: 3, dropped: 1, size: 2 });
    expect(ids(d.poll())).toEqual(["t1", "t2"]);
  });

  it("dispatcher stores every event under block and returns false once full", () => {
    const d = new Dispatcher({ capacity: 3, overflow: "block" });
    expect(d.push(trade(1))).toBe(true);
    expect(d.push(trade(2))).toBe(true);
    expect(d.push(trade(3))).toBe(false);
    for (let i = 4; i <= 20; i++) expect(d.push(trade(i))).toBe(false);
    expect(d.push(status(1))).toBe(false);
    expect(d.counters()).toMatchObject({ pushed: 21, dropped: 0, size: 21, highWater: 21 });
    expect(ids(d.poll(18)).at(-1)).toBe("t18");
    expect(ids(d.poll(1))).toEqual(["t19"]);
    expect(d.push(trade(21))).toBe(false);
    expect(ids(d.poll(2))).toEqual(["t20", "s1"]);
    expect(d.push(trade(22))).toBe(true);
    expect(ids(d.poll())).toEqual(["t21", "t22"]);
  });

  it("a producer that waits on drain under block never exceeds capacity", async () => {
    const d = new Dispatcher({ capacity: 4, overflow: "block" });
    let produced = 0;
    const producer = (async () => {
      while (produced < 50) {
        if (!d.push(trade(++produced))) await d.drain();
      }
    })();
    const out: string[] = [];
    for (let i = 0; i < 1000 && out.length < 50; i++) {
      await Promise.resolve();
      out.push(...ids(d.poll(1)));
      expect(d.size).toBeLessThanOrEqual(4);
    }
    await producer;
    expect(out).toHaveLength(50);
    expect(d.counters()).toMatchObject({ dropped: 0, highWater: 4 });
  });

  for (const overflow of POLICIES) {
    it(`dispatcher never drops a status event under ${overflow}`, () => {
      const d = new Dispatcher({ capacity: 2, overflow });
      d.push(status(1));
      d.push(trade(1));
      d.push(trade(2));
      for (let i = 2; i <= 9; i++) {
        d.push(status(i));
        d.push(trade(i + 1));
        expectInvariant(d);
      }
      const out = ids(d.poll());
      const statuses = out.filter((s) => s.startsWith("s"));
      expect(statuses).toEqual(Array.from({ length: 9 }, (_, i) => `s${i + 1}`));
      expect(d.dropped).toBe(d.pushed - out.length);
    });
  }

  it("dispatcher grows past its ring for status events without losing order", () => {
    const d = new Dispatcher({ capacity: 4, overflow: "drop-oldest" });
    d.push(trade(1));
    d.push(trade(2));
    d.push(trade(3));
    d.shift();
    d.push(trade(4));
    d.push(trade(5)); // the ring now wraps around its end
    for (let i = 1; i <= 6; i++) expect(d.push(status(i))).toBe(true);
    expect(d.size).toBe(10);
    expect(d.push(trade(6))).toBe(true);
    expect(d.dropped).toBe(1);
    expect(ids(d.poll())).toEqual(["t3", "t4", "t5", "s1", "s2", "s3", "s4", "s5", "s6", "t6"]);
  });

  it("dispatcher moves a long run of status events forward when evicting behind them", () => {
    const d = new Dispatcher({ capacity: 6, overflow: "drop-oldest" });
    for (let i = 1; i <= 3; i++) d.push(trade(i));
    d.poll(); // the queue now starts mid-ring, so the run below wraps around its end
    for (let i = 1; i <= 5; i++) d.push(status(i));
    d.push(trade(4));
    expect(d.push(trade(5))).toBe(true);
    expect(d.dropped).toBe(1);
    expectInvariant(d);
    expect(ids(d.poll())).toEqual(["s1", "s2", "s3", "s4", "s5", "t5"]);
  });
});

describe("Dispatcher close", () => {
  it("dispatcher refuses and does not count pushes after close", () => {
    const d = new Dispatcher({ capacity: 2 });
    d.push(trade(1));
    d.close();
    d.close();
    expect(d.closed).toBe(true);
    expect(d.push(trade(2))).toBe(false);
    expect(d.push(status(1))).toBe(false);
    expect(d.counters()).toMatchObject({ pushed: 1, dropped: 0, size: 1 });
    expect(id(d.shift())).toBe("t1");
  });
});

describe("Dispatcher drain", () => {
  it("drain resolves at once when the queue has room", async () => {
    const d = new Dispatcher({ capacity: 2, overflow: "block" });
    d.push(trade(1));
    const drained = tracked(d.drain());
    await tick();
    expect(drained.settled).toBe(true);
  });

  it("drain resolves once shift brings the size below capacity", async () => {
    const d = new Dispatcher({ capacity: 2, overflow: "block" });
    for (let i = 1; i <= 3; i++) d.push(trade(i));
    const first = tracked(d.drain());
    const second = tracked(d.drain());
    d.shift();
    await tick();
    expect(first.settled).toBe(false);
    d.shift();
    await tick();
    expect(first.settled).toBe(true);
    expect(second.settled).toBe(true);
  });

  it("drain resolves once poll brings the size below capacity", async () => {
    const d = new Dispatcher({ capacity: 2, overflow: "drop-oldest" });
    for (let i = 1; i <= 3; i++) d.push(trade(i));
    const drained = tracked(d.drain());
    await tick();
    expect(drained.settled).toBe(false);
    d.poll(1);
    await tick();
    expect(drained.settled).toBe(true);
  });

  it("drain resolves when the dispatcher closes", async () => {
    const d = new Dispatcher({ capacity: 1, overflow: "block" });
    d.push(trade(1));
    const drained = tracked(d.drain());
    await tick();
    expect(drained.settled).toBe(false);
    d.close();
    await tick();
    expect(drained.settled).toBe(true);
  });
});

describe("Dispatcher async iteration", () => {
  it("an iterator waits when empty and wakes on push", async () => {
    const d = new Dispatcher({ capacity: 4 });
    const it = d[Symbol.asyncIterator]();
    const pending = tracked(it.next());
    await tick();
    expect(pending.settled).toBe(false);
    d.push(trade(7));
    await tick();
    expect(pending.settled).toBe(true);
    expect(id(pending.value?.value as FeedEvent)).toBe("t7");
    expect(d.polled).toBe(1);
  });

  it("an iterator delivers queued events after close and then ends", async () => {
    const d = new Dispatcher({ capacity: 4 });
    d.push(trade(1));
    d.push(status(1));
    d.close();
    const seen: string[] = [];
    for await (const ev of d) seen.push(id(ev));
    expect(seen).toEqual(["t1", "s1"]);
  });

  it("a waiting iterator ends when the dispatcher closes", async () => {
    const d = new Dispatcher({ capacity: 4 });
    const pending = tracked(d[Symbol.asyncIterator]().next());
    await tick();
    d.close();
    await tick();
    expect(pending.value).toEqual({ value: undefined, done: true });
  });

  it("a for await loop receives events pushed later until close", async () => {
    const d = new Dispatcher({ capacity: 4 });
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const ev of d) seen.push(id(ev));
    })();
    for (let i = 1; i <= 6; i++) {
      d.push(trade(i));
      if (i % 2 === 0) await tick();
    }
    d.close();
    await consumer;
    expect(seen).toEqual(["t1", "t2", "t3", "t4", "t5", "t6"]);
  });

  it("an iterator throws the error the dispatcher was closed with, after the queued events", async () => {
    const d = new Dispatcher();
    d.push(trade(1));
    d.push(status(1));
    const fatal = new Error("venue refused the login");
    d.close(fatal);
    const it = d[Symbol.asyncIterator]();
    const got = [id((await it.next()).value), id((await it.next()).value)];
    await expect(it.next()).rejects.toBe(fatal);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(got).toEqual(["t1", "s1"]);
  });

  it("concurrent iterators receive distinct events", async () => {
    const d = new Dispatcher({ capacity: 16 });
    const a = d[Symbol.asyncIterator]();
    const b = d[Symbol.asyncIterator]();
    const pa = tracked(a.next());
    const pb = tracked(b.next());
    await tick();
    d.push(trade(1));
    await tick();
    expect(pa.settled !== pb.settled).toBe(true);
    d.push(trade(2));
    await tick();
    expect(pa.settled && pb.settled).toBe(true);
    const got = [id(pa.value?.value as FeedEvent), id(pb.value?.value as FeedEvent)].sort();
    expect(got).toEqual(["t1", "t2"]);
  });

  it("return stops an iterator without closing the dispatcher", async () => {
    const d = new Dispatcher({ capacity: 4 });
    const it = d[Symbol.asyncIterator]();
    const pending = tracked(it.next());
    await tick();
    await it.return!();
    await tick();
    expect(pending.value).toEqual({ value: undefined, done: true });
    expect(d.closed).toBe(false);
    d.push(trade(1));
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(d.size).toBe(1);
    expect(id(d.shift())).toBe("t1");
  });

  it("break in a for await loop leaves the remaining events queued", async () => {
    const d = new Dispatcher({ capacity: 4 });
    for (let i = 1; i <= 3; i++) d.push(trade(i));
    for await (const ev of d) {
      expect(id(ev)).toBe("t1");
      break;
    }
    expect(d.closed).toBe(false);
    expect(ids(d.poll())).toEqual(["t2", "t3"]);
  });
});

describe("Dispatcher options", () => {
  it("dispatcher rejects a capacity that is not an integer of at least 1, naming it", () => {
    expect(() => new Dispatcher({ capacity: 0 })).toThrow(RangeError);
    expect(() => new Dispatcher({ capacity: 0 })).toThrow(/capacity.*got 0/);
    expect(() => new Dispatcher({ capacity: -3 })).toThrow(/got -3/);
    expect(() => new Dispatcher({ capacity: 2.5 })).toThrow(/got 2\.5/);
    expect(() => new Dispatcher({ capacity: Number.NaN })).toThrow(/got NaN/);
    expect(() => new Dispatcher({ capacity: 2 ** 31 })).toThrow(RangeError);
    expect(() => new Dispatcher({ capacity: "10" as unknown as number })).toThrow(TypeError);
  });

  it("dispatcher rejects an unknown overflow policy, quoting it", () => {
    const make = () => new Dispatcher({ overflow: "drop-all" as OverflowPolicy });
    expect(make).toThrow(TypeError);
    expect(make).toThrow(/"drop-all"/);
  });

  it("dispatcher rejects a warning threshold or smoothing factor out of range, naming it", () => {
    expect(() => new Dispatcher({ dropWarnThreshold: 1.5 })).toThrow(
      /dropWarnThreshold.*got 1\.5/,
    );
    expect(() => new Dispatcher({ dropWarnThreshold: -0.1 })).toThrow(RangeError);
    expect(() => new Dispatcher({ emaAlpha: 0 })).toThrow(/emaAlpha.*got 0/);
    expect(() => new Dispatcher({ emaAlpha: 2 })).toThrow(RangeError);
  });

  it("dispatcher accepts a capacity of 1 and a power-of-two capacity exactly", () => {
    for (const capacity of [1, 8]) {
      const d = new Dispatcher({ capacity, overflow: "drop-newest" });
      for (let i = 1; i <= capacity + 1; i++) d.push(trade(i));
      expect(d.size).toBe(capacity);
      expect(d.dropped).toBe(1);
    }
  });
});

describe("Dispatcher drop-rate warning", () => {
  it("dispatcher computes the drop-rate EMA per sample", () => {
    const d = new Dispatcher({ capacity: 1, overflow: "drop-newest", emaAlpha: 0.5 });
    expect(d.sampleDropRate()).toBe(0);
    for (let i = 1; i <= 4; i++) d.push(trade(i)); // 3 of 4 dropped
    expect(d.sampleDropRate()).toBeCloseTo(0.375, 12);
    expect(d.sampleDropRate()).toBeCloseTo(0.1875, 12);
    expect(d.counters().dropRateEma).toBeCloseTo(0.1875, 12);
  });

  it("dispatcher logs one warning per excursion above the threshold", () => {
    const { logger, warnings } = capturingLogger();
    const d = new Dispatcher({
      capacity: 1,
      overflow: "drop-newest",
      dropWarnThreshold: 0.1,
      logger,
    });
    const overload = (): void => {
      d.shift();
      for (let i = 0; i < 10; i++) d.push(trade(i));
    };
    for (let s = 0; s < 5; s++) {
      overload();
      d.sampleDropRate();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/^\[dispatcher\] dropping/);
    expect(warnings[0].fields).toMatchObject({ threshold: 0.1, capacity: 1 });

    // Falls below the threshold but not below half of it: still not re-armed.
    let ema = 1;
    let samples = 0;
    while (ema >= 0.1 && samples++ < 100) ema = d.sampleDropRate();
    expect(ema).toBeGreaterThan(0.05);
    overload();
    d.sampleDropRate();
    expect(warnings).toHaveLength(1);

    // Falls below half of the threshold: re-armed, the next excursion warns again.
    samples = 0;
    while (ema >= 0.05 && samples++ < 100) ema = d.sampleDropRate();
    expect(ema).toBeLessThan(0.05);
    overload();
    d.sampleDropRate();
    expect(warnings).toHaveLength(2);
  });
});
