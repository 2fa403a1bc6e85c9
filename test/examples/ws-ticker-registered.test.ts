import { afterAll, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createFeed, registerConnector, silentLogger, unregisterConnector } from "tickwire";
import { tickerConnector, type TickerOptions } from "../../examples/ws-ticker/connector.ts";
import { startFakeVenue } from "./_fake-venue.ts";

declare module "tickwire" {
  interface ConnectorOptionsMap {
    ticker: TickerOptions;
  }
}

const venue = await startFakeVenue();
afterAll(async () => {
  unregisterConnector("ticker");
  await venue.close();
});

/** Compile-time checks: tsc fails if any line below compiles. */
export function typeChecks(): void {
  // @ts-expect-error: `ulr` is no option of the declared ticker connector.
  void createFeed({ source: "ticker", ulr: "ws://127.0.0.1:1" });
}

it("a registered connector is found by name, its options checked as declared", async () => {
  registerConnector("ticker", tickerConnector);
  const feed = await createFeed({
    source: "ticker",
    url: venue.url,
    WebSocket: WebSocket as never,
    symbols: ["PTT"],
    logger: silentLogger,
  });
  try {
    for await (const ev of feed) if (ev.type === "quote") break;
    expect(feed.source).toBe("ticker");
  } finally {
    await feed.close();
  }
});
