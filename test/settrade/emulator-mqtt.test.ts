import { fromBinary } from "@bufbuild/protobuf";
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { moneyToNumber } from "../../connectors/settrade/decode/money.ts";
import {
  type SettradeEmulator,
  startSettradeEmulator,
} from "../../connectors/settrade/emulator/mod.ts";
import { tickSize } from "../../connectors/synthetic/mod.ts";
import { ManualClock } from "../../src/clock.ts";
import type { Money } from "../../connectors/settrade/gen/google/type/money_pb.ts";
import { BidOfferV3Schema } from "../../connectors/settrade/gen/settrade/v3/bid_offer_pb.ts";
import { CandlestickV3Schema } from "../../connectors/settrade/gen/settrade/v3/candlestick_pb.ts";
import {
  DerivExchangeInfoV3Schema,
  EquityExchangeInfoV3Schema,
} from "../../connectors/settrade/gen/settrade/v3/exchange_info_pb.ts";
import { InfoV3Schema } from "../../connectors/settrade/gen/settrade/v3/info_pb.ts";
import {
  closeClient,
  connectMqtt,
  dispatcherToken,
  record,
  subscribe,
  until,
} from "./_emulator-helpers.ts";

const T0 = 1_750_000_000_000;
const ERRORS = "$sys/u/_broker/_uref/error/subscribe";
const BOOK = "proto/topic/bidofferv3/PTT";

let emulator: SettradeEmulator | undefined;
const clients: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => closeClient(c)));
  await emulator?.stop();
  emulator = undefined;
});

const price = (
  m: Money | undefined,
): number => (m === undefined ? 0 : moneyToNumber(Number(m.units), m.nanos));

/** An emulator on a manual clock: nothing is published until the test advances it. */
async function manual(extra: Parameters<typeof startSettradeEmulator>[0] = {}) {
  const clock = new ManualClock(T0);
  emulator = await startSettradeEmulator({
    clock,
    seed: 7,
    rate: 100,
    symbols: ["PTT", "AOT"],
    ...extra,
  });
  const tokens = await dispatcherToken(emulator, T0);
  return { clock, emulator, tokens };
}

async function connected(url: string, token: string): Promise<MqttClient> {
  const attempt = await connectMqtt(url, token);
  clients.push(attempt.client);
  expect(attempt.connected).toBe(true);
  return attempt.client;
}

/** A connected client subscribed to PTT's book; the messages it receives. */
async function bookReader(
  emulator: SettradeEmulator,
  token: string,
): Promise<{ topic: string; payload: Uint8Array }[]> {
  const client = await connected(emulator.mqttUrl, token);
  const got = record(client);
  await subscribe(client, [BOOK]);
  await until(() => emulator.subscriptions().includes(BOOK), "the subscription");
  return got;
}

/** Advances the clock in steps until `cond` holds (bounded). */
async function pump(clock: ManualClock, cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) {
    clock.advance(100);
    await new Promise((r) => setTimeout(r, 5));
  }
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe("settrade emulator: MQTT upgrade", () => {
  it("accepts a valid dispatcher token and refuses a missing or wrong one", async () => {
    const { emulator, tokens } = await manual();
    const url = `ws://${tokens.hosts[0]}/api/dispatcher/v3/098/mqtt`;
    expect(url).toBe(emulator.mqttUrl);
    for (const token of [undefined, "wrong"]) {
      const attempt = await connectMqtt(url, token);
      clients.push(attempt.client);
      expect(attempt.connected).toBe(false);
    }
    await connected(url, tokens.token);
    expect(emulator.stats()).toMatchObject({
      upgradesRefused: 2,
      connections: 1,
      openConnections: 1,
    });
  });

  it("refuses an expired token and closes the connection made with it at expiry", async () => {
    const { clock, emulator, tokens } = await manual();
    const client = await connected(emulator.mqttUrl, tokens.token);
    let closed = false;
    client.on("close", () => (closed = true));
    emulator.expireTokensAfter(2);
    clock.advance(2_000);
    await until(() => closed, "the connection to close");
    const again = await connectMqtt(emulator.mqttUrl, tokens.token);
    clients.push(again.client);
    expect(again.connected).toBe(false);
  });

  it("refuses revoked dispatcher tokens on the next upgrade", async () => {
    const { emulator, tokens } = await manual();
    await connected(emulator.mqttUrl, tokens.token);
    emulator.revokeDispatcherTokens();
    const again = await connectMqtt(emulator.mqttUrl, tokens.token);
    clients.push(again.client);
    expect(again.connected).toBe(false);
    expect(emulator.stats().openConnections).toBe(1);
  });

  it("drops every connection on demand", async () => {
    const { emulator, tokens } = await manual();
    const a = await connected(emulator.mqttUrl, tokens.token);
    const b = await connected(emulator.mqttUrl, tokens.token);
    let closed = 0;
    a.on("close", () => closed++);
    b.on("close", () => closed++);
    expect(emulator.dropConnections()).toBe(2);
    await until(() => closed === 2, "both clients to close");
    await until(() => emulator.stats().openConnections === 0, "the emulator to forget them");
  });
});

describe("settrade emulator: publishing", () => {
  it("publishes ten-level books on the tick ladder for a subscribed symbol", async () => {
    const { clock, emulator, tokens } = await manual();
    const got = await bookReader(emulator, tokens.token);
    await pump(clock, () => got.length >= 5, "five books");
    for (const { topic, payload } of got) {
      expect(topic).toBe(BOOK);
      const m = fromBinary(BidOfferV3Schema, payload) as unknown as Record<string, any>;
      expect(m.symbol).toBe("PTT");
      expect(m.bidFlag).toBe(1);
      expect(m.askFlag).toBe(1);
      const bids = Array.from({ length: 10 }, (_, i) => price(m[`bidPrice${i + 1}`]));
      const asks = Array.from({ length: 10 }, (_, i) => price(m[`askPrice${i + 1}`]));
      expect(bids[0]).toBeLessThan(asks[0]);
      for (let i = 0; i < 10; i++) {
        for (const p of [bids[i], asks[i]]) {
          expect(p).toBeGreaterThan(0);
          expect(Math.round(p * 100) % Math.round(tickSize(p) * 100)).toBe(0);
        }
        if (i > 0) {
          expect(bids[i]).toBeLessThan(bids[i - 1]);
          expect(asks[i]).toBeGreaterThan(asks[i - 1]);
        }
        expect(Number(m[`bidVolume${i + 1}`]) % 100).toBe(0);
      }
    }
    expect(emulator.published).toBeGreaterThanOrEqual(got.length);
  });

  it("publishes info, candlesticks and exchange info on their topics", async () => {
    const { clock, emulator, tokens } = await manual();
    const client = await connected(emulator.mqttUrl, tokens.token);
    const got = record(client);
    const topics = [
      "proto/topic/infov3/PTT",
      "proto/topic/cdlv3/PTT/1m",
      "proto/topic/cdlv3/PTT/5m",
      "proto/topic/exchinfoeqv3/SET",
      "proto/topic/exchinfodvv3/TFEX",
    ];
    await subscribe(client, topics);
    await until(() => emulator.subscriptions().length === topics.length, "the subscriptions");
    const seen = (t: string) => got.find((m) => m.topic === t)?.payload;
    await pump(clock, () => topics.every((t) => seen(t) !== undefined), "every topic");
    const info = fromBinary(InfoV3Schema, seen(topics[0])!);
    expect(info.symbol).toBe("PTT");
    expect(price(info.last)).toBeGreaterThan(0);
    for (const [topic, interval] of [[topics[1], "1m"], [topics[2], "5m"]]) {
      const bar = fromBinary(CandlestickV3Schema, seen(topic!)!);
      expect(bar.interval).toBe(interval);
      expect(price(bar.high)).toBeGreaterThanOrEqual(price(bar.low));
      expect(Number(bar.time!.seconds) % (interval === "5m" ? 300 : 60)).toBe(0);
    }
    expect(fromBinary(EquityExchangeInfoV3Schema, seen(topics[3])!).marketInfo?.name).toBe("SET");
    expect(fromBinary(DerivExchangeInfoV3Schema, seen(topics[4])!).marketInfo?.name).toBe("TFEX");
  });

  it("answers an unknown symbol or market on the subscription-error topic", async () => {
    const { emulator, tokens } = await manual();
    const client = await connected(emulator.mqttUrl, tokens.token);
    const got = record(client);
    await subscribe(client, [
      ERRORS,
      "proto/topic/bidofferv3/NOPE",
      "proto/topic/exchinfoeqv3/MAI",
    ]);
    await until(() => got.length === 2, "two subscription errors");
    const errors = got.map((m) => {
      expect(m.topic).toBe(ERRORS);
      return JSON.parse(new TextDecoder().decode(m.payload));
    });
    expect(errors[0]).toMatchObject({ topic: "proto/topic/bidofferv3/NOPE", code: "E404" });
    expect(errors[0].message).toContain("NOPE");
    expect(errors[1]).toMatchObject({ topic: "proto/topic/exchinfoeqv3/MAI", code: "E404" });
    expect(emulator.subscriptions()).toEqual([]);
  });

  it("stops publishing during a stall and resumes after it", async () => {
    const { clock, emulator, tokens } = await manual();
    const got = await bookReader(emulator, tokens.token);
    await pump(clock, () => got.length >= 1, "a first book");
    emulator.stall(10_000);
    const before = emulator.published;
    clock.advance(5_000);
    expect(emulator.published).toBe(before);
    expect(emulator.stats().stalled).toBeGreaterThan(0);
    clock.advance(5_000);
    await pump(clock, () => emulator.published > before, "publishing to resume");
    await until(() => got.length >= emulator.published, "the client to catch up");
  });

  it("sends malformed payloads when asked, then valid ones again", async () => {
    const { clock, emulator, tokens } = await manual();
    const got = await bookReader(emulator, tokens.token);
    await pump(clock, () => got.length >= 1, "a first book");
    await until(() => got.length === emulator.published, "the client to catch up");
    const start = got.length;
    emulator.sendMalformed(3);
    await pump(clock, () => got.length >= start + 5, "five more payloads");
    const decodes = got.slice(start, start + 5).map((m) => {
      try {
        fromBinary(BidOfferV3Schema, m.payload);
        return true;
      } catch {
        return false;
      }
    });
    expect(decodes).toEqual([false, false, false, true, true]);
    expect(emulator.stats().malformed).toBe(3);
  });

  it("stops the synthetic subscription when the last subscriber leaves", async () => {
    const { emulator, tokens } = await manual();
    const a = await connected(emulator.mqttUrl, tokens.token);
    const b = await connected(emulator.mqttUrl, tokens.token);
    await subscribe(a, [BOOK]);
    await subscribe(b, [BOOK, "proto/topic/infov3/AOT"]);
    await until(() => emulator.subscriptions().length === 2, "two topics");
    await new Promise<void>((resolve) => a.unsubscribe(BOOK, () => resolve()));
    expect(emulator.subscriptions()).toEqual([
      "proto/topic/bidofferv3/PTT",
      "proto/topic/infov3/AOT",
    ]);
    await closeClient(b);
    await until(() => emulator.subscriptions().length === 0, "no topics");
  });
});
