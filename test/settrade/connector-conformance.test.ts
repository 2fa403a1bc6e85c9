/**
 * The Settrade connector under the shared conformance suite, against the
 * Settrade emulator on 127.0.0.1. `triggerReconnect` drops every MQTT
 * connection from the broker side; the connector must reconnect on its own.
 */
import { afterAll } from "vitest";
import { startSettradeEmulator } from "../../connectors/settrade/emulator/mod.ts";
import { createSettradeConnector } from "../../connectors/settrade/mod.ts";
import { testConnector } from "../conformance/mod.ts";
import { EVERY_CHANNEL } from "./_connector-harness.ts";

const emulator = await startSettradeEmulator({ seed: 21, rate: 60 });

afterAll(async () => {
  await emulator.stop();
});

testConnector("settrade", {
  create: (ctx) =>
    createSettradeConnector({
      ...emulator.connectorOptions(),
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    }, ctx),
  subscriptions: EVERY_CHANNEL,
  minEvents: 60,
  timeoutMs: 5_000,
  triggerReconnect: () => {
    emulator.dropConnections();
  },
});
