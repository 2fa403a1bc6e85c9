/**
 * The Settrade connector in its direct mode (`brokerUrl`) against an in-process
 * aedes broker on 127.0.0.1: decoding on the hot path, the want flags of the
 * shared book topic, subscriptions before and after connect, decode errors,
 * the reconnect loop, bounded attempts, aborting and subscription errors.
 */
import { afterEach, describe, expect, it } from "vitest";
import { isConnectionError } from "../../src/errors.ts";
import type { QuoteEvent } from "../../src/events.ts";
import { SUBSCRIBE_ERROR_TOPIC } from "../../connectors/settrade/mod.ts";
import { bidOfferBytes, infoBytes } from "./_fixtures.ts";
import { brokerAroundTests, startTestBroker } from "./_mqtt-broker.ts";
import {
  disconnectAll,
  FAST_RECONNECT,
  type Harness,
  harness,
  lifecycleProblems,
  rejection,
  seqProblems,
  until,
} from "./_connector-harness.ts";

const BOOK = "proto/topic/bidofferv3/PTT";
const book = (bid: string): Uint8Array =>
  bidOfferBytes({
    symbol: "PTT",
    bids: [{ price: bid, size: 1_000 }],
    asks: [{ price: "34.50", size: 500 }],
  });

const broker = brokerAroundTests({ refuseTopics: ["proto/topic/infov3/NOPE"] });
afterEach(disconnectAll);

/** The address of a broker that has stopped: every connection to it is refused. */
async function refusedUrl(): Promise<string> {
  const gone = await startTestBroker();
  await gone.stop();
  return gone.tcpUrl;
}

/** A connector that retries a broker nobody answers, ten seconds apart: it stays retrying. */
async function retryingHarness(): Promise<Harness> {
  return harness({
    brokerUrl: await refusedUrl(),
    reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000 },
  });
}

describe("the Settrade connector on a plain broker", () => {
  it("decodes one book payload into a quote and a book with consecutive seq", async () => {
    const h = harness({ brokerUrl: broker.current.tcpUrl });
    await h.connector.subscribe({ channel: "quote", symbol: "ptt" });
    await h.connector.subscribe({ channel: "book", symbol: "PTT" });
    await h.connector.connect();
    expect(h.kinds()).toEqual(["connecting", "connected:0"]);
    await broker.current.publish(BOOK, book("34.25"));
    await until(() => h.rec.events.length >= 2, "a quote and a book");
    const [q, b] = h.rec.events;
    expect(q).toMatchObject({ type: "quote", symbol: "PTT", bid: 34.25, ask: 34.5, epoch: 0 });
    expect(b).toMatchObject({ type: "book", symbol: "PTT", epoch: 0 });
    expect(b.seq).toBe(q.seq + 1);
    expect(q.source).toBe("settrade");
  });

  it("builds only the events of the channels held on the shared book topic", async () => {
    const h = harness({ brokerUrl: broker.current.tcpUrl });
    await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
    await h.connector.subscribe({ channel: "book", symbol: "PTT" });
    await h.connector.connect();
    await h.connector.unsubscribe({ channel: "book", symbol: "PTT" });
    await broker.current.publish(BOOK, book("34.00"));
    // A second payload on the same topic is the barrier: once its quote is here, any
    // book built from the first payload would be here too (one connection, in order).
    await broker.current.publish(BOOK, book("34.25"));
    await until(() => h.rec.events.length >= 2, "two quotes");
    expect(h.rec.events.map((e) => e.type)).toEqual(["quote", "quote"]);
    const unsubscribedBefore = broker.current.unsubscribed.length;
    await h.connector.unsubscribe({ channel: "quote", symbol: "PTT" });
    await until(
      () => broker.current.unsubscribed.length > unsubscribedBefore,
      "the MQTT unsubscribe",
    );
    expect(broker.current.unsubscribed.at(-1)).toBe(BOOK);
    expect(h.connector.health().subscriptions).toEqual([]);
  });

  it("applies subscriptions made after connect and drops topics no longer held", async () => {
    const h = harness({ brokerUrl: broker.current.tcpUrl });
    await h.connector.connect();
    await h.connector.subscribe({ channel: "info", symbol: "PTT" });
    await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
    await broker.current.publish(
      "proto/topic/infov3/PTT",
      infoBytes({ symbol: "PTT", last: "34.25" }),
    );
    await until(() => h.rec.events.length === 1, "an info event");
    expect(h.rec.events[0]).toMatchObject({ type: "info", symbol: "PTT", last: 34.25 });
    await h.connector.unsubscribe({ channel: "info", symbol: "PTT" });
    await broker.current.publish(
      "proto/topic/infov3/PTT",
      infoBytes({ symbol: "PTT", last: "35" }),
    );
    // The barrier: a payload on the topic still held, published after the dropped one.
    await broker.current.publish(BOOK, book("34.25"));
    await until(() => h.rec.events.length >= 2, "the quote published after it");
    expect(h.rec.events.map((e) => e.type)).toEqual(["info", "quote"]);
  });

  it("counts a malformed payload, reports it to the sink and goes on", async () => {
    const h = harness({ brokerUrl: broker.current.tcpUrl });
    await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
    await h.connector.connect();
    await broker.current.publish(BOOK, new Uint8Array([0x0a, 0x09, 0x50]));
    await broker.current.publish(BOOK, book("34.75"));
    await until(() => h.rec.events.length === 1, "the next good quote");
    expect(h.rec.decodeErrors).toHaveLength(1);
    expect(h.rec.decodeErrors[0].topic).toBe(BOOK);
    expect(h.connector.health().decodeErrors).toBe(1);
    expect((h.rec.events[0] as QuoteEvent).bid).toBe(34.75);
    expect(h.connector.isConnected()).toBe(true);
  });

  it("hands every payload to the raw tap before decoding, with the epoch", async () => {
    const taps: { topic: string; bytes: number; epoch: number }[] = [];
    const h = harness({ brokerUrl: broker.current.tcpUrl }, {
      rawTap: {
        payload: (topic, p, _ts, _mono, epoch) => taps.push({ topic, bytes: p.length, epoch }),
      },
    });
    await h.connector.subscribe({ channel: "book", symbol: "PTT" });
    await h.connector.connect();
    const bad = new Uint8Array([0xff]);
    await broker.current.publish(BOOK, bad);
    await broker.current.publish(BOOK, book("34.25"));
    await until(() => h.rec.events.length === 1, "a book");
    expect(taps).toEqual([
      { topic: BOOK, bytes: 1, epoch: 0 },
      { topic: BOOK, bytes: book("34.25").length, epoch: 0 },
    ]);
  });

  it("reports a refused subscription and one named on the error topic as subscribe-error", async () => {
    const h = harness({ brokerUrl: broker.current.tcpUrl });
    await h.connector.subscribe({ channel: "info", symbol: "NOPE" });
    await h.connector.subscribe({ channel: "trade", symbol: "PTT" });
    await h.connector.connect();
    await broker.current.publish(
      SUBSCRIBE_ERROR_TOPIC,
      JSON.stringify({
        topic: "proto/topic/bidofferv3/ZZZ",
        code: "E404",
        message: "unknown symbol",
      }),
    );
    await until(
      () => h.rec.statuses.filter((s) => s.kind === "subscribe-error").length === 3,
      "3 errors",
    );
    const errors = h.rec.statuses.filter((s) => s.kind === "subscribe-error");
    expect(errors.map((s) => s.symbol)).toEqual(["PTT", "NOPE", "ZZZ"]);
    expect(errors[0].reason).toMatch(/trade/);
    expect(errors[2].reason).toMatch(/unknown symbol/);
    expect(h.connector.health().subscriptions.map((s) => s.channel)).toEqual(["info"]);
  });
});

describe("the Settrade connector's reconnect loop", () => {
  it("reconnects after a broker-side drop with the next epoch and every subscription replayed", async () => {
    const h = harness({ brokerUrl: broker.current.wsUrl, reconnect: FAST_RECONNECT });
    await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
    await h.connector.subscribe({ channel: "info", symbol: "PTT" });
    await h.connector.connect();
    await broker.current.publish(BOOK, book("34.25"));
    await until(() => h.rec.events.length === 1, "a quote before the drop");
    const subscribedBefore = broker.current.subscribed.length;
    broker.current.dropClients();
    await until(() => h.connector.health().epoch === 1 && h.connector.isConnected(), "epoch 1");
    expect(h.kinds()).toEqual(
      "connecting connected:0 disconnected reconnecting connecting connected:1".split(" "),
    );
    const retry = h.rec.statuses.find((s) => s.kind === "reconnecting");
    if (retry?.kind !== "reconnecting") {
      throw new Error(`expected reconnecting, got ${retry?.kind}`);
    }
    expect(retry.attempt).toBe(1);
    expect(retry.delayMs).toBeGreaterThanOrEqual(16);
    expect(retry.delayMs).toBeLessThanOrEqual(200);
    expect(h.rec.statuses.find((s) => s.kind === "disconnected")?.reason).toMatch(
      /connection lost/,
    );
    expect(broker.current.subscribed.slice(subscribedBefore)).toEqual(
      expect.arrayContaining([BOOK, "proto/topic/infov3/PTT"]),
    );
    await broker.current.publish(BOOK, book("34.50"));
    await until(() => h.rec.events.length === 2, "a quote after the reconnect");
    expect(h.rec.events[1].epoch).toBe(1);
    expect(seqProblems(h.rec.events)).toEqual([]);
    expect(lifecycleProblems(h.rec.all)).toEqual([]);
    expect(h.connector.health()).toMatchObject({ reconnects: 1, reconnectAttempts: 0 });
  });

  it("gives up after reconnect.maxAttempts with error then end", async () => {
    const local = await startTestBroker();
    const h = harness({
      brokerUrl: local.tcpUrl,
      reconnect: { ...FAST_RECONNECT, maxAttempts: 2 },
    });
    await h.connector.connect();
    await local.stop();
    await until(() => h.rec.statuses.some((s) => s.kind === "end"), "the end");
    expect(h.kinds()).toEqual(
      "connecting connected:0 disconnected reconnecting connecting reconnecting connecting error end"
        .split(" "),
    );
    expect(h.rec.statuses.filter((s) => s.kind === "reconnecting").map((s) => s.attempt)).toEqual([
      1,
      2,
    ]);
    expect(h.rec.statuses.at(-2)?.reason).toMatch(/gave up after 2 reconnect attempts/);
    expect(h.connector.isConnected()).toBe(false);
  });

  it("rejects connect() when the first connection cannot be made within the attempts", async () => {
    const h = harness({
      brokerUrl: await refusedUrl(),
      reconnect: { ...FAST_RECONNECT, maxAttempts: 1 },
    });
    const err = await rejection(h.connector.connect());
    expect(isConnectionError(err)).toBe(true);
    expect(h.kinds()).toEqual(["connecting", "reconnecting", "connecting", "error", "end"]);
    expect(lifecycleProblems(h.rec.all)).toEqual([]);
  });

  it("stops retrying when the connect signal aborts", async () => {
    const h = await retryingHarness();
    const ac = new AbortController();
    const connecting = rejection(h.connector.connect(ac.signal));
    await until(() => h.rec.statuses.some((s) => s.kind === "reconnecting"), "a retry");
    const reason = new Error("user abort");
    ac.abort(reason);
    expect(await connecting).toBe(reason);
    expect(h.kinds().slice(-1)).toEqual(["end"]);
    expect(h.rec.afterEnd).toEqual([]);
  });

  it("disconnects idempotently, ends once and emits nothing afterwards", async () => {
    const h = harness({ brokerUrl: broker.current.tcpUrl });
    await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
    await h.connector.connect();
    await Promise.all([h.connector.disconnect(), h.connector.disconnect("again")]);
    await h.connector.disconnect();
    // Once the broker has no client left, nothing published can reach the connector.
    await until(() => broker.current.clients() === 0, "the broker to see the client go");
    await broker.current.publish(BOOK, book("34.25"));
    expect(h.kinds()).toEqual(["connecting", "connected:0", "disconnected", "end"]);
    expect(h.rec.events).toEqual([]);
    expect(h.rec.afterEnd).toEqual([]);
    expect(isConnectionError(await rejection(h.connector.connect()))).toBe(true);
  });

  it("rejects a pending connect() when disconnected meanwhile", async () => {
    const h = await retryingHarness();
    const connecting = rejection(h.connector.connect());
    await until(() => h.rec.statuses.some((s) => s.kind === "reconnecting"), "a retry");
    await h.connector.disconnect();
    expect(isConnectionError(await connecting)).toBe(true);
    expect(h.kinds()).toEqual(["connecting", "reconnecting", "end"]);
  });
});
