import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dispatcher, type OverflowPolicy } from "../src/dispatcher.ts";
import type { FeedEvent } from "../src/events.ts";
import { makeQuote } from "./_helpers/quote.ts";

type Op =
  | { readonly op: "market" }
  | { readonly op: "status" }
  | { readonly op: "burst"; readonly n: number }
  | { readonly op: "shift" }
  | { readonly op: "poll"; readonly k: number | undefined }
  | { readonly op: "drain" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ op: "market" } as const), weight: 8 },
  { arbitrary: fc.constant({ op: "status" } as const), weight: 2 },
  {
    arbitrary: fc.record({ op: fc.constant("burst" as const), n: fc.integer({ min: 1, max: 32 }) }),
    weight: 1,
  },
  { arbitrary: fc.constant({ op: "shift" } as const), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant("poll" as const),
      k: fc.option(fc.nat({ max: 16 }), { nil: undefined, freq: 8 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ op: "drain" } as const), weight: 1 },
);

const policyArb: fc.Arbitrary<OverflowPolicy> = fc.constantFrom(
  "drop-oldest",
  "drop-newest",
  "block",
);

/** Every event carries its push number in `seq` (statuses in `recvMono`). */
function make(kind: "market" | "status", n: number): FeedEvent {
  return kind === "status"
    ? { type: "status", kind: "end", source: "p", epoch: 0, recvTs: 0, recvMono: n }
    : makeQuote({ source: "p", symbol: "X", seq: n, recvMono: n });
}

/** A plain-array reference of the documented semantics. */
class Model {
  readonly q: FeedEvent[] = [];
  pushed = 0;
  dropped = 0;
  closed = false;
  readonly capacity: number;
  readonly policy: OverflowPolicy;
  constructor(capacity: number, policy: OverflowPolicy) {
    this.capacity = capacity;
    this.policy = policy;
  }

  push(ev: FeedEvent): boolean {
    if (this.closed) return false;
    this.pushed++;
    if (this.policy === "block") {
      this.q.push(ev);
      return this.q.length < this.capacity;
    }
    if (this.q.length < this.capacity || ev.type === "status") {
      this.q.push(ev);
      return true;
    }
    if (this.policy === "drop-newest") {
      this.dropped++;
      return false;
    }
    const oldest = this.q.findIndex((e) => e.type !== "status");
    this.dropped++;
    if (oldest < 0) return false;
    this.q.splice(oldest, 1);
    this.q.push(ev);
    return true;
  }
}

/** Runs queued promise callbacks (a settled promise's `then` runs within two turns). */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 4; i++) await Promise.resolve();
}

interface PendingDrain {
  resolved: boolean;
  /** Whether size has been below capacity (or the dispatcher closed) since the call. */
  hadRoom: boolean;
}

/**
 * Applies `ops` to a dispatcher and to the model, checking them against each other after
 * every step; closes the dispatcher before step `closeAt`, if given.
 */
async function run(
  capacity: number,
  policy: OverflowPolicy,
  ops: readonly Op[],
  closeAt?: number,
): Promise<void> {
  const d = new Dispatcher({ capacity, overflow: policy });
  const model = new Model(capacity, policy);
  const out: FeedEvent[] = [];
  const drains: PendingDrain[] = [];
  let n = 0;
  let statusesIn = 0;
  let highWater = 0;
  const take = (evs: readonly FeedEvent[]): void => {
    expect(evs).toEqual(model.q.splice(0, evs.length));
    out.push(...evs);
  };

  for (let i = 0; i < ops.length; i++) {
    const step = ops[i];
    if (i === closeAt) {
      d.close();
      model.closed = true;
    }
    switch (step.op) {
      case "market":
      case "status": {
        const ev = make(step.op, ++n);
        if (ev.type === "status" && !d.closed) statusesIn++;
        expect(d.push(ev)).toBe(model.push(ev));
        break;
      }
      case "burst":
        for (let j = 0; j < step.n; j++) {
          const ev = make("market", ++n);
          expect(d.push(ev)).toBe(model.push(ev));
          const c = d.counters();
          expect(c.pushed - c.dropped - c.polled).toBe(c.size);
        }
        break;
      case "shift": {
        const ev = d.shift();
        expect(ev === undefined).toBe(model.q.length === 0);
        if (ev !== undefined) take([ev]);
        break;
      }
      case "poll": {
        const evs = d.poll(step.k);
        expect(evs.length).toBe(Math.min(step.k ?? Infinity, model.q.length));
        take(evs);
        break;
      }
      case "drain": {
        const pending: PendingDrain = { resolved: false, hadRoom: false };
        drains.push(pending);
        void d.drain().then(() => {
          pending.resolved = true;
        });
        break;
      }
    }
    await flushMicrotasks();

    const c = d.counters();
    highWater = Math.max(highWater, model.q.length);
    expect(c.pushed - c.dropped - c.polled).toBe(c.size);
    expect(c).toMatchObject({
      pushed: model.pushed,
      dropped: model.dropped,
      polled: out.length,
      size: model.q.length,
      highWater,
    });
    if (policy === "block") expect(c.dropped).toBe(0);
    else expect(model.q.filter((e) => e.type !== "status").length).toBeLessThanOrEqual(capacity);
    const room = c.size < capacity || d.closed;
    for (const p of drains) {
      p.hadRoom ||= room;
      expect(p.resolved).toBe(p.hadRoom);
    }
  }

  take(d.poll());
  expect(d.size).toBe(0);
  // FIFO: what comes out is in push order.
  const numbers = out.map((e) => e.recvMono);
  expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  // Every status pushed while open comes out exactly once.
  const statusesOut = out.filter((e) => e.type === "status");
  expect(new Set(statusesOut.map((e) => e.recvMono)).size).toBe(statusesOut.length);
  expect(statusesOut.length).toBe(statusesIn);
  // Drops are exactly the pushed events that never came out.
  expect(d.dropped).toBe(d.pushed - out.length);
}

describe("Dispatcher properties", () => {
  it("random interleavings keep counters exact, order FIFO and status events intact", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 64 }),
        policyArb,
        fc.array(opArb, { maxLength: 250, size: "max" }),
        fc.option(fc.nat({ max: 250 }), { nil: undefined }),
        run,
      ),
      { numRuns: 100 },
    );
  });

  it("status events survive heavy overflow under every policy", async () => {
    const heavy = fc.array(
      fc.oneof(
        { arbitrary: fc.constant({ op: "market" } as const), weight: 6 },
        { arbitrary: fc.constant({ op: "status" } as const), weight: 3 },
        { arbitrary: fc.constant({ op: "shift" } as const), weight: 1 },
      ),
      { maxLength: 250, size: "max" },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        policyArb,
        heavy,
        (capacity, policy, ops) => run(capacity, policy, ops),
      ),
      { numRuns: 60 },
    );
  });
});
