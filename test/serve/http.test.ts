import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.ts";
import type { SessionSource } from "../../src/session.ts";
import { createFeed } from "../../mod.ts";
import { silentLogger } from "../../src/log.ts";
import { serveFeed } from "../../serve/mod.ts";
import { LatestCache } from "../../serve/latest-cache.ts";
import { Histogram, PromText } from "../../serve/metrics.ts";
import { lastScripted, scriptedConnector } from "../_helpers/scripted-connector.ts";
import { makeQuote } from "../_helpers/quote.ts";
import { servedPerTest, waitUntil } from "./_helpers.ts";

const testbed = servedPerTest();
const { serve, client } = testbed;

const get = (path: string, init?: RequestInit) =>
  fetch(`${testbed.current!.server.url}${path}`, init);

function quote(symbol: string, seq: number) {
  return makeQuote({ source: "t", symbol, seq, bid: seq, ask: seq + 1, bidSize: 1, askSize: 1 });
}

describe("serve HTTP", () => {
  it("binds 127.0.0.1 on a free port and runs on this runtime's own server", async () => {
    const s = await serve();
    expect(s.server.host).toBe("127.0.0.1");
    expect(s.server.port).toBeGreaterThan(0);
    const g = globalThis as { Bun?: unknown; Deno?: unknown };
    expect(s.server.runtime).toBe(g.Bun ? "bun" : g.Deno ? "deno" : "node");
    expect((await get("/livez")).status).toBe(200);
  });

  it("answers /health with 200 and the feed's connection, queue, errors and clients", async () => {
    const s = await serve();
    const c = client(s.ws);
    await c.opened;
    await waitUntil(() => s.server.counters().clients === 1, 5_000, "one client");
    const res = await get("/health");
    expect(res.status).toBe(200);
    const h = await res.json();
    expect(h).toMatchObject({
      status: "serving",
      source: "synthetic",
      connected: true,
      mode: "stream",
      epoch: 0,
      drops: 0,
      decodeErrors: 0,
      listenerErrors: 0,
      staleSymbols: [],
      clients: 1,
      queue: { policy: "drop-oldest" },
    });
    c.close();
  });

  it("answers /health with 503 once the feed has ended", async () => {
    const s = await serve({ limit: 50, rate: "max" });
    await s.feed.closed();
    const res = await get("/health");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "not-serving", reason: "the feed has ended" });
    expect((await get("/livez")).status).toBe(200);
  });

  it("answers /health with 503 when every symbol is stale", async () => {
    const s = await serve(
      {
        rate: 500,
        stallAfter: 20,
        stallMs: 60_000,
        health: { staleAfterMs: 200, checkIntervalMs: 50 },
      },
    );
    await waitUntil(() => s.feed.staleSymbols().length === 3, 5_000, "every symbol stale");
    const res = await get("/health");
    expect(res.status).toBe(503);
    expect((await res.json()).reason).toMatch(/every symbol is stale/);
  });

  it("answers /health with 503 when every symbol of an open market is stale, 200 once their markets close", async () => {
    const closed = new Set(["PTT"]);
    const session: SessionSource = { quietReason: (sym) => closed.has(sym) ? "closed" : undefined };
    const s = await serve({
      rate: 500,
      stallAfter: 20,
      stallMs: 60_000,
      health: { staleAfterMs: 200, checkIntervalMs: 50, session },
    });
    await waitUntil(
      () => s.feed.staleSymbols().join() === "AOT,KBANK",
      5_000,
      "the symbols of the open market stale",
    );
    let res = await get("/health");
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.reason).toBe(
      "every symbol of an open market is stale (2; 1 more quiet, their market not open)",
    );
    expect(body.staleSymbols).toEqual(["AOT", "KBANK"]);
    closed.add("AOT").add("KBANK");
    await waitUntil(() => s.feed.staleSymbols().length === 0, 5_000, "every market closed");
    res = await get("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "serving", staleSymbols: [] });
  });

  it("answers /health with 503 after the grace period of a disconnection, not before", async () => {
    const clock = new ManualClock();
    const feed = await createFeed({
      source: scriptedConnector,
      logger: silentLogger,
      buffer: false,
    });
    const server = await serveFeed(feed, {
      port: 0,
      logger: silentLogger,
      clock,
      healthGraceMs: 5_000,
    });
    try {
      lastScripted().status("disconnected", { reason: "link lost" });
      lastScripted().status("mode", { mode: "poll", previous: "stream" });
      let res = await fetch(`${server.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        connected: false,
        mode: "poll",
        disconnectedForMs: 0,
      });
      clock.advance(5_001);
      res = await fetch(`${server.url}/health`);
      expect(res.status).toBe(503);
      expect((await res.json()).reason).toBe("disconnected for 5001 ms (grace 5000 ms)");
      lastScripted().status("connected");
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
      await feed.close();
    }
  });

  it("serves /metrics in the Prometheus text format, read back by a real parser", async () => {
    const s = await serve();
    const c = client(s.ws);
    await c.opened;
    c.send({ op: "subscribe", symbols: ["*"], channels: ["quote"] });
    await waitUntil(() => c.of("quote").length >= 5, 5_000, "quotes");
    const res = await get("/metrics");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await res.text());
    const by = new Map(families.map((f) => [f.name, f]));
    const events = by.get("tickwire_events_total")!;
    expect(events.type).toBe("COUNTER");
    const quotes = events.metrics.find((m) => m.labels?.type === "quote")!;
    expect(quotes.labels).toEqual({ source: "synthetic", type: "quote" });
    expect(Number(quotes.value)).toBeGreaterThan(0);
    expect(by.get("tickwire_queue_dropped_total")!.metrics[0]!.labels).toEqual({
      policy: "drop-oldest",
    });
    expect(Number(by.get("tickwire_ws_clients")!.metrics[0]!.value)).toBe(1);
    expect(Number(by.get("tickwire_ws_messages_sent_total")!.metrics[0]!.value)).toBeGreaterThan(0);
    const ages = by.get("tickwire_symbol_last_event_age_seconds")!;
    expect(ages.metrics.map((m) => m.labels?.symbol)).toEqual(["AOT", "KBANK", "PTT"]);
    const delivery = by.get("tickwire_receive_to_delivery_seconds")!;
    expect(delivery.type).toBe("HISTOGRAM");
    expect(Number(delivery.metrics[0]!.count)).toBeGreaterThan(0);
    expect(delivery.metrics[0]!.buckets!["+Inf"]).toBe(delivery.metrics[0]!.count);
    expect(Number(delivery.metrics[0]!.sum)).toBeGreaterThan(0);
    const exchange = by.get("tickwire_exchange_to_receive_seconds")!;
    expect(exchange.type).toBe("HISTOGRAM");
    expect(Number(exchange.metrics[0]!.count)).toBeGreaterThan(0); // synthetic events carry exchTs
    for (const h of [delivery, exchange]) {
      const buckets = Object.entries(h.metrics[0]!.buckets!)
        .filter(([le]) => le !== "+Inf")
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, n]) => Number(n));
      for (let i = 1; i < buckets.length; i++) {
        expect(buckets[i]).toBeGreaterThanOrEqual(buckets[i - 1]!);
      }
      expect(buckets.at(-1)!).toBeLessThanOrEqual(Number(h.metrics[0]!.count));
    }
    // Per-client series: one client, labelled by its id.
    for (const name of ["tickwire_ws_client_conflated_total", "tickwire_ws_client_dropped_total"]) {
      expect(by.get(name)!.metrics.map((m) => m.labels)).toEqual([{ client: "1" }]);
    }
    for (
      const name of [
        "tickwire_decode_errors_total",
        "tickwire_listener_errors_total",
        "tickwire_reconnects_total",
        "tickwire_epoch",
        "tickwire_queue_depth",
        "tickwire_ws_conflated_total",
        "tickwire_ws_dropped_total",
      ]
    ) {
      expect(by.has(name), name).toBe(true);
    }
    c.close();
  });

  it("caps the per-symbol series at metricsSymbols and counts the rest", async () => {
    const s = await serve({}, { metricsSymbols: 2 });
    await waitUntil(() => s.feed.health().symbols.length === 3, 5_000, "3 symbols");
    const families = parsePrometheusTextFormat(await (await get("/metrics")).text());
    const by = new Map(families.map((f) => [f.name, f]));
    expect(by.get("tickwire_symbol_last_event_age_seconds")!.metrics).toHaveLength(2);
    expect(Number(by.get("tickwire_symbols_unlabelled")!.metrics[0]!.value)).toBe(1);
  });

  it("answers /latest/:symbol with the last quote, book, trade and info, and 404 for an unknown symbol", async () => {
    const s = await serve();
    await waitUntil(
      () => (s.server.counters() && true) && s.feed.health().symbols.every((x) => x.events > 20),
      5_000,
      "events",
    );
    const res = await get("/latest/ptt");
    expect(res.status).toBe(200);
    const e = await res.json();
    expect(e.symbol).toBe("PTT");
    expect(e.quote).toMatchObject({ type: "quote", symbol: "PTT" });
    expect(e.book.bids).toHaveLength(10);
    const missing = await get("/latest/NOPE");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatch(/no event cached for symbol "NOPE"/);
    const many = await (await get("/latest?symbols=PTT,AOT,NOPE")).json();
    expect(many.latest.map((x: { symbol: string }) => x.symbol)).toEqual(["PTT", "AOT"]);
    expect(many.missing).toEqual(["NOPE"]);
    expect((await get("/latest?symbols=NOPE")).status).toBe(404);
    expect(await (await get("/latest")).json()).toEqual({ symbols: ["AOT", "KBANK", "PTT"] });
  });

  it("serves the page, its script and its style without a build step", async () => {
    await serve();
    const html = await get("/");
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(await html.text()).toMatch(/<script type="module" src="\/app.js">/);
    expect((await get("/app.js")).headers.get("content-type")).toMatch(/javascript/);
    expect((await get("/style.css")).status).toBe(200);
    expect((await get("/nothing-here")).status).toBe(404);
    expect((await get("/ws")).status).toBe(426);
  });
});

describe("latest cache", () => {
  it("evicts the least recently updated symbol past its capacity", () => {
    const cache = new LatestCache(2);
    cache.update(quote("A", 1));
    cache.update(quote("B", 2));
    cache.update(quote("A", 3)); // A is now the most recent
    cache.update(quote("C", 4));
    expect(cache.symbols()).toEqual(["A", "C"]);
    expect(cache.evicted).toBe(1);
    expect(cache.get("a")?.quote?.seq).toBe(3);
  });
});

describe("metrics text", () => {
  it("escapes label values and writes cumulative histogram buckets", () => {
    const t = new PromText();
    t.family("x_total", "counter", "Help with a \\ backslash\nand a newline.");
    t.sample("x_total", 1, { v: 'a"b\\c\nd' });
    const h = new Histogram([1, 2]);
    h.observe(0.5);
    h.observe(1.5);
    h.observe(5);
    t.family("lat", "histogram", "Latency.");
    t.histogram("lat", h);
    const [x, lat] = parsePrometheusTextFormat(t.text());
    expect(x!.metrics[0]!.labels).toEqual({ v: 'a"b\\c\nd' });
    expect(lat!.metrics[0]!.buckets).toEqual({ "1": "1", "2": "2", "+Inf": "3" });
    expect(lat!.metrics[0]!.count).toBe("3");
    expect(() => t.family("x_total", "gauge", "again")).toThrow(/declared twice/);
  });
});
