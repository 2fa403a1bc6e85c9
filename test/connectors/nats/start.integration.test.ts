import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFeed, type Feed } from "../../../mod.ts";
import { publishFeed } from "../../../connectors/nats/mod.ts";
import type { FeedEvent, MarketEvent } from "../../../src/events.ts";
import { silentLogger } from "../../../src/log.ts";
import { NatsServer, skipReason, waitFor } from "./_server.ts";

const skip = skipReason();
if (skip !== undefined) console.warn(`[skip] ${skip}`);

const SYMBOLS = ["PTT", "AOT"];

async function publish(url: string, limit: number, seed: number): Promise<void> {
  const source = await createFeed({
    source: "synthetic",
    symbols: SYMBOLS,
    channels: ["quote", "trade"],
    seed,
    rate: "max",
    limit,
    capacity: 100_000,
    logger: silentLogger,
  } as never);
  const pub = await publishFeed(source, { servers: url, stream: "START", logger: silentLogger });
  await pub.done();
  await pub.close();
  await source.close();
}

function reader(url: string, extra: Record<string, unknown>) {
  const market: MarketEvent[] = [];
  const feed = createFeed({
    source: "nats",
    servers: url,
    stream: "START",
    symbols: SYMBOLS,
    channels: ["quote", "trade"],
    stamps: "original",
    capacity: 100_000,
    logger: silentLogger,
    ...extra,
  } as never).then((f: Feed) => {
    void (async () => {
      for await (const ev of f as AsyncIterable<FeedEvent>) {
        if (ev.type !== "status") market.push(ev);
      }
    })();
    return f;
  });
  return { feed, market };
}

describe.skipIf(skip !== undefined)("nats connector start positions and durable consumers", () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await NatsServer.start();
    await publish(server.url, 400, 1);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('"last" gives the last event of each subject, then live ones', async () => {
    const r = reader(server.url, { start: "last" });
    const feed = await r.feed;
    await waitFor("the current state", () => r.market.length >= 4);
    const keys = r.market.slice(0, 4).map((e) => `${e.type}.${e.symbol}`).sort();
    expect(keys).toEqual(["quote.AOT", "quote.PTT", "trade.AOT", "trade.PTT"]);
    await feed.close();
  });

  it("a stream sequence and a time start where asked", async () => {
    const bySeq = reader(server.url, { start: { seq: 100 } });
    const f1 = await bySeq.feed;
    await waitFor("events from 100", () => bySeq.market.length > 0);
    expect(bySeq.market[0]!.streamSeq).toBeGreaterThanOrEqual(100);
    await f1.close();
    // A start time after everything in the stream: only what is published
    // after it arrives. One event published once that time has passed is the
    // barrier: the stream delivers in order, so an older event would come first.
    const at = Date.now() + 200;
    const byTime = reader(server.url, { start: { time: at } });
    const f2 = await byTime.feed;
    await waitFor("the start time to pass", () => Date.now() > at + 10);
    await publish(server.url, 1, 3);
    await waitFor(
      "the event published after the start time",
      () => byTime.market.some((e) => e.recvTs > at),
    );
    expect(byTime.market.map((e) => e.recvTs > at)).toStrictEqual([true]);
    await f2.close();
  });

  it("a durable consumer resumes where the last process stopped, with no duplicate", async () => {
    const first = reader(server.url, { start: "all", durable: "D1" });
    const f1 = await first.feed;
    await waitFor("the first 400", () => first.market.length >= 400);
    await f1.close();
    await publish(server.url, 200, 2);
    const second = reader(server.url, { start: "all", durable: "D1" });
    const f2 = await second.feed;
    await waitFor("the next 200", () => second.market.length >= 200);
    // A marker after them: anything delivered twice would come before it.
    await publish(server.url, 1, 3);
    await waitFor("the marker", () => second.market.length >= 201);
    const a = first.market.map((e) => e.streamSeq!);
    const b = second.market.slice(0, -1).map((e) => e.streamSeq!);
    expect(second.market).toHaveLength(201);
    expect(Math.min(...b)).toBeGreaterThan(Math.max(...a));
    await f2.close();
  });
});
