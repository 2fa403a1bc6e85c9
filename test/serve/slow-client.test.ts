import { afterEach, describe, expect, it } from "vitest";
import { RawWs } from "./_raw-ws.ts";
import { type Recorder, type Served, servedPerTest, waitUntil } from "./_helpers.ts";

const { serve, client } = servedPerTest();
const raws: RawWs[] = [];
// Registered last, so it runs first: the raw sockets go before the clients and the server.
afterEach(() => {
  for (const r of raws.splice(0)) r.destroy();
});

const subscribe = JSON.stringify({
  op: "subscribe",
  symbols: ["*"],
  channels: ["book"],
  maxRate: 1_000,
});

async function stalledAndLive(s: Served): Promise<{ stalled: RawWs; live: Recorder }> {
  const live = client(s.ws);
  await live.opened;
  live.send(subscribe);
  const stalled = await RawWs.open(s.server.port);
  raws.push(stalled);
  stalled.send(subscribe);
  await waitUntil(() => stalled.texts().some((t) => t.includes('"ack"')), 5_000, "the ack");
  stalled.pause();
  return { stalled, live };
}

/** Lets a stalled client read again, and waits for its backlog and then the close frame. */
async function resumeUntilClosed(stalled: RawWs): Promise<void> {
  stalled.resume();
  await waitUntil(
    () => stalled.closeCode !== undefined || stalled.ended,
    10_000,
    "the close frame",
  );
}

describe("serve slow clients", () => {
  it("closes a client that stays behind with 4008 and a reason, while the others keep receiving", async () => {
    // Conflation sends each key at most once per flush: many keys make a fast stream.
    const symbols = Array.from({ length: 60 }, (_, i) => `S${i}`);
    const s = await serve(
      { symbols, channels: ["book"], rate: 100 },
      { highWaterBytes: 64 * 1024, maxBehindMs: 500, maxRate: 1_000, closeTimeoutMs: 10_000 },
    );
    const { stalled, live } = await stalledAndLive(s);
    let atBehind = -1;
    await waitUntil(
      () => {
        const c = s.server.counters();
        if (atBehind < 0 && c.queued > 0) atBehind = live.of("book").length;
        return c.closedBy.slow === 1;
      },
      15_000,
      "the stalled client to be closed as too slow",
    );
    expect(atBehind).toBeGreaterThanOrEqual(0);
    expect(live.of("book").length).toBeGreaterThan(atBehind + 50);
    const before = live.of("book").length;
    await waitUntil(
      () => live.of("book").length >= before + 100,
      5_000,
      "more books after the close",
    );
    expect(live.closeCode).toBeUndefined();
    await resumeUntilClosed(stalled);
    expect(stalled.closeCode).toBe(4008);
    expect(stalled.closeReason).toMatch(/^too slow: over 65536 bytes unsent for 500 ms \(limit\)$/);
  });

  it("with conflation off, closes a client whose queue fills, and only that client", async () => {
    const s = await serve(
      // Fast enough to fill the stalled client's buffers, slow enough for the live client to
      // keep within the queue's 2,000 events on a busy machine (Deno's ws client is the slowest).
      { symbols: ["PTT", "AOT", "KBANK"], channels: ["book"], rate: 500 },
      { conflate: false, highWaterBytes: 64 * 1024, queueLimit: 2_000, closeTimeoutMs: 10_000 },
    );
    const { stalled, live } = await stalledAndLive(s);
    // The kernel's loopback buffers fill before the runtime's does (Deno's take longest): on a
    // busy machine that can take a while at the synthetic's rate.
    await waitUntil(
      () => s.server.counters().closedBy.slow >= 1,
      30_000,
      "the full queue to close it",
    );
    expect(live.closeCode).toBeUndefined();
    const before = live.of("book").length;
    await waitUntil(
      () => live.of("book").length >= before + 100,
      10_000,
      "more books after the close",
    );
    await resumeUntilClosed(stalled);
    expect(stalled.closeCode).toBe(4008);
    expect(stalled.closeReason).toBe("too slow: 2000 events queued (limit)");
    expect(s.server.counters().dropped).toBeGreaterThanOrEqual(1);
    expect(s.server.counters().closedBy.slow).toBe(1);
  }, 60_000);

  it("drops a connection that answers no ping, and keeps one that does", async () => {
    const s = await serve({}, { heartbeatMs: 500 });
    const live = client(s.ws);
    await live.opened;
    const deaf = await RawWs.open(s.server.port);
    raws.push(deaf);
    await waitUntil(() => s.server.counters().clients === 2, 5_000, "two clients");
    // Bun and Deno ping by themselves, on a coarser clock (Bun checks idle sockets every few seconds).
    await waitUntil(() => deaf.ended, 15_000, "the deaf client to be dropped");
    await waitUntil(() => s.server.counters().clients === 1, 5_000, "one client left");
    expect(live.closeCode).toBeUndefined();
    live.send({ op: "ping", id: "alive" });
    await live.next((m) => m.type === "pong", "pong from the live client");
  });
});
