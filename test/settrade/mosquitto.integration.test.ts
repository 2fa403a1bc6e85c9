/**
 * The Settrade connector's transport against the machine's Mosquitto, a broker
 * we did not write: real encoded payloads published with a plain MQTT client,
 * received as decoded events through the connector's direct mode over TCP on
 * 127.0.0.1:1883 (never Mosquitto's WebSocket listener, which binds to every
 * address). Runs only with TICKWIRE_INTEGRATION=1 and a broker answering there.
 */
import { Buffer } from "node:buffer";
import { createConnection } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { bidOfferBytes, infoBytes } from "./_fixtures.ts";
import {
  disconnectAll,
  FAST_RECONNECT,
  harness,
  seqProblems,
  until,
} from "./_connector-harness.ts";

const URL = "mqtt://127.0.0.1:1883";

function envFlag(): boolean {
  try {
    return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
      .TICKWIRE_INTEGRATION === "1";
  } catch {
    return false;
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

const enabled = envFlag() && await answers(1883);
const suite = enabled ? describe : describe.skip;

let publisher: MqttClient | undefined;
async function publish(topic: string, payload: Uint8Array): Promise<void> {
  if (publisher === undefined) {
    const mqtt = await import("mqtt");
    publisher = await mqtt.connectAsync(URL, { protocolVersion: 4, reconnectPeriod: 0 });
  }
  await publisher.publishAsync(topic, Buffer.from(payload), { qos: 0 });
}

afterAll(async () => {
  await disconnectAll();
  await publisher?.endAsync();
});

suite("the Settrade connector through Mosquitto", () => {
  const symbol = `TW${Math.floor(Math.random() * 1e6)}`;

  it("receives payloads published by another client as decoded events", async () => {
    const h = harness({ brokerUrl: URL, reconnect: FAST_RECONNECT });
    await h.connector.subscribe({ channel: "quote", symbol });
    await h.connector.subscribe({ channel: "book", symbol });
    await h.connector.subscribe({ channel: "info", symbol });
    await h.connector.connect(AbortSignal.timeout(5_000));
    await publish(
      `proto/topic/bidofferv3/${symbol}`,
      bidOfferBytes({
        symbol,
        bids: [{ price: "12.30", size: 400 }],
        asks: [{ price: "12.40", size: 900 }],
      }),
    );
    await publish(
      `proto/topic/infov3/${symbol}`,
      infoBytes({ symbol, last: "12.3", totalVolume: 1_000 }),
    );
    await publish(`proto/topic/bidofferv3/${symbol}`, new Uint8Array([0x0a, 0x40]));
    await until(() => h.rec.events.length >= 3 && h.rec.decodeErrors.length === 1, "three events");
    expect(h.rec.events.map((e) => e.type)).toEqual(["quote", "book", "info"]);
    expect(h.rec.events[0]).toMatchObject({
      symbol,
      bid: 12.3,
      ask: 12.4,
      bidSize: 400,
      askSize: 900,
    });
    expect(h.rec.events[2]).toMatchObject({ symbol, last: 12.3, totalVolume: 1_000 });
    expect(seqProblems(h.rec.events)).toEqual([]);
    expect(h.connector.health().decodeErrors).toBe(1);
  });
});
