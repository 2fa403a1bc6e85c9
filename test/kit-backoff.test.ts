import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/kit/backoff.ts";

describe("backoffDelay", () => {
  it("grows by the multiplier from the initial delay up to the cap", () => {
    const policy = { initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2, jitter: 0 };
    expect([1, 2, 3, 4, 6, 7, 50].map((n) => backoffDelay(n, policy))).toEqual([
      500,
      1_000,
      2_000,
      4_000,
      16_000,
      30_000,
      30_000,
    ]);
  });

  it("stays within the jitter band and never exceeds the cap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (attempt, jitter, r) => {
          const policy = { initialDelayMs: 100, maxDelayMs: 10_000, multiplier: 1.5, jitter };
          const base = Math.min(10_000, 100 * 1.5 ** (attempt - 1));
          const d = backoffDelay(attempt, policy, () => r);
          expect(d).toBeGreaterThanOrEqual(Math.max(0, base * (1 - jitter)) - 1e-9);
          expect(d).toBeLessThanOrEqual(Math.min(10_000, base * (1 + jitter)) + 1e-9);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("spreads delays when jitter is set", () => {
    const policy = { initialDelayMs: 1_000, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 };
    expect(backoffDelay(1, policy, () => 0)).toBe(800);
    expect(backoffDelay(1, policy, () => 0.5)).toBe(1_000);
    expect(backoffDelay(1, policy, () => 0.999)).toBeCloseTo(1_199.6, 6);
  });

  it("draws full jitter uniformly below the exponential delay", () => {
    const policy = {
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      multiplier: 2,
      jitter: "full" as const,
    };
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1_000);
    expect(backoffDelay(20, policy, () => 0.999)).toBeCloseTo(29_970, 6);
  });
});
