import { describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.ts";
import { Conflator } from "../src/conflate.ts";

describe("conflator", () => {
  it("keeps only the latest value of each key and counts the ones it replaced", () => {
    const c = new Conflator<number>({ clock: new ManualClock() });
    for (let i = 1; i <= 5; i++) c.offer("PTT", i);
    c.offer("AOT", 10);
    expect(c.counters()).toMatchObject({ offered: 6, conflated: 4, pending: 2 });
    expect(c.take()).toEqual([5, 10]);
    expect(c.counters()).toMatchObject({ taken: 2, pending: 0 });
    expect(c.take()).toEqual([]);
  });

  it("takes keys in the order they started waiting, even when one is replaced", () => {
    const c = new Conflator<string>({ clock: new ManualClock() });
    c.offer("A", "a1");
    c.offer("B", "b1");
    c.offer("A", "a2");
    c.offer("C", "c1");
    expect(c.take(2)).toEqual(["a2", "b1"]);
    expect(c.take()).toEqual(["c1"]);
  });

  it("lets each key go at most maxPerSecond times a second", () => {
    const clock = new ManualClock();
    const c = new Conflator<number>({ maxPerSecond: 10, clock });
    const taken: number[] = [];
    // 1,000 offers a second for 2 s on one key: at most 10 a second get through.
    for (let ms = 0; ms < 2_000; ms++) {
      c.offer("PTT", ms);
      c.take(Infinity, taken);
      clock.advance(1);
    }
    expect(taken.length).toBeGreaterThanOrEqual(19);
    expect(taken.length).toBeLessThanOrEqual(21);
    for (let i = 1; i < taken.length; i++) {
      expect(taken[i]! - taken[i - 1]!).toBeGreaterThanOrEqual(99);
    }
    expect(c.counters().conflated).toBe(2_000 - taken.length - c.pending);
  });

  it("says when the next rate-held key frees, and 0 when one may go now", () => {
    const clock = new ManualClock();
    const c = new Conflator<number>({ maxPerSecond: 4, clock });
    expect(c.nextReadyInMs()).toBe(Infinity);
    c.offer("X", 1);
    expect(c.nextReadyInMs()).toBe(0);
    expect(c.take()).toEqual([1]);
    c.offer("X", 2);
    expect(c.take()).toEqual([]);
    expect(c.nextReadyInMs()).toBe(250);
    clock.advance(249);
    expect(c.take()).toEqual([]);
    clock.advance(1);
    expect(c.nextReadyInMs()).toBe(0);
    expect(c.take()).toEqual([2]);
  });

  it("drops values older than maxAgeMs when their turn comes and counts them as expired", () => {
    const clock = new ManualClock();
    const c = new Conflator<string>({ maxAgeMs: 500, maxPerSecond: 1, clock });
    c.offer("A", "first");
    expect(c.take()).toEqual(["first"]);
    c.offer("A", "old"); // held back by the rate for 1 s, longer than its 500 ms of life
    clock.advance(600);
    expect(c.take()).toEqual([]);
    expect(c.counters()).toMatchObject({ expired: 1, pending: 0 });
    c.offer("B", "late", clock.mono() - 501); // already too old when offered
    expect(c.take()).toEqual([]);
    expect(c.counters().expired).toBe(2);
  });

  it("refuses new keys beyond maxKeys, counts them, and takes them again once a key is deleted", () => {
    const c = new Conflator<number>({ maxKeys: 2, clock: new ManualClock() });
    expect(c.offer("A", 1)).toBe(true);
    expect(c.offer("B", 2)).toBe(true);
    expect(c.offer("C", 3)).toBe(false);
    expect(c.offer("A", 4)).toBe(true); // a held key is always accepted
    expect(c.counters()).toMatchObject({ dropped: 1, conflated: 1 });
    expect(c.delete("B")).toBe(true);
    expect(c.offer("C", 5)).toBe(true);
    expect(c.take()).toEqual([4, 5]);
    expect(c.keys).toBe(2);
  });

  it("forgets a deleted key's waiting value and everything on clear", () => {
    const c = new Conflator<number>({ clock: new ManualClock() });
    c.offer("A", 1);
    c.offer("B", 2);
    c.delete("A");
    expect(c.take()).toEqual([2]);
    c.offer("C", 3);
    c.clear();
    expect(c.take()).toEqual([]);
    expect(c.keys).toBe(0);
    expect(c.counters().offered).toBe(3);
  });

  it("stays bounded by its keys however fast values arrive", () => {
    const c = new Conflator<number>({ maxPerSecond: 10, clock: new ManualClock() });
    for (let i = 0; i < 100_000; i++) c.offer(`K${i % 50}`, i);
    expect(c.pending).toBe(50);
    expect(c.take()).toHaveLength(50);
  });

  it("rejects a negative or zero rate and a negative age", () => {
    expect(() => new Conflator({ maxPerSecond: 0 })).toThrow(/maxPerSecond must be > 0/);
    expect(() => new Conflator({ maxAgeMs: -1 })).toThrow(/maxAgeMs must be a number >= 0/);
    expect(() => new Conflator({ maxKeys: Number.NaN })).toThrow(/maxKeys/);
  });
});
