import { describe, expect, it } from "vitest";
import type {
  FeedEvent,
  MarketEvent,
  QuoteEvent,
  StatusEvent,
  StatusKind,
} from "../../src/events.ts";
import {
  lifecycleProblems,
  pairProblems,
  seqProblems,
  shapeProblems,
  subKey,
  symbolCaseProblems,
} from "./_checks.ts";
import { createRecordingSink } from "./mod.ts";
import { makeQuote } from "../_helpers/quote.ts";
import { makeStatus } from "../_helpers/status.ts";

const st = (kind: StatusKind, epoch: number, extra: Record<string, unknown> = {}): StatusEvent =>
  makeStatus(kind, { source: "x", epoch, recvTs: 0, recvMono: 0 }, extra);

const quote = (seq: number, epoch: number, symbol = "PTT"): QuoteEvent =>
  makeQuote({ source: "x", symbol, seq, epoch });

const lost = st("disconnected", 0, { reason: "lost" });
const retry = st("reconnecting", 0, { attempt: 1, delayMs: 10 });

describe("conformance checks", () => {
  it("accept a well-behaved recording with a reconnect", () => {
    const all: FeedEvent[] = [
      st("connecting", 0),
      st("connected", 0),
      quote(1, 0),
      lost,
      retry,
      st("connecting", 0),
      st("connected", 1),
      quote(2, 1),
      st("disconnected", 1, { reason: "bye" }),
      st("end", 1),
    ];
    expect(lifecycleProblems(all)).toEqual([]);
    expect(shapeProblems(all, "x")).toEqual([]);
  });

  it("flag events after end, a skipped epoch, and an event stamped with an old epoch", () => {
    const all: FeedEvent[] = [
      st("connecting", 0),
      st("connected", 0),
      lost,
      retry,
      st("connecting", 0),
      st("connected", 2),
      quote(1, 0),
      st("disconnected", 2, { reason: "bye" }),
      st("end", 2),
      quote(2, 2),
    ];
    const problems = lifecycleProblems(all).join("\n");
    expect(problems).toContain("should carry epoch 1");
    expect(problems).toContain("should carry epoch 2");
    expect(problems).toContain("after end");
  });

  it("flag a reconnect without disconnected, events while disconnected and end while connected", () => {
    const all: FeedEvent[] = [
      st("connected", 0),
      st("connecting", 0),
      lost,
      quote(1, 0),
      st("connecting", 0),
      st("connected", 1),
      st("end", 1),
    ];
    const problems = lifecycleProblems(all).join("\n");
    expect(problems).toContain("without connecting first");
    expect(problems).toContain("while connected (expected disconnected first)");
    expect(problems).toContain("arrives while disconnected");
    expect(problems).toContain("without disconnected and reconnecting");
    expect(problems).toContain('expected "connecting"');
  });

  it("flag invalid shapes, a wrong source, lower-case symbols, seq going back and unsubscribed pairs", () => {
    const bad = { ...quote(1, 0), bidSize: -1 } as MarketEvent;
    expect(shapeProblems([bad], "x").join()).toContain("bidSize");
    expect(shapeProblems([quote(1, 0)], "y").join()).toContain('expected "y"');
    expect(symbolCaseProblems([quote(1, 0, "ptt")])).toHaveLength(1);
    expect(seqProblems([quote(2, 0), quote(2, 0), quote(1, 0)])).toHaveLength(2);
    const keys = new Set([subKey({ channel: "quote", symbol: "ptt" })]);
    expect(pairProblems([quote(1, 0), quote(2, 0, "AOT")], keys)).toEqual([
      'quote "AOT" (seq 2, epoch 0) answers no subscription ("quote:AOT")',
    ]);
  });

  it("list at most ten problems and count the rest", () => {
    const events = Array.from({ length: 25 }, () => quote(1, 0));
    const problems = seqProblems(events);
    expect(problems).toHaveLength(11);
    expect(problems.at(-1)).toBe("... and 14 more");
  });

  it("record sink calls made after end", () => {
    const rec = createRecordingSink();
    rec.sink.status(st("end", 0));
    rec.sink.event(quote(1, 0));
    rec.sink.status(st("connected", 0));
    expect(rec.afterEnd).toEqual(["event:quote", "status:connected"]);
    expect(rec.all).toHaveLength(3);
  });
});
