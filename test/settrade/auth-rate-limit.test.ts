import { afterEach, describe, expect, it } from "vitest";
import { RateLimiter, RestClient } from "../../connectors/settrade/auth/rate-limit.ts";
import { ManualClock } from "../../src/clock.ts";
import { isConnectionError } from "../../src/errors.ts";
import type { Reply, TestServer } from "./_auth-server.ts";
import { startServer, until } from "./_auth-server.ts";

/** Wall time on a second boundary that is not a minute boundary. */
const START = 1_700_000_001_000;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const budget = (second: number, minute = 100): Reply => ({
  body: { ok: true },
  headers: {
    "X-RateLimit-Limit-second": "2",
    "X-RateLimit-Limit-minute": "100",
    "X-RateLimit-Remaining-second": String(second),
    "X-RateLimit-Remaining-minute": String(minute),
  },
});

/**
 * Asks `limiter` for a slot and waits until the request sits on the clock.
 * @returns The acquisition and whether it has gone through yet.
 */
async function waiting(
  limiter: RateLimiter,
  clock: ManualClock,
): Promise<{ p: Promise<void>; through: () => boolean }> {
  let through = false;
  const p = limiter.acquire().then(() => {
    through = true;
  });
  await until(() => clock.pending === 1, "the wait on the clock");
  return { p, through: () => through };
}

/** Moves the clock to 1 ms short of `ms`: still held, its timer the one pending; 1 ms more: through. */
async function expectReleasedAfter(
  clock: ManualClock,
  wait: { p: Promise<void>; through: () => boolean },
  ms: number,
): Promise<void> {
  clock.advance(ms - 1);
  expect(clock.pending).toBe(1);
  expect(wait.through()).toBe(false);
  clock.advance(1);
  await wait.p;
  expect(wait.through()).toBe(true);
}

describe("RateLimiter", () => {
  it("reads the four rate-limit headers", () => {
    const clock = new ManualClock(START);
    const limiter = new RateLimiter(clock);
    limiter.update(200, new Headers(budget(1, 42).headers));
    expect(limiter.snapshot()).toEqual({
      limitSecond: 2,
      limitMinute: 100,
      remainingSecond: 1,
      remainingMinute: 42,
      blockedUntil: 0,
    });
    clock.advance(1_000);
    expect(limiter.snapshot().remainingSecond).toBeUndefined();
    expect(limiter.snapshot().remainingMinute).toBe(42);
  });

  it("starts each new window with the announced limit, so concurrent requests cannot overrun it", async () => {
    const clock = new ManualClock(START + 100);
    const limiter = new RateLimiter(clock);
    limiter.update(200, new Headers(budget(0).headers));
    clock.advance(1_000); // a new second: nothing heard from the server in it yet
    let through = 0;
    const all = [1, 2, 3].map(() => limiter.acquire().then(() => through++));
    // The third waits on the clock: until it moves, it cannot get through.
    await until(() => through === 2 && clock.pending === 1, "two through, one waiting");
    expect(through).toBe(2); // the limit of 2 per second, not unlimited
    clock.advance(1_000);
    await Promise.all(all);
    expect(through).toBe(3);
  });

  it("holds a request back until the next second when the second's budget is spent", async () => {
    const clock = new ManualClock(START + 250);
    const limiter = new RateLimiter(clock);
    limiter.update(200, new Headers(budget(0).headers));
    const wait = await waiting(limiter, clock);
    expect(wait.through()).toBe(false);
    await expectReleasedAfter(clock, wait, 750);
  });

  it("honours Retry-After on a 429", async () => {
    const clock = new ManualClock(START);
    const limiter = new RateLimiter(clock);
    limiter.update(429, new Headers({ "Retry-After": "3" }));
    expect(limiter.snapshot().blockedUntil).toBe(START + 3_000);
    await expectReleasedAfter(clock, await waiting(limiter, clock), 3_000);
  });

  it("blocks a 429 without Retry-After until the next window", () => {
    const clock = new ManualClock(START + 400);
    const limiter = new RateLimiter(clock);
    limiter.update(429, new Headers());
    expect(limiter.snapshot().blockedUntil).toBe(START + 1_000);
    limiter.update(429, new Headers({ "X-RateLimit-Remaining-minute": "0" }));
    expect(limiter.snapshot().blockedUntil).toBe(Math.ceil(START / 60_000) * 60_000);
  });

  it("stops waiting when the signal aborts", async () => {
    const clock = new ManualClock(START);
    const limiter = new RateLimiter(clock);
    limiter.update(200, new Headers(budget(0).headers));
    const ac = new AbortController();
    const p = limiter.acquire(ac.signal);
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(clock.pending).toBe(0);
  });
});

describe("RestClient", () => {
  it("sends no more requests per second than the server's remaining budget", async () => {
    const clock = new ManualClock(START);
    const perWindow = new Map<number, number>();
    server = await startServer(() => {
      const w = Math.floor(clock.now() / 1_000);
      const n = (perWindow.get(w) ?? 0) + 1;
      perWindow.set(w, n);
      return budget(Math.max(0, 2 - n));
    });
    let calls = 0;
    const rest = new RestClient({ clock, fetch: (url, init) => (calls++, fetch(url, init)) });
    await rest.request(`${server.url}/first`);
    let answered = 0;
    const all = Promise.all(
      [1, 2, 3].map((i) => rest.request(`${server!.url}/r${i}`).then((r) => (answered++, r))),
    );
    // One answered and two waiting on the clock, with no request of theirs in flight
    // (a request in flight holds its timeout timer): until the clock moves, they cannot go.
    await until(
      () => answered === 1 && calls === 2 && clock.pending === 2,
      "one answered, two waiting on the clock",
    );
    expect(server.requests.length).toBe(2);
    clock.advance(1_000);
    const done = await all;
    expect(done.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(server.requests.length).toBe(4);
    expect([...perWindow.values()].every((n) => n <= 2)).toBe(true);
  });

  it("waits for the next minute when the minute's budget is spent", async () => {
    const clock = new ManualClock(START);
    server = await startServer(() => budget(5, 0));
    let calls = 0;
    const rest = new RestClient({ clock, fetch: (url, init) => (calls++, fetch(url, init)) });
    await rest.request(`${server.url}/a`);
    const p = rest.request(`${server.url}/b`);
    await until(() => calls === 1 && clock.pending === 1, "the wait on the clock");
    clock.advance(1_000);
    // Still waiting on the clock, not sent: a request sent would hold its own timer.
    await until(() => calls === 1 && clock.pending === 1, "the wait for the next minute");
    expect(server.requests.length).toBe(1);
    clock.advance(59_000);
    await p;
    expect(server.requests.length).toBe(2);
  });

  it("resends after a 429 once Retry-After has passed, then gives up", async () => {
    const clock = new ManualClock(START);
    server = await startServer(() => ({ status: 429, headers: { "Retry-After": "2" } }));
    const rest = new RestClient({ clock, maxRetriesOn429: 1 });
    let result: number | undefined;
    const p = rest.request(`${server.url}/busy`).then((r) => {
      result = r.status;
    });
    await until(() => server!.requests.length === 1, "the first request");
    // Parked on the clock for Retry-After: the one timer pending is the wait.
    await until(() => clock.pending === 1, "the Retry-After wait");
    clock.advance(1_999);
    // One millisecond short, the wait still holds and nothing was resent.
    expect(clock.pending).toBe(1);
    expect(server.requests.length).toBe(1);
    clock.advance(1);
    await p;
    expect(server.requests.length).toBe(2);
    expect(result).toBe(429);
  });

  it("turns a refused connection into a ConnectionError naming the path", async () => {
    server = await startServer(() => ({}));
    const url = `${server.url}/gone`;
    await server.close();
    server = undefined;
    const rest = new RestClient();
    const err = await rest.request(url).catch((e: unknown) => e);
    expect(isConnectionError(err)).toBe(true);
    expect((err as Error).message).toContain("request failed: GET");
    expect((err as Error).message).toContain("/gone");
  });
});
