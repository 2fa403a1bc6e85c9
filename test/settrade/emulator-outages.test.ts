/**
 * The emulator's outage controls, spoken to with plain clients (fetch, MQTT.js)
 * on 127.0.0.1: a realtime outage that leaves REST up, endpoints made to fail,
 * revoked sessions, a slow market service, requests counted per second, and a
 * market that goes on when nobody listens (live REST quotes, the streamed bars
 * answered by the candlestick endpoint).
 */
import { describe, expect, it } from "vitest";
import { decodeBar } from "../../connectors/settrade/decode/mod.ts";
import {
  call,
  closeClient,
  connectMqtt,
  DISPATCHER,
  dispatcherToken,
  record,
  REFRESH,
  subscribe,
  until,
} from "./_emulator-helpers.ts";
import { emulatorPerTest } from "./_emulator-per-test.ts";

const { start } = emulatorPerTest({ seed: 4, symbols: ["PTT"] });

const QUOTE = "/api/marketdata/v3/098/quote/PTT";
const CANDLES = "/api/techchart/v3/098/candlesticks?symbol=PTT&interval=1m&limit=1000";

describe("the emulator's outages", () => {
  it("refuses upgrades during an outage while REST answers, and accepts them after", async () => {
    const e = await start();
    const t = await dispatcherToken(e, Date.now());
    const before = await connectMqtt(e.mqttUrl, t.token);
    expect(before.connected).toBe(true);
    const closed = new Promise<void>((resolve) => before.client.once("close", () => resolve()));
    expect(e.outage(30_000)).toBe(1);
    await closed;
    const during = await connectMqtt(e.mqttUrl, t.token);
    expect(during.connected).toBe(false);
    await closeClient(during.client);
    expect(e.stats().upgradesRefused).toBe(1);
    expect((await call(e, QUOTE, { token: t.access })).status).toBe(200);
    e.outage(0); // over
    const after = await connectMqtt(e.mqttUrl, t.token);
    expect(after.connected).toBe(true);
    await closeClient(after.client);
    await closeClient(before.client);
  });

  it("makes an endpoint fail until told otherwise, also over its control URL", async () => {
    const e = await start();
    const t = await dispatcherToken(e, Date.now());
    e.refuse("dispatcher", true, { status: 502, code: "E502", message: "dispatcher down" });
    const refused = await call(e, DISPATCHER, { token: t.access });
    expect(refused).toMatchObject({
      status: 502,
      json: { code: "E502", message: "dispatcher down" },
    });
    e.refuse("dispatcher", false);
    expect((await call(e, DISPATCHER, { token: t.access })).status).toBe(200);
    const ctl = await fetch(`${e.url}/_emulator/refuse?endpoint=quote&on=true&status=503`, {
      method: "POST",
    });
    expect(ctl.status).toBe(200);
    expect((await call(e, QUOTE, { token: t.access })).status).toBe(503);
    const bad = await fetch(`${e.url}/_emulator/refuse?endpoint=orders&on=true`, {
      method: "POST",
    });
    expect(bad.status).toBe(400);
    expect(e.stats().quoteRequests).toBe(1);
  });

  it("revokes every token of a session: access and refresh alike", async () => {
    const e = await start();
    const t = await dispatcherToken(e, Date.now());
    e.revokeSessions();
    expect((await call(e, DISPATCHER, { token: t.access })).status).toBe(401);
    const refresh = await call(e, REFRESH, {
      body: { apiKey: e.appId, refreshToken: t.refresh },
    });
    expect(refresh.status).toBe(401);
    const mqtt = await connectMqtt(e.mqttUrl, t.token);
    expect(mqtt.connected).toBe(false);
    await closeClient(mqtt.client);
  });

  it("delays market answers when the market service is slow", async () => {
    const e = await start();
    const t = await dispatcherToken(e, Date.now());
    e.slowMarket(150);
    const started = performance.now();
    expect((await call(e, QUOTE, { token: t.access })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("counts the REST requests it receives per second, refused ones included", async () => {
    const e = await start({ rateLimit: { perSecond: 3 } });
    const t = await dispatcherToken(e, Date.now());
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(() => call(e, QUOTE, { token: t.access })),
    );
    const total = e.requestsPerSecond().reduce((n, s) => n + s.requests, 0);
    expect(total).toBe(7); // the login, the dispatcher token and five quotes
    expect(e.stats().rateLimited).toBe(answers.filter((a) => a.status === 429).length);
    expect(e.stats().rateLimited).toBeGreaterThan(0);
  });
});

describe("the emulator's market when nobody listens", () => {
  it("keeps quotes live and answers the streamed bars from the candlestick endpoint", async () => {
    const e = await start({ rate: 400 });
    const t = await dispatcherToken(e, Date.now());
    const sub = await connectMqtt(e.mqttUrl, t.token);
    const got = record(sub.client);
    await subscribe(sub.client, ["proto/topic/cdlv3/PTT/1m", "proto/topic/bidofferv3/PTT"]);
    await until(() => got.some((m) => m.topic.startsWith("proto/topic/cdlv3")), "a bar");
    await closeClient(sub.client);
    const streamed = got.filter((m) => m.topic.startsWith("proto/topic/cdlv3")).map((m) =>
      decodeBar(m.payload, { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 })
    );
    // Nobody is subscribed now; the market still moves.
    const first = (await call(e, QUOTE, { token: t.access })).json;
    let moved = false;
    for (let i = 0; i < 100 && !moved; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const q = (await call(e, QUOTE, { token: t.access })).json;
      moved = q.bid !== first.bid || q.bidVolume !== first.bidVolume || q.ask !== first.ask;
    }
    expect(moved).toBe(true);
    const lastStreamed = Math.max(...streamed.map((b) => b.openTs));
    let times = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const candles = (await call(e, CANDLES, { token: t.access })).json;
      times = new Set<number>(candles.time.map((s: number) => s * 1_000));
      // Bars go on being recorded after the client left.
      if (Math.max(...times) > lastStreamed) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const b of streamed) expect(times.has(b.openTs)).toBe(true);
    expect(Math.max(...times)).toBeGreaterThan(lastStreamed);
  });
});
