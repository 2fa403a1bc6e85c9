import { afterAll } from "vitest";
import { WebSocket } from "ws";
import { testConnector } from "tickwire/testing";
import { tickerConnector } from "../../examples/ws-ticker/connector.ts";
import { startFakeVenue } from "./_fake-venue.ts";

const venue = await startFakeVenue();
afterAll(() => venue.close());

testConnector("ticker", {
  create: (ctx) =>
    tickerConnector.create(
      tickerConnector.parseOptions({ url: venue.url, WebSocket: WebSocket as never }),
      ctx,
    ),
  subscriptions: [{ channel: "quote", symbol: "PTT" }, { channel: "quote", symbol: "AOT" }],
  minEvents: 20,
  timeoutMs: 5_000,
  triggerReconnect: () => venue.dropClients(),
});
