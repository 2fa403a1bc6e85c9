/**
 * The MQTT transport against an in-process aedes broker on 127.0.0.1: plain TCP,
 * WebSocket with the `Authorization` header on the upgrade, TLS with and without
 * verification, refusals, broker-side drops and closing.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isConfigError, isConnectionError } from "../../src/errors.ts";
import {
  createSettradeTransport,
  type SettradeTransport,
} from "../../connectors/settrade/transport/mqtt.ts";
import { brokerAroundTests, startTestBroker } from "./_mqtt-broker.ts";
import { TEST_CERT, TEST_KEY } from "./_tls-fixture.ts";

interface Received {
  readonly topic: string;
  readonly bytes: number[];
}

async function until(done: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** What a promise rejects with (fails when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return await p.then(() => {
    throw new Error("expected a rejection");
  }, (e: unknown) => e);
}

const open: SettradeTransport[] = [];
function transport(
  url: string,
  extra: Partial<Parameters<typeof createSettradeTransport>[0]> = {},
): { t: SettradeTransport; received: Received[]; closes: string[] } {
  const received: Received[] = [];
  const closes: string[] = [];
  const t = createSettradeTransport({
    url,
    connectTimeoutMs: 3_000,
    onMessage: (topic, payload) => received.push({ topic, bytes: [...payload] }),
    onClose: (reason) => closes.push(reason),
    ...extra,
  });
  open.push(t);
  return { t, received, closes };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

describe("the MQTT transport over plain brokers", () => {
  const broker = brokerAroundTests({ refuseTopics: ["refused/topic"] });

  it("connects over TCP, subscribes and hands each payload over with its topic", async () => {
    const { t, received } = transport(broker.current.tcpUrl);
    await t.connect();
    expect(t.connected).toBe(true);
    expect(await t.subscribe(["proto/topic/bidofferv3/PTT", "proto/topic/infov3/PTT"])).toEqual([]);
    await broker.current.publish("proto/topic/bidofferv3/PTT", new Uint8Array([1, 2, 3]));
    await broker.current.publish("proto/topic/infov3/AOT", new Uint8Array([9]));
    await broker.current.publish("proto/topic/infov3/PTT", new Uint8Array([4]));
    await until(() => received.length >= 2, "two messages");
    expect(received).toEqual([
      { topic: "proto/topic/bidofferv3/PTT", bytes: [1, 2, 3] },
      { topic: "proto/topic/infov3/PTT", bytes: [4] },
    ]);
  });

  it("sends the Authorization header on the WebSocket upgrade", async () => {
    const { t, received } = transport(broker.current.wsUrl, {
      headers: { Authorization: "Bearer dispatcher-token-1" },
    });
    const before = broker.current.upgrades.length;
    await t.connect();
    expect(broker.current.upgrades.length).toBe(before + 1);
    expect(broker.current.upgrades.at(-1)?.authorization).toBe("Bearer dispatcher-token-1");
    await t.subscribe(["proto/topic/infov3/PTT"]);
    await broker.current.publish("proto/topic/infov3/PTT", new Uint8Array([7]));
    await until(() => received.length === 1, "a message over WebSocket");
    expect(received[0]).toEqual({ topic: "proto/topic/infov3/PTT", bytes: [7] });
  });

  it("reports the topics the broker refuses", async () => {
    const { t } = transport(broker.current.tcpUrl);
    await t.connect();
    expect(await t.subscribe(["ok/topic", "refused/topic"])).toEqual(["refused/topic"]);
  });

  it("stops delivering after unsubscribe", async () => {
    const { t, received } = transport(broker.current.tcpUrl);
    await t.connect();
    await t.subscribe(["a/one", "a/two"]);
    await t.unsubscribe(["a/one"]);
    await broker.current.publish("a/one", "x");
    await broker.current.publish("a/two", "y");
    await until(() => received.length === 1, "the message of the topic still held");
    expect(received.map((r) => r.topic)).toEqual(["a/two"]);
  });

  it("calls onClose once with a reason when the broker drops the connection", async () => {
    const { t, closes } = transport(broker.current.tcpUrl);
    await t.connect();
    broker.current.dropClients();
    await until(() => closes.length > 0, "onClose");
    // close() resolves once the client has ended: no later close can reach onClose.
    await t.close();
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatch(/\S/);
    expect(t.connected).toBe(false);
    expect(isConnectionError(await rejection(t.subscribe(["x/y"])))).toBe(true);
  });

  it("closes idempotently without calling onClose and delivers nothing afterwards", async () => {
    const { t, received, closes } = transport(broker.current.tcpUrl);
    const others = broker.current.clients();
    await t.connect();
    await t.subscribe(["after/close"]);
    await Promise.all([t.close(), t.close()]);
    await t.close();
    // Once the broker has let the client go, nothing published can reach it.
    await until(() => broker.current.clients() === others, "the broker to see the client go");
    await broker.current.publish("after/close", "late");
    expect(received).toEqual([]);
    expect(closes).toEqual([]);
    expect(t.connected).toBe(false);
    expect(isConnectionError(await rejection(t.connect()))).toBe(true);
  });
});

describe("the MQTT transport when connecting fails", () => {
  it("rejects with a ConnectionError naming HTTP 401 when the upgrade is refused", async () => {
    const broker = await startTestBroker({ allowUpgrade: () => false });
    try {
      const { t, closes } = transport(broker.wsUrl, { headers: { Authorization: "Bearer x" } });
      const err = (await rejection(t.connect())) as Error;
      expect(isConnectionError(err)).toBe(true);
      expect(String(err.message)).toMatch(/401/);
      expect(String(err.message)).not.toContain("Bearer x");
      expect(closes).toEqual([]);
    } finally {
      await broker.stop();
    }
  });

  it("rejects with a ConnectionError when nothing listens", async () => {
    const broker = await startTestBroker();
    const url = broker.tcpUrl;
    await broker.stop();
    const { t } = transport(url);
    expect(isConnectionError(await rejection(t.connect()))).toBe(true);
  });

  it("rejects with the abort reason when the signal aborts", async () => {
    const broker = await startTestBroker();
    try {
      const { t } = transport(broker.tcpUrl);
      const ac = new AbortController();
      const reason = new Error("stop now");
      ac.abort(reason);
      expect(await rejection(t.connect(ac.signal))).toBe(reason);
    } finally {
      await broker.stop();
    }
  });

  it("refuses malformed URLs and schemes with a TypeError", () => {
    const onMessage = (): void => {};
    expect(() => createSettradeTransport({ url: "not a url", onMessage })).toThrow(TypeError);
    expect(() => createSettradeTransport({ url: "http://127.0.0.1:1/", onMessage })).toThrow(
      /ws, wss, mqtt or mqtts/,
    );
    expect(() =>
      createSettradeTransport({ url: "mqtt://127.0.0.1:1", onMessage, connectTimeoutMs: 0 })
    )
      .toThrow(RangeError);
  });
});

describe("the MQTT transport over TLS", () => {
  const broker = brokerAroundTests({ tls: { key: TEST_KEY, cert: TEST_CERT } });

  it("verifies the certificate by default and refuses an unknown authority", async () => {
    const { t } = transport(broker.current.wsUrl);
    expect(isConnectionError(await rejection(t.connect()))).toBe(true);
  });

  it("trusts an extra certificate authority given as ca", async () => {
    const { t } = transport(broker.current.wsUrl, { ca: TEST_CERT });
    await t.connect();
    expect(t.connected).toBe(true);
  });

  it("trusts a certificate authority read from caFile, and refuses an unreadable one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tickwire-ca-"));
    try {
      const file = join(dir, "ca.pem");
      await writeFile(file, TEST_CERT);
      const { t } = transport(broker.current.wsUrl, { caFile: file });
      await t.connect();
      expect(t.connected).toBe(true);
      const missing = transport(broker.current.wsUrl, { caFile: join(dir, "missing.pem") });
      const err = await rejection(missing.t.connect());
      expect(isConfigError(err)).toBe(true);
      expect((err as { issues: { key: string }[] }).issues[0].key).toBe("caFile");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("connects to an unverified certificate only with insecureSkipTlsVerify", async () => {
    const { t } = transport(broker.current.wsUrl, { insecureSkipTlsVerify: true });
    await t.connect();
    expect(t.connected).toBe(true);
  });
});
