import { describe, expect, it } from "vitest";
import { createFeed } from "../../mod.ts";
import { isConfigError } from "../../src/errors.ts";
import { silentLogger } from "../../src/log.ts";
import { serveFeed } from "../../serve/mod.ts";
import { type Recorder, servedPerTest, TOKEN, waitUntil } from "./_helpers.ts";

const { serve, serveScripted, client } = servedPerTest();

const bearer = { authorization: `Bearer ${TOKEN}` };
const IS_DENO = (globalThis as { Deno?: unknown }).Deno !== undefined;

/**
 * Opens a WebSocket as a browser does (the runtime's own WebSocket where there is one:
 * it separates subprotocols with ", ", which Deno's server requires) and reads its hello.
 */
async function browserHello(
  url: string,
  protocols: string[],
): Promise<{ protocol: string; type: string }> {
  const Native = (globalThis as { WebSocket?: typeof globalThis.WebSocket }).WebSocket;
  if (Native === undefined) {
    const c = client(url, { protocols });
    await c.opened;
    const hello = await c.next((m) => m.type === "hello", "hello");
    return { protocol: c.ws.protocol, type: hello.type };
  }
  const ws = new Native(url, protocols);
  try {
    return await new Promise((resolve, reject) => {
      ws.onmessage = (e) =>
        resolve({ protocol: ws.protocol, type: JSON.parse(String(e.data)).type });
      ws.onerror = () => reject(new Error("WebSocket error"));
      setTimeout(() => reject(new Error("no hello within 5 s")), 5_000);
    });
  } finally {
    ws.close();
  }
}

/** A client that keeps receiving quotes: proof that an attack next to it changed nothing. */
async function observer(url: string, headers: Record<string, string> = {}): Promise<Recorder> {
  const o = client(url, { headers });
  await o.opened;
  o.send({ op: "subscribe", symbols: ["*"], maxRate: 100 });
  await waitUntil(() => o.of("quote").length >= 3, 5_000, "the observer's first quotes");
  return o;
}

async function stillReceives(o: Recorder): Promise<void> {
  const n = o.of("quote").length;
  await waitUntil(() => o.of("quote").length >= n + 10, 5_000, "the observer's next quotes");
  expect(o.closeCode).toBeUndefined();
}

describe("serve security", () => {
  it("refuses to bind a non-loopback address without a token, before listening", async () => {
    const feed = await createFeed({ source: "synthetic", logger: silentLogger, buffer: false });
    try {
      const err = await serveFeed(feed, { host: "0.0.0.0", port: 0, logger: silentLogger }).catch((
        e,
      ) => e);
      expect(isConfigError(err)).toBe(true);
      expect(err.issues[0].message).toMatch(/binding "0\.0\.0\.0" .*TICKWIRE_SERVE_TOKEN/);
      const short = await serveFeed(feed, { port: 0, token: "short", logger: silentLogger }).catch((
        e,
      ) => e);
      expect(short.issues[0].message).toMatch(/at least 16 characters/);
      expect(JSON.stringify(short.issues)).not.toContain("short");
    } finally {
      await feed.close();
    }
  });

  it("asks every HTTP request but /livez and the page for the bearer token, and says what was wrong", async () => {
    const s = await serve({}, { token: TOKEN });
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${s.server.url}${path}`, { headers });
    const none = await get("/health");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect((await none.json()).error).toMatch(/requires a token: send Authorization: Bearer/);
    const wrong = await get("/health", { authorization: "Bearer not-the-right-token-at-all" });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toBe("invalid token");
    const noScheme = await get("/metrics", { authorization: TOKEN });
    expect((await noScheme.json()).error).toBe("expected Authorization: Bearer <token>");
    const inUrl = await get(`/health?token=${TOKEN}`, bearer);
    expect(inUrl.status).toBe(401);
    const body = await inUrl.json();
    expect(body.error).toMatch(/token in the URL \(\?token=\) is refused/);
    expect(JSON.stringify(body)).not.toContain(TOKEN);
    expect((await get("/health", bearer)).status).toBe(200);
    expect((await get("/latest", bearer)).status).toBe(200);
    expect((await get("/livez")).status).toBe(200);
    expect((await get("/")).status).toBe(200);
  });

  it("asks WebSocket upgrades for the token in the header or the subprotocol, never the URL", async () => {
    const s = await serve({}, { token: TOKEN });
    const o = await observer(s.ws, bearer);
    const none = client(s.ws);
    await expect(none.opened).rejects.toThrow(/401/);
    const wrong = client(s.ws, { headers: { authorization: "Bearer wrong-token-wrong-token" } });
    await expect(wrong.opened).rejects.toThrow(/401/);
    const inUrl = client(`${s.ws}?access_token=${TOKEN}`);
    await expect(inUrl.opened).rejects.toThrow(/401/);
    expect(await browserHello(s.ws, ["tickwire", `tickwire.bearer.${TOKEN}`])).toEqual({
      protocol: "tickwire",
      type: "hello",
    });
    await stillReceives(o);
  });

  it("checks the Origin of WebSocket upgrades against the allow-list and the page's own origin", async () => {
    const s = await serve({}, { allowedOrigins: ["https://desk.example"] });
    const evil = client(s.ws, { origin: "https://evil.example" });
    await expect(evil.opened).rejects.toThrow(/403/);
    const desk = client(s.ws, { origin: "https://desk.example" });
    await desk.opened;
    const own = client(s.ws, { origin: s.server.url });
    await own.opened;
  });

  it("closes a client that sends an oversized message with 1009, and only that client", async () => {
    const s = await serve({}, { maxMessageBytes: 1_024 });
    const o = await observer(s.ws);
    const big = client(s.ws);
    await big.opened;
    big.send({ op: "subscribe", symbols: ["PTT"], pad: "x".repeat(5_000) });
    await big.closed();
    expect(big.closeCode).toBe(1009);
    // Node and Deno close with the service's reason, Bun with its own ("Received too big message").
    expect(big.closeReason).toMatch(
      /^message too big: limit 1024 bytes$|^Received too big message$/,
    );
    await stillReceives(o);
  });

  it("answers malformed JSON and bad requests with an error naming the fault, and keeps the connection", async () => {
    const s = await serve();
    const c = client(s.ws);
    await c.opened;
    c.send("{not json");
    expect(await c.next((m) => m.type === "error", "bad-json")).toMatchObject({ code: "bad-json" });
    const cases: [unknown, RegExp][] = [
      [[1, 2], /JSON object with an "op"/],
      [{ op: "dance" }, /unknown op "dance"/],
      [{ op: "subscribe", symbols: [] }, /"symbols" must be a non-empty array/],
      [{ op: "subscribe", symbols: ["P T T"] }, /invalid symbol "P T T"/],
      [{ op: "subscribe", symbols: ["PTT"], channels: ["quotes"] }, /unknown channel "quotes"/],
      [{ op: "subscribe", symbols: ["PTT"], maxRate: -1 }, /"maxRate" must be a number > 0/],
      [{ op: "ping", id: { x: 1 } }, /"id" must be a string or a number/],
    ];
    for (const [msg, re] of cases) {
      const n = c.of("error").length;
      c.send(msg);
      await waitUntil(() => c.of("error").length > n, 5_000, `an error for ${JSON.stringify(msg)}`);
      expect(c.of("error")[n]!.message).toMatch(re);
    }
    c.send({ op: "ping", id: "still-here" });
    await c.next((m) => m.type === "pong" && m.id === "still-here", "pong after the errors");
    expect(c.closeCode).toBeUndefined();
  });

  it("refuses a subscription past the limit whole, and a channel the feed does not serve", async () => {
    const s = await serve({ channels: ["quote"] }, { maxSubscriptions: 10 });
    const c = client(s.ws);
    await c.opened;
    const symbols = Array.from({ length: 6 }, (_, i) => `S${i}`);
    c.send({ op: "subscribe", symbols, channels: ["quote", "book"], id: 1 });
    const err = await c.next((m) => m.type === "error" && m.id === 1, "limit error");
    expect(err).toMatchObject({ code: "too-many-subscriptions", op: "subscribe" });
    expect(err.message).toMatch(/limit: 10 .* asked for 12 more; nothing was subscribed/);
    c.send({ op: "subscribe", symbols: symbols.slice(0, 5), channels: ["quote", "book"], id: 2 });
    expect(await c.next((m) => m.type === "ack" && m.id === 2, "ack")).toMatchObject({
      subscriptions: 10,
      notInFeed: symbols.slice(0, 5),
    });
    const scripted = await serveScripted();
    const d = client(scripted.ws);
    await d.opened;
    d.send({ op: "subscribe", symbols: ["PTT"], channels: ["quote", "trade"], id: 3 });
    const e = await d.next((m) => m.type === "error" && m.id === 3, "not-served error");
    expect(e).toMatchObject({ code: "not-served" });
    expect(e.message).toBe("channel trade is not served by scripted; it serves quote, book");
  });

  it("rate-limits a flood of subscriptions, then closes the flooding client with 1008, alone", async () => {
    const s = await serve({}, { maxMessagesPerSecond: 20 });
    const o = await observer(s.ws);
    const f = client(s.ws);
    await f.opened;
    for (let i = 0; i < 400; i++) f.send({ op: "subscribe", symbols: [`F${i}`] });
    await f.closed();
    // Deno's server resets a connection closed while the client is still sending, so the
    // client may lose what was in flight, close frame included (1006); Node and Bun deliver it.
    if (!(IS_DENO && f.closeCode === 1006)) {
      expect(f.closeCode).toBe(1008);
      expect(f.closeReason).toMatch(/too many messages: limit 20\/s/);
      expect(f.of("error").some((m) => m.code === "rate-limited")).toBe(true);
    }
    // A burst of 40, then 20 a second while the flood lasts.
    expect(f.of("ack").length).toBeLessThan(100);
    await stillReceives(o);
    expect(s.server.counters().closedBy.flood).toBe(1);
  });

  it("closes connections past maxClients with 1013 and a reason", async () => {
    const s = await serve({}, { maxClients: 2 });
    const a = client(s.ws);
    const b = client(s.ws);
    await Promise.all([a.opened, b.opened]);
    await waitUntil(() => s.server.counters().clients === 2, 5_000, "two clients");
    const c = client(s.ws);
    await c.closed();
    expect(c.closeCode).toBe(1013);
    expect(c.closeReason).toBe("server full: 2 clients (limit)");
    a.send({ op: "ping", id: 1 });
    await a.next((m) => m.type === "pong", "pong from a kept client");
  });
});
