import type { ChildProcess } from "node:child_process";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFeed, type Feed } from "../../../mod.ts";
import { CONTENT_TYPES, encodeEvent, publishFeed } from "../../../connectors/nats/mod.ts";
import type { FeedEvent, MarketEvent, StatusEvent } from "../../../src/events.ts";
import { type Logger, silentLogger } from "../../../src/log.ts";
import { spawnCli } from "../../_helpers/cli-process.ts";
import { makeQuote } from "../../_helpers/quote.ts";
import { NatsServer, skipReason, waitFor } from "./_server.ts";

const skip = skipReason();
if (skip !== undefined) console.warn(`[skip] ${skip}`);

const SYMBOLS = ["PTT", "BRK.B", "A B", "X*"];
const CHANNELS = ["quote", "book", "trade", "info"] as const;

function synthetic(limit: number | undefined, rate: number | "max"): Promise<Feed> {
  return createFeed({
    source: "synthetic",
    symbols: SYMBOLS,
    channels: [...CHANNELS],
    seed: 9,
    rate,
    ...(limit === undefined ? {} : { limit }),
    capacity: 100_000,
    logger: silentLogger,
  } as never);
}

interface Received {
  readonly feed: Feed;
  readonly market: MarketEvent[];
  readonly statuses: StatusEvent[];
}

async function consume(
  url: string,
  extra: Record<string, unknown>,
  logger = silentLogger,
): Promise<Received> {
  const feed = await createFeed({
    source: "nats",
    servers: url,
    stream: "E2E",
    symbols: SYMBOLS,
    channels: [...CHANNELS],
    capacity: 100_000,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    logger,
    ...extra,
  } as never);
  const r: Received = { feed, market: [], statuses: [] };
  // Pulled, not listened to: the queue holds what came before this line too.
  void (async () => {
    for await (const ev of feed as AsyncIterable<FeedEvent>) {
      if (ev.type === "status") r.statuses.push(ev);
      else r.market.push(ev);
    }
  })();
  return r;
}

function noStreamSeq(ev: MarketEvent): MarketEvent {
  const { streamSeq: _, ...rest } = ev;
  return rest as MarketEvent;
}

describe.skipIf(skip !== undefined)("synthetic → publish → JetStream → nats connector", () => {
  let server: NatsServer;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    server = await NatsServer.start();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await server?.dispose();
  });

  /** A fresh stream E2E, as publishFeed would create it (plus `extra`). */
  async function resetStream(extra: Record<string, unknown> = {}): Promise<void> {
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete("E2E").catch(() => undefined);
    await jsm.streams.add({ name: "E2E", subjects: ["tickwire.>"], ...extra } as never);
    await nc.close();
  }

  it("delivers every event once, in order, with identical fields (original stamps)", async () => {
    await resetStream();
    const source = await synthetic(3_000, "max");
    // What the source delivers from here on (events before this line are in its queue only).
    const sent: MarketEvent[] = [];
    source.on("event", (ev: FeedEvent) => ev.type !== "status" && sent.push(ev));
    const consumer = await consume(server.url, { start: "all", stamps: "original" });
    const pub = await publishFeed(source, {
      servers: server.url,
      stream: "E2E",
      logger: silentLogger,
    });
    await pub.done();
    await waitFor("every event", () => consumer.market.length >= 3_000);
    // A marker published after the run: the consumer reads the stream in order,
    // so a duplicate stored by the run would reach it before the marker.
    const marker = await synthetic(1, "max");
    const markerPub = await publishFeed(marker, {
      servers: server.url,
      stream: "E2E",
      logger: silentLogger,
    });
    await markerPub.done();
    await markerPub.close();
    await marker.close();
    await waitFor("the marker", () => consumer.market.length >= 3_001);
    expect(consumer.market).toHaveLength(3_001);
    consumer.market.pop();
    expect(consumer.market.map((e) => e.seq)).toEqual(
      Array.from({ length: 3_000 }, (_, i) => i + 1),
    );
    expect(sent.length).toBeGreaterThan(1_000);
    // toEqual: the synthetic source writes some absent fields as `key: undefined`,
    // which no wire carries; every value is compared, doubles with Object.is.
    expect(consumer.market.slice(-sent.length).map(noStreamSeq)).toEqual(sent);
    const streamSeqs = consumer.market.map((e) => e.streamSeq!);
    expect(streamSeqs.every((s, i) => i === 0 || s > streamSeqs[i - 1]!)).toBe(true);
    await consumer.feed.close();
    await pub.close();
    await source.close();
  }, 60_000);

  it(
    "stamps events as its own by default, keeping the published source, times and stream sequence",
    async () => {
      const consumer = await consume(server.url, { start: "all" });
      await waitFor("events", () => consumer.market.length >= 100);
      const ev = consumer.market[0]!;
      expect(ev.source).toBe("nats");
      expect(ev.origin).toBe("synthetic");
      expect(ev.seq).toBe(1);
      expect(ev.streamSeq).toBeGreaterThan(0);
      await consumer.feed.close();
    },
    30_000,
  );

  it("loses and duplicates nothing when the server restarts mid-stream", async () => {
    await resetStream();
    const source = await synthetic(5_000, 1_000);
    const consumer = await consume(server.url, { start: "all", stamps: "original" });
    const pub = await publishFeed(source, {
      servers: server.url,
      stream: "E2E",
      ackTimeoutMs: 1_000,
      logger: silentLogger,
    });
    await waitFor("1,000 events through", () => consumer.market.length >= 1_000, 30_000);
    await server.stop();
    await waitFor(
      "the consumer to notice",
      () => consumer.statuses.some((s) => s.kind === "disconnected"),
    );
    await server.restart();
    await pub.done();
    await waitFor("every event", () => consumer.market.length >= 5_000, 30_000);
    const seqs = consumer.market.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 1));
    expect(consumer.statuses.some((s) => s.kind === "connected" && s.epoch >= 1)).toBe(true);
    expect(pub.health().dropped).toBe(0);
    await consumer.feed.close();
    await pub.close();
    await source.close();
  }, 90_000);

  it("counts and skips bad messages with a clear log line, and goes on", async () => {
    await resetStream();
    const lines: string[] = [];
    const logger: Logger = {
      ...silentLogger,
      warn: (m) => void lines.push(m),
      error: (m) => void lines.push(m),
    };
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "E2E", subjects: ["tickwire.>"] } as never);
    const consumer = await consume(server.url, { start: "all" }, logger);
    const js = jetstream(nc);
    const send = (data: Uint8Array, ct: string) => {
      const h = headers();
      h.set("Content-Type", ct);
      return js.publish("tickwire.synthetic.quote.PTT", data, { headers: h });
    };
    const good = makeQuote({
      source: "synthetic",
      recvTs: 1,
      recvMono: 1,
      ask: 2,
      bidSize: 3,
      askSize: 4,
    });
    await send(new Uint8Array([0xff, 0x01, 0x02]), CONTENT_TYPES.protobuf);
    await send(encodeEvent(good), "application/x-protobuf; schema=tickwire.v2");
    await send(encodeEvent(good), CONTENT_TYPES.protobuf);
    await waitFor("the good event", () => consumer.market.length === 1);
    expect(consumer.feed.health().decodeErrors).toBe(2);
    expect(lines.join("\n")).toMatch(/skipped message 1 on "tickwire\.synthetic\.quote\.PTT"/);
    expect(lines.join("\n")).toMatch(
      /unknown schema or encoding "application\/x-protobuf; schema=tickwire\.v2"/,
    );
    await consumer.feed.close();
    await nc.close();
  }, 30_000);

  it("reports what the stream no longer holds as a gap with the missing range", async () => {
    await resetStream({ max_msgs: 50 });
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    const source = await synthetic(200, "max");
    const pub = await publishFeed(source, {
      servers: server.url,
      stream: "E2E",
      kvBucket: false,
      logger: silentLogger,
    });
    await pub.done();
    const info = await jsm.streams.info("E2E");
    const consumer = await consume(server.url, { start: { seq: 1 } });
    await waitFor("the gap", () => consumer.statuses.some((s) => s.kind === "gap"));
    const gap = consumer.statuses.find((s) => s.kind === "gap") as StatusEvent & {
      from: number;
      to: number;
    };
    expect([gap.from, gap.to]).toEqual([1, info.state.first_seq - 1]);
    await consumer.feed.close();
    await pub.close();
    await source.close();
    await nc.close();
  }, 30_000);

  it(
    "sees a publisher killed with SIGKILL and started again: a publisher-restart status, no duplicate",
    async () => {
      await resetStream();
      const consumer = await consume(server.url, { start: "new" });
      const env = { DATA_SOURCE: "synthetic", SYNTHETIC_RATE: "200", SYNTHETIC_SYMBOLS: "PTT,AOT" };
      const args = ["publish", "--server", server.url, "--stream", "E2E"];
      const first = spawnCli(args, env, children);
      let err = "";
      first.stderr!.on("data", (d) => (err += d));
      await waitFor(
        `events of the first run (stderr: ${err})`,
        () => consumer.market.length >= 200,
        30_000,
      );
      first.kill("SIGKILL");
      await new Promise((r) => first.once("exit", r));
      const before = consumer.market.length;
      const second = spawnCli(args, env, children);
      await waitFor(
        "events of the second run",
        () => consumer.market.length >= before + 200,
        30_000,
      );
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
      const restart = consumer.statuses.find((s) =>
        s.kind === "error" && s.code === "publisher-restart"
      );
      expect(restart?.reason).toMatch(/publisher of "synthetic" restarted: run \w+ → \w+/);
      const streamSeqs = consumer.market.map((e) => e.streamSeq!);
      expect(new Set(streamSeqs).size).toBe(streamSeqs.length);
      expect(streamSeqs.every((s, i) => i === 0 || s > streamSeqs[i - 1]!)).toBe(true);
      await consumer.feed.close();
    },
    90_000,
  );
});
