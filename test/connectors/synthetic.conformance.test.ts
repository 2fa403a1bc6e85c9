/**
 * The synthetic connector under the shared conformance suite.
 *
 * `triggerReconnect` uses `simulateDisconnect`, a test hook kept in the
 * connector's private `_connector.ts`: it drops the simulated connection at
 * once, and the connector reconnects by itself after a short delay on its clock,
 * exactly as it does for the `disconnectEvery` option.
 */

import { createSyntheticConnector } from "../../connectors/synthetic/mod.ts";
import { simulateDisconnect } from "../../connectors/synthetic/_connector.ts";
import { testConnector } from "../conformance/mod.ts";
import { EVERY_CHANNEL } from "../_helpers/every-channel.ts";

testConnector("synthetic", {
  create: (ctx) => createSyntheticConnector({ seed: 11, rate: 2_000 }, ctx),
  subscriptions: EVERY_CHANNEL,
  minEvents: 100,
  timeoutMs: 5_000,
  triggerReconnect: (connector) => simulateDisconnect(connector, "conformance test"),
});

testConnector("synthetic", {
  create: (ctx) => createSyntheticConnector({ seed: 12, rate: "max", limit: 300 }, ctx),
  subscriptions: [
    { channel: "quote", symbol: "SCB" },
    { channel: "trade", symbol: "SCB" },
  ],
  finite: true,
  timeoutMs: 5_000,
});
