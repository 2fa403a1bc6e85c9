import { describe, expect, it } from "vitest";
import { ManualClock, type Stamp, Stamper } from "../src/mod.ts";

const BODY = {
  type: "trade",
  symbol: "PTT",
  price: 34.25,
  size: 100,
  side: "buy",
} as const;

describe("Stamper", () => {
  it("stamps source, the next seq, the clock's times and the epoch, and no origin of its own", () => {
    const clock = new ManualClock(1_700_000_000_000, 500);
    const stamper = new Stamper("venue", clock);
    const first = stamper.event(BODY);
    expect(first).toEqual({
      ...BODY,
      source: "venue",
      seq: 1,
      recvTs: 1_700_000_000_000,
      recvMono: 500,
      epoch: 0,
    });
    expect(first).not.toHaveProperty("origin");
    clock.advance(250);
    stamper.stamp.epoch = 2;
    expect(stamper.event(BODY)).toMatchObject({ seq: 2, recvMono: 750, epoch: 2 });
  });

  it("shares one sequence between nextSeq() and event()", () => {
    const stamper = new Stamper("venue", new ManualClock());
    expect(stamper.nextSeq()).toBe(1);
    expect(stamper.nextSeq()).toBe(2);
    expect(stamper.event(BODY).seq).toBe(3);
    expect(stamper.stamp.seq).toBe(4);
  });

  it("adopts a given stamp, setting its source, and copies its origin onto events", () => {
    const stamp: Stamp = {
      source: "",
      seq: 10,
      recvTs: 0,
      recvMono: 0,
      epoch: 1,
      origin: "settrade",
    };
    const stamper = new Stamper("replay", new ManualClock(), stamp);
    expect(stamper.stamp).toBe(stamp);
    expect(stamp.source).toBe("replay");
    expect(stamper.event(BODY)).toMatchObject({
      source: "replay",
      seq: 10,
      epoch: 1,
      origin: "settrade",
    });
  });
});
