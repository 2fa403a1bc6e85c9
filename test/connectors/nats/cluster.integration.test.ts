import { afterAll, describe, expect, it } from "vitest";
import { createFeed, type Feed } from "../../../mod.ts";
import { type Publisher, publishFeed } from "../../../connectors/nats/mod.ts";
import type { FeedEvent, MarketEvent, StatusEvent } from "../../../src/events.ts";
import { silentLogger } from "../../../src/log.ts";
import { freePort, NatsServer, skipReason, waitFor } from "./_server.ts";

const skip = skipReason();
if (skip !== undefined) console.warn(`[skip] ${skip}`);

describe.skipIf(skip !== undefined)("a 3-node JetStream cluster with an R3 stream", () => {
  const nodes: NatsServer[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.dispose();
  });

  it(
    "loses and duplicates nothing when the node its clients know is killed mid-stream, and both report the failover",
    async () => {
      const routes = [await freePort(), await freePort(), await freePort()];
      const routeList = routes.map((p) => `nats://127.0.0.1:${p}`).join(",");
      for (let i = 0; i < 3; i++) {
        nodes.push(
          await NatsServer.start([
            "--server_name",
            `n${i + 1}`,
            "--cluster_name",
            "tickwire",
            "--cluster",
            `nats://127.0.0.1:${routes[i]}`,
            "--routes",
            routeList,
          ]),
        );
      }
      // Publisher and consumer are given the first node's URL only: when it dies, they
      // must find the others from what the cluster advertised.
      const victim = nodes[0]!;
      const servers = [victim.url];
      const source = await createFeed({
        source: "synthetic",
        symbols: ["PTT", "AOT"],
        channels: ["quote", "trade"],
        seed: 4,
        rate: 500,
        limit: 3_000,
        capacity: 100_000,
        logger: silentLogger,
      } as never);
      // The cluster elects its JetStream leader first: publishing starts once the R3 stream exists.
      let pub: Publisher | undefined;
      await waitFor("the R3 stream", async () => {
        pub = await publishFeed(source, {
          servers,
          stream: "R3",
          replicas: 3,
          ackTimeoutMs: 2_000,
          logger: silentLogger,
        }).catch(() => undefined);
        return pub !== undefined;
      }, 60_000);
      const published: StatusEvent[] = [];
      void (async () => {
        for await (const s of pub!.status()) published.push(s);
      })();
      const consumer: Feed = await createFeed({
        source: "nats",
        servers,
        stream: "R3",
        start: "all",
        stamps: "original",
        symbols: ["PTT", "AOT"],
        channels: ["quote", "trade"],
        capacity: 100_000,
        reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
        logger: silentLogger,
      } as never);
      const market: MarketEvent[] = [];
      const statuses: StatusEvent[] = [];
      void (async () => {
        for await (const ev of consumer as AsyncIterable<FeedEvent>) {
          if (ev.type === "status") statuses.push(ev);
          else market.push(ev);
        }
      })();
      await waitFor("800 events", () => market.length >= 800, 60_000);
      const before = market.length;
      await victim.stop("SIGKILL");
      await pub!.done();
      await waitFor("every event", () => market.length >= 3_000, 90_000);
      const seqs = market.map((e) => e.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect([...seqs].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 3_000 }, (_, i) => i + 1),
      );
      const h = pub!.health();
      expect(h.dropped).toBe(0);
      expect(h.acknowledged).toBe(h.published);
      expect(h.reconnects).toBeGreaterThanOrEqual(1);
      // The publisher reports its failover: lost, then connected again in a new epoch.
      const pubKinds = published.map((s) => s.kind);
      expect(pubKinds[0]).toBe("disconnected");
      expect(published.find((s) => s.kind === "connected")).toMatchObject({
        source: "nats-publish",
        epoch: 1,
      });
      // So does the consumer, through its feed, and it resumed without a gap.
      const after = statuses.map((s) => s.kind);
      expect(after).toContain("disconnected");
      expect(after.lastIndexOf("connected")).toBeGreaterThan(after.indexOf("disconnected"));
      expect(after).not.toContain("gap");
      expect(before).toBeLessThan(3_000);
      await consumer.close();
      await pub!.close();
      await source.close();
    },
    180_000,
  );
});
