import { afterAll, describe, it } from "vitest";
import { createFeed } from "../../../mod.ts";
import { createNatsConnector, publishFeed } from "../../../connectors/nats/mod.ts";
import { silentLogger } from "../../../src/log.ts";
import { testConnector } from "../../conformance/mod.ts";
import { TcpProxy } from "./_proxy.ts";
import { NatsServer, skipReason } from "./_server.ts";

const skip = skipReason();

if (skip !== undefined) {
  describe("connector conformance: nats", () => {
    it.skip(`skipped: ${skip}`, () => {});
  });
} else {
  const server = await NatsServer.start();
  const proxy = await TcpProxy.start(server.port);
  const feed = await createFeed({
    source: "synthetic",
    symbols: ["PTT", "AOT"],
    channels: ["quote", "trade", "book"],
    rate: 100,
    seed: 3,
    logger: silentLogger,
  } as never);
  const publisher = await publishFeed(feed, { servers: server.url, logger: silentLogger });

  afterAll(async () => {
    await feed.close();
    await publisher.close();
    await proxy.close();
    await server.dispose();
  });

  testConnector("nats", {
    create: (ctx) =>
      createNatsConnector({ servers: proxy.url, reconnect: { initialDelayMs: 50 } }, ctx),
    subscriptions: [
      { channel: "quote", symbol: "PTT" },
      { channel: "trade", symbol: "PTT" },
      { channel: "quote", symbol: "AOT" },
    ],
    minEvents: 30,
    timeoutMs: 10_000,
    triggerReconnect: () => proxy.dropClients(),
  });
}
