import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createFeed, isConfigError, silentLogger, type StatusEvent } from "tickwire";
import { tickerConnector } from "../../examples/ws-ticker/connector.ts";
import { startFakeVenue } from "./_fake-venue.ts";

const venue = await startFakeVenue();
afterAll(() => venue.close());

/** A feed of `symbol` from the fake venue, as a user of the example would open it. */
function tickerFeed(symbol: string, reconnect?: { initialDelayMs: number; maxDelayMs: number }) {
  return createFeed({
    source: tickerConnector,
    url: venue.url,
    WebSocket: WebSocket as never,
    ...(reconnect === undefined ? {} : { reconnect }),
    symbols: [symbol],
    logger: silentLogger,
  });
}

describe("the ws-ticker example connector", () => {
  it("streams quotes through a feed, skips a bad message and counts it", async () => {
    const feed = await tickerFeed("PTT");
    try {
      let quotes = 0;
      for await (const ev of feed) {
        if (ev.type === "quote") {
          expect(ev).toMatchObject({ source: "ticker", symbol: "PTT", epoch: 0 });
          if (++quotes === 5) venue.sendRaw('{"symbol":"PTT","bid":"not a number"}');
          if (quotes === 20) break;
        }
      }
      expect(feed.health().decodeErrors).toBe(1);
    } finally {
      await feed.close();
    }
  });

  it("reconnects after the venue drops it, with the next epoch", async () => {
    const feed = await tickerFeed("AOT", { initialDelayMs: 10, maxDelayMs: 50 });
    const statuses: StatusEvent[] = [];
    feed.on("status", (s) => statuses.push(s));
    try {
      let dropped = false;
      for await (const ev of feed) {
        if (ev.type !== "quote") continue;
        if (!dropped) {
          dropped = true;
          venue.dropClients();
        } else if (ev.epoch === 1) break;
      }
      expect(statuses.map((s) => s.kind)).toEqual([
        "disconnected",
        "reconnecting",
        "connecting",
        "connected",
      ]);
    } finally {
      await feed.close();
    }
  });

  it("rejects an option it does not know, naming the nearest one", async () => {
    // @ts-expect-error: `ulr` is no option of the ticker connector.
    const err = await createFeed({
      source: tickerConnector,
      ulr: venue.url,
      logger: silentLogger,
    }).catch((e) => e);
    expect(isConfigError(err)).toBe(true);
    expect((err as Error).message).toMatch(/ulr: unknown option; did you mean "url"\?/);
  });
});
