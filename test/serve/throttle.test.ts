import { afterEach, describe, expect, it } from "vitest";
import { createFeed } from "../../mod.ts";
import { ManualClock } from "../../src/clock.ts";
import type { Feed } from "../../src/feed.ts";
import { silentLogger } from "../../src/log.ts";
import { type FeedServer, serveFeed } from "../../serve/mod.ts";
import type { ServeOptions } from "../../serve/options.ts";
import {
  lastScripted,
  type ScriptedConnector,
  scriptedConnector,
} from "../_helpers/scripted-connector.ts";
import { type Msg, Recorder } from "./_helpers.ts";

let feed: Feed | undefined;
let server: FeedServer | undefined;
const clients: Recorder[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  await feed?.close();
  server = feed = undefined;
});

/** A scripted feed and its server on one manual clock: time moves only when the test says. */
async function start(
  options: ServeOptions = {},
): Promise<{ clock: ManualClock; src: ScriptedConnector; c: Recorder }> {
  const clock = new ManualClock();
  feed = await createFeed({
    source: scriptedConnector,
    clock,
    logger: silentLogger,
    buffer: false,
  });
  const src = lastScripted();
  server = await serveFeed(feed, { port: 0, logger: silentLogger, clock, ...options });
  const c = new Recorder(`${server.url.replace("http", "ws")}/ws`);
  clients.push(c);
  await c.opened;
  return { clock, src, c };
}

const of = (c: Recorder, type: string, symbol: string): Msg[] =>
  c.messages.filter((m) => m.type === type && m.symbol === symbol);

/** Every write of the flush a ping triggers has arrived once its pong has (one socket, in order). */
let pings = 0;
async function settle(c: Recorder): Promise<void> {
  const id = `settle-${++pings}`;
  c.send({ op: "ping", id });
  await c.next((m) => m.type === "pong" && m.id === id, `pong ${id}`);
}

describe("serve throttle, on a manual clock", () => {
  it("throttles per (channel, symbol): a busy key holds back neither its symbol's other channel nor another symbol", async () => {
    const { clock, src, c } = await start();
    c.send({ op: "subscribe", symbols: ["PTT", "AOT"], channels: ["quote", "book"], id: 1 });
    expect(await c.next((m) => m.type === "ack", "ack")).toMatchObject({ maxRate: 10 });

    src.quote("PTT", 1); // the first value of a quiet key goes at once
    await c.next((m) => m.type === "quote" && m.symbol === "PTT", "the first PTT quote");
    for (let bid = 2; bid <= 20; bid++) src.quote("PTT", bid); // held: 10 a second by default
    src.book("PTT", 1); // same symbol, other channel: its own key
    src.quote("AOT", 1); // other symbol, same channel: its own key
    await c.next((m) => m.type === "book" && m.symbol === "PTT", "the PTT book");
    await c.next((m) => m.type === "quote" && m.symbol === "AOT", "the AOT quote");
    await settle(c);
    expect(of(c, "quote", "PTT").map((m) => m.bid)).toEqual([1]);

    clock.advance(99);
    await settle(c);
    expect(of(c, "quote", "PTT")).toHaveLength(1);
    clock.advance(1); // 100 ms after the first: the latest value, and only it
    await c.next((m) => m.type === "quote" && m.symbol === "PTT" && m.bid === 20, "PTT at 100 ms");
    await settle(c);
    expect(of(c, "quote", "PTT").map((m) => m.bid)).toEqual([1, 20]);
    expect(server!.counters().conflated).toBe(18);

    // Sustained: 1,000 quotes a second for 2 s on one key get through at 10 a second.
    for (let ms = 0; ms < 2_000; ms++) {
      src.quote("PTT", 100 + ms);
      await null; // the flush the quote queued runs, as it would between two socket reads
      clock.advance(1);
    }
    await settle(c);
    const n = of(c, "quote", "PTT").length - 2;
    expect(n).toBeGreaterThanOrEqual(19);
    expect(n).toBeLessThanOrEqual(21);
    // The other keys got nothing new, and nothing was lost: only conflated.
    expect(of(c, "quote", "AOT")).toHaveLength(1);
    expect(of(c, "book", "PTT")).toHaveLength(1);
    expect(server!.counters().dropped).toBe(0);
  });

  it("lets a client ask for a lower rate, or a higher one up to the server's limit", async () => {
    const { clock, src, c } = await start({ maxRate: 20 });
    c.send({ op: "subscribe", symbols: ["PTT"], channels: ["quote"], maxRate: 2, id: 1 });
    expect(await c.next((m) => m.id === 1, "ack")).toMatchObject({ type: "ack", maxRate: 2 });
    src.quote("PTT", 1);
    await c.next((m) => m.type === "quote" && m.bid === 1, "the first quote");
    src.quote("PTT", 2);
    clock.advance(499);
    await settle(c);
    expect(of(c, "quote", "PTT")).toHaveLength(1);
    clock.advance(1);
    await c.next((m) => m.type === "quote" && m.bid === 2, "the quote at 500 ms");

    c.send({ op: "subscribe", symbols: ["PTT"], channels: ["quote"], maxRate: 1_000, id: 2 });
    expect(await c.next((m) => m.id === 2, "ack")).toMatchObject({
      type: "ack",
      maxRate: 20,
      note: "maxRate capped at the server's limit of 20",
    });
    await settle(c);
    const before = of(c, "quote", "PTT").length; // the new rate re-sends the latest once
    src.quote("PTT", 3);
    src.quote("PTT", 4);
    clock.advance(49);
    await settle(c);
    expect(of(c, "quote", "PTT").length).toBe(before);
    clock.advance(1);
    await c.next((m) => m.type === "quote" && m.bid === 4, "the quote at 50 ms");
  });

  it("drops an update older than maxAgeMs when its turn comes, and counts it", async () => {
    const { clock, src, c } = await start({ defaultRate: 1, maxAgeMs: 300 });
    c.send({ op: "subscribe", symbols: ["PTT"], channels: ["quote"], id: 1 });
    await c.next((m) => m.id === 1, "ack");
    src.quote("PTT", 1);
    await c.next((m) => m.type === "quote" && m.bid === 1, "the first quote");
    src.quote("PTT", 2); // must wait 1 s for its rate, but lives only 300 ms
    clock.advance(1_000);
    await settle(c);
    expect(of(c, "quote", "PTT").map((m) => m.bid)).toEqual([1]);
    expect(server!.counters().dropped).toBe(1);
    src.quote("PTT", 3); // fresh, and the key is free again
    await c.next((m) => m.type === "quote" && m.bid === 3, "a fresh quote");
  });
});
