/**
 * Failures of the Settrade connector that must end cleanly or recover, over
 * real sockets on 127.0.0.1: TLS options on every connection (the HTTPS login
 * included) against an HTTPS emulator; a bounded start-up against a server
 * that never answers; a refused login mid-session reaching the consumer typed;
 * a payload whose symbol differs from its topic.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createFeed } from "../../mod.ts";
import { isAuthError, isConnectionError } from "../../src/errors.ts";
import type { FeedEvent } from "../../src/events.ts";
import type { SettradeEmulator } from "../../connectors/settrade/emulator/mod.ts";
import { bidOfferBytes } from "./_fixtures.ts";
import { brokerAroundTests } from "./_mqtt-broker.ts";
import { TEST_CERT, TEST_KEY } from "./_tls-fixture.ts";
import {
  capturingLogger,
  disconnectAll,
  emulatorOptions,
  emulatorsForFile,
  FAST_RECONNECT,
  harness,
  type LogLine,
  rejection,
  until,
} from "./_connector-harness.ts";

const emulator = emulatorsForFile({ seed: 3, rate: 40, symbols: ["PTT", "AOT"] });
const optionsOf = emulatorOptions;

afterEach(disconnectAll);

describe("the Settrade connector over TLS", () => {
  let tls: SettradeEmulator;
  let dir: string;
  let caFile: string;
  beforeAll(async () => {
    tls = await emulator({ tls: { key: TEST_KEY, cert: TEST_CERT } });
    dir = await mkdtemp(join(tmpdir(), "tickwire-ca-"));
    caFile = join(dir, "ca.pem");
    await writeFile(caFile, TEST_CERT);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("logs in over HTTPS and streams with the CA file trusted on every connection", async () => {
    expect(tls.url.startsWith("https://127.0.0.1:")).toBe(true);
    const h = harness(optionsOf(tls, { caFile }));
    await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
    await h.connector.connect();
    await until(() => h.rec.events.length > 0, "a quote over wss");
    expect(tls.logins).toBeGreaterThanOrEqual(1);
    const quote = await h.connector.fetchQuote("PTT");
    expect(quote.symbol).toBe("PTT");
  });

  it("refuses the unknown certificate at the login without them, naming the host in time", async () => {
    const before = tls.stats().loginAttempts;
    const h = harness(optionsOf(tls, { connectTimeoutMs: 600, requestTimeoutMs: 300 }));
    const err = await rejection(h.connector.connect());
    expect(isConnectionError(err)).toBe(true);
    expect((err as Error).message).toMatch(
      new RegExp(`could not connect to ${tls.url.slice(8)} within 600 ms`),
    );
    // Refused at the TLS handshake: no login ever reached the server.
    expect(tls.stats().loginAttempts).toBe(before);
    expect(h.kinds().slice(-2)).toEqual(["error", "end"]);
  });

  it("skips certificate checks with insecureSkipTlsVerify, and says so once, loudly", async () => {
    const logs: LogLine[] = [];
    const feed = await createFeed({
      source: "settrade",
      symbols: ["PTT"],
      logger: capturingLogger(logs),
      ...optionsOf(tls, { insecureSkipTlsVerify: true }),
    });
    try {
      let quotes = 0;
      feed.on("quote", () => quotes++);
      await until(() => quotes > 0, "a quote");
      const warnings = logs.filter((l) => /insecureSkipTlsVerify/.test(l.message));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: "warn" });
      expect(warnings[0]!.message).toMatch(/INSECURE.*login included/);
    } finally {
      await feed.close();
    }
  });
});

describe("the Settrade connector's start-up", () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let port: number;
  beforeAll(async () => {
    // Accepts connections and never answers: an unreachable service.
    silent = createServer((s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    port = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("rejects createFeed after connectTimeoutMs with a ConnectionError naming the host", async () => {
    const started = performance.now();
    const err = await rejection(createFeed({
      source: "settrade",
      symbols: ["PTT"],
      logger: capturingLogger([]),
      appId: "app",
      appSecret: "AIKi/X7lvfu0haz0SttdbCj+nXmWBt/jfrbPAHRjwNHq",
      appCode: "ALGO",
      brokerId: "098",
      baseUrl: `http://127.0.0.1:${port}`,
      connectTimeoutMs: 500,
      requestTimeoutMs: 200,
      reconnect: FAST_RECONNECT,
    }));
    expect(isConnectionError(err)).toBe(true);
    expect((err as Error).message).toMatch(
      new RegExp(`could not connect to 127\\.0\\.0\\.1:${port} within 500 ms.*timed out`),
    );
    // Bounded: well before the 15 s a single request could take by default.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe("a fatal error reaching the consumer", () => {
  it("ends for await with the AuthError of a refused login, and reports it in closed()", async () => {
    const emu = await emulator();
    const feed = await createFeed({
      source: "settrade",
      symbols: ["PTT"],
      logger: capturingLogger([]),
      ...optionsOf(emu),
    });
    const seen: FeedEvent[] = [];
    let thrown: unknown;
    const reading = (async () => {
      try {
        for await (const ev of feed) {
          seen.push(ev);
          if (ev.type === "quote" && seen.filter((e) => e.type === "quote").length === 3) {
            // The session is revoked and the key refused: the reconnect cannot log in.
            emu.refuseLogins(true, { status: 401, code: "E401", message: "invalid key" });
            emu.revokeSessions();
            emu.dropConnections();
          }
        }
      } catch (e) {
        thrown = e;
      }
    })();
    await reading;
    expect(isAuthError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ status: 401, code: "E401" });
    expect((await feed.closed()).error).toBe(thrown);
    const kinds = seen.flatMap((e) => (e.type === "status" ? [e.kind] : []));
    expect(kinds.slice(-2)).toEqual(["error", "end"]);
    expect(feed.health().lastError).toMatch(/login refused.*E401/);
    await feed.close();
  });
});

describe("the topic as the source of truth", () => {
  const broker = brokerAroundTests();

  it("counts a payload whose symbol differs from its topic as a decode error, never an event", async () => {
    const h = harness({ brokerUrl: broker.current.tcpUrl });
    await h.connector.subscribe({ channel: "quote", symbol: "AOT" });
    await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
    await h.connector.connect();
    const ptt = bidOfferBytes({
      symbol: "PTT",
      bids: [{ price: "34.25", size: 100 }],
      asks: [{ price: "34.50", size: 100 }],
    });
    await broker.current.publish("proto/topic/bidofferv3/AOT", ptt);
    await broker.current.publish("proto/topic/bidofferv3/PTT", ptt);
    await until(() => h.rec.events.length === 1 && h.rec.decodeErrors.length === 1, "both");
    expect(h.rec.events[0]).toMatchObject({ symbol: "PTT" });
    expect(h.rec.decodeErrors[0]).toMatchObject({
      code: "topic-mismatch",
      topic: "proto/topic/bidofferv3/AOT",
    });
    expect(h.rec.decodeErrors[0]!.message).toMatch(/"PTT" differs from its topic's "AOT"/);
    expect(h.connector.health().decodeErrors).toBe(1);
  });
});
