import { describe, expect, it } from "vitest";
import { lastScripted } from "../_helpers/scripted-connector.ts";
import { servedPerTest, waitUntil } from "./_helpers.ts";

const { serve, serveScripted, client } = servedPerTest();

describe("serve /ws", () => {
  it("greets, acks a subscribe, sends the cached latest first, then updates of that symbol only", async () => {
    const s = await serve();
    await waitUntil(
      () => s.server.counters().clients === 0 && s.feed.health().symbols.every((x) => x.events > 0),
      5_000,
      "events for every symbol",
    );
    const c = client(s.ws);
    await c.opened;
    const hello = await c.next((m) => m.type === "hello", "hello");
    expect(hello).toMatchObject({
      server: "tickwire",
      source: "synthetic",
      conflate: true,
      rate: 10,
    });
    c.send({ op: "subscribe", symbols: ["ptt"], channels: ["quote", "book"], id: 1 });
    const ack = await c.next((m) => m.type === "ack", "ack");
    expect(ack).toMatchObject({
      op: "subscribe",
      id: 1,
      symbols: ["PTT"],
      channels: ["quote", "book"],
      maxRate: 10,
    });
    await waitUntil(
      () => c.of("quote").length >= 3 && c.of("book").length >= 2,
      5_000,
      "quotes and books",
    );
    const market = c.messages.filter((m) =>
      m.type !== "hello" && m.type !== "ack" && m.type !== "status"
    );
    expect(new Set(market.map((m) => m.symbol))).toEqual(new Set(["PTT"]));
    expect(new Set(market.map((m) => m.type))).toEqual(new Set(["quote", "book"]));
    // The first two updates are the cached ones, sent right after the ack.
    const ackAt = c.messages.indexOf(ack);
    expect(c.messages.slice(ackAt + 1, ackAt + 3).map((m) => m.type).sort()).toEqual([
      "book",
      "quote",
    ]);
  });

  it("throttles each (channel, symbol) to the client's maxRate and counts what it conflated", async () => {
    const s = await serve({ rate: 1_000, symbols: ["PTT"], channels: ["quote"] });
    const c = client(s.ws);
    await c.opened;
    c.send({ op: "subscribe", symbols: ["PTT"], maxRate: 5 });
    await c.next((m) => m.type === "ack", "ack");
    const start = performance.now();
    await waitUntil(() => c.of("quote").length >= 6, 5_000, "six quotes");
    const elapsed = performance.now() - start;
    // 5 a second: the first goes at once, then one every 200 ms.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    const seqs = c.of("quote").map((q) => q.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    expect(s.server.counters().conflated).toBeGreaterThan(100);
  });

  it("sends every event in order with conflation off", async () => {
    const s = await serve({ rate: 300, symbols: ["PTT"], channels: ["quote"] }, {
      conflate: false,
    });
    const c = client(s.ws);
    await c.opened;
    c.send({ op: "subscribe", symbols: ["PTT"] });
    await waitUntil(() => c.of("quote").length >= 200, 5_000, "200 quotes");
    const seqs = c.of("quote").slice(1).map((q) => q.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
    expect(s.server.counters().conflated).toBe(0);
  });

  it('subscribes to every symbol with "*" and stops a channel on unsubscribe', async () => {
    const s = await serve();
    const c = client(s.ws);
    await c.opened;
    c.send({ op: "subscribe", symbols: ["*"], channels: ["quote", "info"], maxRate: 50 });
    await waitUntil(
      () => new Set(c.of("quote").map((q) => q.symbol)).size === 3,
      5_000,
      "quotes of 3 symbols",
    );
    c.send({ op: "unsubscribe", symbols: ["*"], channels: ["quote"], id: "u" });
    const ack = await c.next((m) => m.type === "ack" && m.id === "u", "unsubscribe ack");
    expect(ack).toMatchObject({ removed: 1, subscriptions: 1 });
    const quotes = c.of("quote").length;
    await waitUntil(() => c.of("info").length >= 20, 5_000, "more info events");
    // A quote already written before the ack may still arrive; none after a full flush.
    expect(c.of("quote").length).toBeLessThanOrEqual(quotes + 3);
  });

  it("answers ping with pong and forwards every status event", async () => {
    const s = await serveScripted();
    const c = client(s.ws);
    await c.opened;
    c.send({ op: "ping", id: 9 });
    expect(await c.next((m) => m.type === "pong", "pong")).toMatchObject({ id: 9 });
    lastScripted().reconnect();
    await c.next((m) => m.type === "status" && m.kind === "connected", "connected status");
    expect(c.of("status").map((m) => m.kind)).toEqual([
      "disconnected",
      "reconnecting",
      "connecting",
      "connected",
    ]);
    expect(c.of("status")[3]).toMatchObject({ epoch: 1, source: "scripted" });
  });
});
