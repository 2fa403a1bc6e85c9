import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFeed } from "../../../mod.ts";
import {
  CONTENT_TYPES,
  decodeEvent,
  eventSubject,
  publisherServeExtra,
  publishFeed,
} from "../../../connectors/nats/mod.ts";
import { serveFeed } from "../../../serve/mod.ts";
import type { FeedEvent, StatusEvent } from "../../../src/events.ts";
import { silentLogger } from "../../../src/log.ts";
import { NatsServer, skipReason, waitFor } from "./_server.ts";

const skip = skipReason();
if (skip !== undefined) console.warn(`[skip] ${skip}`);

interface Stored {
  readonly seq: number;
  readonly id: string;
  readonly subject: string;
  readonly ev: FeedEvent;
}

/** Reads the whole stream with a plain ordered consumer. */
async function readAll(nc: NatsConnection, stream: string): Promise<Stored[]> {
  const js = jetstream(nc);
  const info = await (await jetstreamManager(nc)).streams.info(stream);
  const total = info.state.messages;
  const c = await js.consumers.get(stream);
  const out: Stored[] = [];
  if (total === 0) return out;
  const iter = await c.consume();
  for await (const m of iter) {
    out.push({
      seq: m.seq,
      id: m.headers?.get("Nats-Msg-Id") ?? "",
      subject: m.subject,
      ev: decodeEvent(m.data, m.headers?.get("Content-Type")),
    });
    if (out.length >= total) break;
  }
  await iter.close();
  return out;
}

function feedOf(limit: number, rate: number | "max" = "max") {
  return createFeed({
    source: "synthetic",
    symbols: ["PTT", "BRK.B", "AOT"],
    channels: ["quote", "book", "trade"],
    seed: 11,
    rate,
    limit,
    logger: silentLogger,
    capacity: 100_000,
  } as never);
}

describe.skipIf(skip !== undefined)("publishFeed against a real nats-server", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.dispose();
  });

  it("stores every event once, in order, with a stable Nats-Msg-Id and the latest state in KV", async () => {
    const feed = await feedOf(600);
    const pub = await publishFeed(feed, {
      servers: server.url,
      stream: "ONE",
      logger: silentLogger,
    });
    await pub.done();
    await pub.close();
    const h = pub.health();
    const stored = await readAll(nc, "ONE");
    const market = stored.filter((s) => s.ev.type !== "status");
    expect(market).toHaveLength(600);
    expect(market.map((s) => (s.ev as { seq: number }).seq)).toEqual(
      Array.from({ length: 600 }, (_, i) => i + 1),
    );
    for (const s of market) {
      const ev = s.ev as Exclude<FeedEvent, { type: "status" }>;
      expect(s.id).toBe(`${pub.runId}-${ev.seq}`);
      expect(s.subject).toBe(eventSubject("synthetic", ev.type as "quote", ev.symbol));
    }
    expect(stored.some((s) => s.subject === "tickwire.synthetic.status")).toBe(true);
    expect(market.some((s) => s.subject === "tickwire.synthetic.quote.BRK=2EB")).toBe(true);
    expect(h.published).toBe(stored.length);
    expect(h.acknowledged).toBe(stored.length);
    expect(h.dropped).toBe(0);
    expect(h.buffered).toBe(0);
    expect(h.deduplicated).toBe(0);
    // The KV bucket holds the last quote of each symbol.
    const kv = await new Kvm(nc).open("tickwire-latest");
    const lastQuote = market.filter((s) => s.ev.type === "quote" && s.ev.symbol === "BRK.B").at(
      -1,
    )!;
    const entry = await kv.get("synthetic.quote.BRK=2EB");
    expect(decodeEvent(entry!.value, CONTENT_TYPES.protobuf)).toEqual(lastQuote.ev);
    await feed.close();
  });

  it("refuses an existing stream whose settings differ, naming each one", async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete("ONE");
    await jsm.streams.add(
      { name: "OTHER", subjects: ["tickwire.>"], max_bytes: 1_000_000 } as never,
    );
    const feed = await feedOf(10);
    const err = await publishFeed(feed, {
      servers: server.url,
      stream: "OTHER",
      replicas: 1,
      logger: silentLogger,
    }).catch((e) => e);
    expect(String(err)).toMatch(/stream "OTHER" exists with other settings/);
    expect(String(err)).toMatch(/max_bytes is 1000000, asked -1 \(--max-bytes\)/);
    await feed.close();
    await jsm.streams.delete("OTHER");
  });

  it("publishes what an ended feed still holds when closed, nothing left behind", async () => {
    const feed = await feedOf(20_000);
    const pub = await publishFeed(feed, {
      servers: server.url,
      stream: "DRAIN",
      logger: silentLogger,
    });
    await waitFor("a first acknowledgement", () => pub.health().acknowledged > 0);
    await feed.close();
    // The synthetic feed generates far faster than one publisher sends.
    expect(feed.health().queue.size).toBeGreaterThan(0);
    await pub.close();
    const h = pub.health();
    expect(h.buffered).toBe(0);
    expect(h.dropped).toBe(0);
    expect(h.acknowledged).toBe(h.published);
    const check = await connect({ servers: server.url });
    const info = await (await jetstreamManager(check)).streams.info("DRAIN");
    expect(info.state.messages).toBe(h.published);
    await (await jetstreamManager(check)).streams.delete("DRAIN");
    await check.close();
  }, 60_000);

  it(
    "loses and duplicates nothing when the server restarts mid-stream, and says so in status, /health and /metrics",
    async () => {
      const feed = await feedOf(4_000, 2_000);
      const pub = await publishFeed(feed, {
        servers: server.url,
        stream: "RESTART",
        ackTimeoutMs: 1_000,
        logger: silentLogger,
      });
      const statuses: StatusEvent[] = [];
      void (async () => {
        for await (const s of pub.status()) statuses.push(s);
      })();
      await using http = await serveFeed(feed, {
        port: 0,
        logger: silentLogger,
        extra: publisherServeExtra(pub, 100),
      });
      const get = async (path: string) => {
        const res = await fetch(`${http.url}${path}`);
        return { status: res.status, text: await res.text() };
      };
      await waitFor("1,000 acknowledged", () => pub.health().acknowledged >= 1_000);
      await server.stop();
      await waitFor("the publisher to notice", () => !pub.health().connected);
      // The publisher's part of /health gives its reason once the grace is over (the
      // feed's own reason, such as its end, comes first in the body).
      await waitFor("/health to blame NATS", async () => {
        const h = await get("/health");
        return h.status === 503 && JSON.parse(h.text).publisher.reason !== undefined;
      });
      const down = JSON.parse((await get("/health")).text);
      expect(down.publisher.reason).toMatch(/^NATS unreachable for \d+ ms \(grace 100 ms\)$/);
      expect(down.publisher).toMatchObject({ connected: false, dropped: 0 });
      expect((await get("/metrics")).text).toMatch(/^tickwire_publish_connected 0$/m);
      await server.restart();
      await pub.done();
      // The client reports the reconnect on its own schedule, after it has sent again.
      await waitFor("the publisher to report the reconnect", () => pub.health().connected);
      const h = pub.health();
      const metrics = (await get("/metrics")).text;
      expect(metrics).toContain(`tickwire_publish_published_total ${h.published}\n`);
      expect(metrics).toContain(`tickwire_publish_acknowledged_total ${h.acknowledged}\n`);
      expect(metrics).toContain(`tickwire_publish_dropped_total 0\n`);
      expect(metrics).toMatch(/^tickwire_publish_reconnects_total [1-9]\d*$/m);
      // The feed has ended by now (503 for that); the publisher is well again.
      const up = JSON.parse((await get("/health")).text);
      expect(up.publisher).toMatchObject({ connected: true, disconnectedForMs: 0 });
      expect(up.publisher.reason).toBeUndefined();
      await pub.close();
      const kinds = statuses.map((s) => s.kind);
      expect(kinds[0]).toBe("disconnected");
      expect(kinds).toContain("reconnecting");
      expect(kinds.slice(-2)).toStrictEqual(["connected", "end"]);
      expect(statuses.at(-2)).toMatchObject({ source: "nats-publish", epoch: h.reconnects });
      const check = await connect({ servers: server.url });
      const stored = await readAll(check, "RESTART");
      await check.close();
      const seqs = stored.filter((s) => s.ev.type !== "status").map((s) =>
        (s.ev as { seq: number }).seq
      );
      expect(new Set(seqs).size).toBe(seqs.length);
      expect([...seqs].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 4_000 }, (_, i) => i + 1),
      );
      expect(h.reconnects).toBeGreaterThanOrEqual(1);
      expect(h.acknowledged).toBe(h.published);
      expect(h.dropped).toBe(0);
      await feed.close();
    },
    60_000,
  );
});
