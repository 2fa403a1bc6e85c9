import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.ts";
import type { ConnectorDefinition, EventSink, RawTap } from "../../src/connector.ts";
import { createFeed } from "../../mod.ts";
import type { MarketEvent } from "../../src/events.ts";
import { silentLogger } from "../../src/log.ts";
import { openCapture } from "../../connectors/replay/capture/reader.ts";
import { createRecorder, inspectCapture } from "../../connectors/replay/mod.ts";
import { quote, status } from "./capture/_helpers.ts";
import { lastScripted, scriptedConnector } from "../_helpers/scripted-connector.ts";
import {
  memoryRecorder,
  memorySink,
  recordQuotes,
  replayToEnd,
  tempDir,
  until,
} from "./_replay-helpers.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

async function kindsOf(bytes: Uint8Array): Promise<string[]> {
  const reader = await openCapture(new Response(bytes as Uint8Array<ArrayBuffer>).body!);
  const kinds: string[] = [];
  for await (const r of reader.records()) {
    kinds.push(r.kind === "close" ? `close:${r.reason}` : r.kind);
  }
  expect(reader.issues).toEqual([]);
  return kinds;
}

describe("recorder", () => {
  it("flushes when the size threshold is reached, and otherwise on the time threshold", async () => {
    const clock = new ManualClock();
    const out = memorySink();
    const rec = await createRecorder({
      out: out.stream,
      flushBytes: 1_000,
      flushMs: 500,
      clock,
      logger: silentLogger,
    });
    rec.event(quote(1));
    await turns();
    expect(out.bytes().length).toBe(0);
    clock.advance(499);
    await turns();
    expect(out.bytes().length).toBe(0);
    clock.advance(1);
    await turns();
    expect(await kindsOf(out.bytes())).toEqual(["event"]);
    for (let i = 2; i <= 8; i++) rec.event(quote(i));
    await turns();
    expect((await kindsOf(out.bytes())).length).toBeGreaterThanOrEqual(5);
    await rec.close();
    expect(await kindsOf(out.bytes())).toEqual([...Array(8).fill("event"), "close:closed"]);
  });

  it("rotates to numbered parts by size, each a complete capture, and lists its files", async () => {
    const path = tmp.path("rot.twr");
    const rec = await recordQuotes(path, 40, {
      rotateBytes: 4_000,
      flushBytes: 1_000,
      source: "synthetic",
      meta: { desk: "a" },
    });
    const files = rec.stats().files;
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.slice(0, 3)).toEqual([path, tmp.path("rot.1.twr"), tmp.path("rot.2.twr")]);
    let seq = 0;
    for (const [i, file] of files.entries()) {
      const summary = await inspectCapture(file);
      expect(summary.issues).toEqual([]);
      expect(summary.closedCleanly).toBe(true);
      expect(summary.header).toMatchObject({ source: "synthetic", part: i, meta: { desk: "a" } });
      const reader = await openCapture(new Response(readFileSync(file)).body!);
      for await (const r of reader.records()) {
        if (r.kind === "event") expect((r.event as MarketEvent).seq).toBe(++seq);
        if (r.kind === "close") {
          expect(r.reason).toBe(i === files.length - 1 ? "closed" : "rotated");
        }
      }
    }
    expect(seq).toBe(40);
  });

  it("rotates at the day boundary of recvTs, in the given time zone", async () => {
    const path = tmp.path("day.ndjson");
    const rec = await createRecorder({
      events: path,
      rotateDaily: true,
      dayOffsetMinutes: 420,
      logger: silentLogger,
    });
    const bangkokMidnight = Date.UTC(2026, 0, 5, 17, 0, 0);
    rec.event(quote(1, "PTT", { recvTs: bangkokMidnight - 1 }));
    rec.event(quote(2, "PTT", { recvTs: bangkokMidnight - 0.5 }));
    rec.event(quote(3, "PTT", { recvTs: bangkokMidnight }));
    await rec.close();
    expect(rec.stats().files).toEqual([path, tmp.path("day.1.ndjson")]);
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(2);
    expect(JSON.parse(readFileSync(tmp.path("day.1.ndjson"), "utf8")).seq).toBe(3);
  });

  it("refuses to replace an existing file unless told to, before recording anything", async () => {
    const path = tmp.path("exists.twr");
    writeFileSync(path, "keep me");
    await expect(createRecorder({ out: path, logger: silentLogger })).rejects.toThrow(
      /EEXIST|exists/i,
    );
    expect(readFileSync(path, "utf8")).toBe("keep me");
    await expect(createRecorder({ out: tmp.path("no/such/dir/x.twr"), logger: silentLogger }))
      .rejects.toThrow(/ENOENT|no such file|not found/i);
    const rec = await createRecorder({ out: path, overwrite: true, logger: silentLogger });
    await rec.close();
    expect((await inspectCapture(path)).closedCleanly).toBe(true);
  });

  it("rejects bad options with the option named", async () => {
    await expect(createRecorder({})).rejects.toThrow(TypeError);
    await expect(createRecorder({ out: memorySink().stream, rotateBytes: 10 })).rejects.toThrow(
      /rotation needs file paths/,
    );
    await expect(createRecorder({ out: memorySink().stream, flushBytes: 0 })).rejects.toThrow(
      /flushBytes must be a positive number, got 0/,
    );
  });

  it("closes once, on close(), on its AbortSignal, and when the recorded connector ends", async () => {
    const controller = new AbortController();
    const out = memorySink();
    const rec = await createRecorder({
      out: out.stream,
      signal: controller.signal,
      logger: silentLogger,
    });
    rec.status(status("connected"));
    controller.abort();
    await rec.closed();
    await rec.close("again");
    expect(await kindsOf(out.bytes())).toEqual(["status", "close:aborted"]);
    rec.event(quote(1));
    expect(rec.stats().events).toBe(0);

    const out2 = memorySink();
    const rec2 = await createRecorder({ out: out2.stream, logger: silentLogger });
    const feed = await createFeed({
      source: rec2.connector(scriptedConnector),
      logLevel: "silent",
    });
    lastScripted().quote("PTT", 5);
    await feed.close();
    await rec2.closed();
    expect(await kindsOf(out2.bytes())).toEqual([
      "status",
      "status",
      "event",
      "status",
      "status",
      "close:end",
    ]);
    expect(feed.poll().filter((e) => e.type === "quote")).toHaveLength(1);
  });

  it("records raw payloads instead of the events decoded from them, and passes them on to another tap", async () => {
    const seen: string[] = [];
    const tapped: RawTap = { payload: (topic) => void seen.push(topic) };
    const wire: ConnectorDefinition<unknown> = {
      ...scriptedConnector,
      name: "wire",
      create(options, ctx) {
        const c = scriptedConnector.create(options as never, ctx);
        const connect = c.connect.bind(c);
        return Object.assign(c, {
          connect: async () => {
            await connect();
            ctx.rawTap?.payload("w/PTT", Uint8Array.of(1, 2), 1, 1, 0);
            (c as unknown as { quote(s: string): boolean }).quote("PTT");
          },
        });
      },
    };
    const { rec, raw: out, nd } = await memoryRecorder({ statuses: false });
    const feed = await createFeed({
      source: rec.connector(wire),
      rawTap: tapped,
      logLevel: "silent",
    });
    await feed.close();
    await rec.closed();
    expect(seen).toEqual(["w/PTT"]);
    expect(await kindsOf(out.bytes())).toEqual([
      "status",
      "status",
      "payload",
      "status",
      "status",
      "close:end",
    ]);
    expect(nd.text().trim().split("\n").map((l) => JSON.parse(l).type)).toEqual(["quote"]);
    expect(rec.stats()).toMatchObject({ events: 1, payloads: 1, statuses: 4 });
  });

  it("writes gzip files that the reader and any gunzip read back", async () => {
    const path = tmp.path("z.twr.gz");
    const rec = await recordQuotes(path, 30, { flushBytes: 500 });
    const bytes = readFileSync(path);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const summary = await inspectCapture(path);
    expect(summary).toMatchObject({ compressed: true, closedCleanly: true, records: 31 });
    expect(rec.stats().bytes).toBe(bytes.length);
    expect(existsSync(path)).toBe(true);
  });

  it("records while the feed's own listeners receive the same events", async () => {
    const out = memorySink();
    const rec = await createRecorder({ out: out.stream, logger: silentLogger });
    const feed = await createFeed({
      source: rec.connector(scriptedConnector),
      logLevel: "silent",
      buffer: false,
    });
    const got: number[] = [];
    feed.on("quote", (q) => void got.push(q.bid));
    lastScripted().quote("PTT", 7);
    await feed.close();
    await until(() => rec.stats().bytes > 0, "the capture");
    expect(got).toEqual([7]);
  });
});

describe("recorder backpressure", () => {
  /** A stream whose writes wait until `open()`; counts the bytes it took. */
  function gatedSink(): { stream: WritableStream<Uint8Array>; open(): void; bytes(): Uint8Array } {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const chunks: Uint8Array[] = [];
    return {
      stream: new WritableStream<Uint8Array>({
        write: async (c) => {
          await gate;
          chunks.push(c.slice());
        },
      }),
      open: () => release(),
      bytes: () => {
        const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        let at = 0;
        for (const c of chunks) (all.set(c, at), at += c.length);
        return all;
      },
    };
  }

  /** A definition that hands its sink out, so a test can be the producer. */
  function bareDefinition(): { definition: ConnectorDefinition; sink(): EventSink } {
    let sink: EventSink | undefined;
    return {
      definition: {
        name: "bare",
        capabilities: { channels: ["quote"], intervals: [], wildcard: false },
        env: [],
        optionKeys: [],
        parseOptions: () => ({}),
        create: (_o: unknown, ctx: { sink: EventSink }) => {
          sink = ctx.sink;
          return {
            connect: async () => {},
            disconnect: async () => {},
            subscribe: async () => {},
            unsubscribe: async () => {},
          } as never;
        },
      } as never,
      sink: () => sink!,
    };
  }

  it("asks the producer to pause when writes fall behind, and drops with exact counts past dropAboveBytes", async () => {
    const out = gatedSink();
    const rec = await createRecorder({
      out: out.stream,
      flushBytes: 1_000,
      maxPendingBytes: 2_000,
      dropAboveBytes: 4_000,
      logger: silentLogger,
    });
    const { definition, sink } = bareDefinition();
    const inner: EventSink = {
      event: () => true,
      status: () => {},
      decodeError: () => {},
      drain: () => Promise.resolve(),
    };
    rec.connector(definition).create({}, { sink: inner, logger: silentLogger } as never);
    const accepted: boolean[] = [];
    for (let i = 1; i <= 200; i++) accepted.push(sink().event(quote(i)));
    const paused = accepted.indexOf(false);
    expect(paused).toBeGreaterThan(0);
    const s = rec.stats();
    expect(s.events).toBe(200);
    expect(s.dropped).toBeGreaterThan(0);
    // Everything not dropped is written once the disk catches up; drain() then resolves.
    let drained = false;
    const draining = sink().drain().then(() => (drained = true));
    await turns();
    expect(drained).toBe(false);
    out.open();
    await draining;
    await rec.close();
    expect(rec.stats().pendingBytes).toBe(0);
    const kinds = await kindsOf(out.bytes());
    expect(kinds.filter((k) => k === "event").length).toBe(200 - s.dropped);
    expect(kinds.at(-1)).toBe("close:closed");
  });
});

describe("recorder write path", () => {
  /** Payload `i`: its own bytes (length and content vary with `i`). */
  const payloadOf = (i: number): Uint8Array => {
    const bytes = new Uint8Array(40 + (i * 37) % 300);
    for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 131 + j * 7) & 0xff;
    return bytes;
  };

  for (const ext of ["twr", "twr.gz"]) {
    it(`keeps every payload byte for byte through small flushes, queued writes, reused buffers and rotation (.${ext})`, async () => {
      const path = tmp.path(`path.${ext}`);
      const rec = await createRecorder({
        out: path,
        flushBytes: 4_096,
        rotateBytes: 200_000,
        logger: silentLogger,
      });
      const recorded = rec.connector(
        { name: "bench", create: (_o: unknown, ctx: never) => ctx } as never,
      );
      const inner: EventSink = {
        event: () => true,
        status: () => {},
        decodeError: () => {},
        drain: () => Promise.resolve(),
      };
      const ctx = recorded.create({}, { sink: inner } as never) as unknown as {
        sink: EventSink;
        rawTap: RawTap;
      };
      const n = 20_000;
      let pauses = 0;
      // The producer reuses one buffer, as a socket reader does: the recorder copies.
      const scratch = new Uint8Array(400);
      for (let i = 1; i <= n; i++) {
        const p = payloadOf(i);
        scratch.set(p);
        ctx.rawTap.payload(`proto/topic/t${i % 7}`, scratch.subarray(0, p.length), 1e12 + i, i, 0);
        if (!ctx.sink.event(quote(i))) {
          pauses++;
          await ctx.sink.drain();
        }
      }
      await rec.close();
      const s = rec.stats();
      expect(s.error).toBeUndefined();
      expect(s.dropped).toBe(0);
      expect(pauses).toBeGreaterThan(0);
      expect(s.files.length).toBeGreaterThan(3);
      // Concatenated parts read as one capture (FORMAT.md, "Concatenation").
      const all = new Blob(s.files.map((f) => readFileSync(f))).stream();
      const reader = await openCapture(all, { name: path });
      let i = 0;
      const wrong: number[] = [];
      for await (const r of reader.records()) {
        if (r.kind !== "payload") continue;
        i++;
        const want = payloadOf(i);
        const same = r.topic === `proto/topic/t${i % 7}` && r.recvTs === 1e12 + i &&
          r.payload.length === want.length && r.payload.every((b, j) => b === want[j]);
        if (!same && wrong.length < 5) wrong.push(i);
      }
      expect(reader.issues).toEqual([]);
      expect(wrong).toEqual([]);
      expect(i).toBe(n);
    });
  }

  it("never writes a flush larger than flushBytes: each gzip member holds at most that", async () => {
    const path = tmp.path("members.twr.gz");
    const rec = await createRecorder({ out: path, flushBytes: 2_000, logger: silentLogger });
    for (let i = 1; i <= 2_000; i++) {
      rec.payload("proto/topic/bidofferv3/PTT", payloadOf(i), 1e12 + i, i, 0);
    }
    await rec.close();
    const file = readFileSync(path);
    const sizes: number[] = [];
    for (let at = 0; at < file.length;) {
      // The `TW` field: the member's length (FORMAT.md, "Compression").
      expect([file[at], file[at + 1], file[at + 12], file[at + 13]]).toEqual([
        0x1f,
        0x8b,
        0x54,
        0x57,
      ]);
      const size = file.readUInt32LE(at + 16);
      sizes.push(gunzipSync(file.subarray(at, at + size)).length);
      at += size;
    }
    expect(sizes.length).toBeGreaterThan(100);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2_000);
  });
});

describe("recorder segments and fsync", () => {
  it("rotates by size and by time, and a rotated set replays as one from its first part", async () => {
    for (const name of ["set.twr", "set.twr.gz"]) {
      const path = tmp.path(name);
      const rec = await createRecorder({
        out: path,
        rotateBytes: 3_000,
        rotateMs: 15,
        flushBytes: 500,
        logger: silentLogger,
      });
      // Every 10th event jumps 20 ms ahead: a part never spans 15 ms.
      for (let i = 1; i <= 60; i++) {
        rec.event(quote(i, "PTT", { recvTs: 1_767_582_000_000 + i + 20 * Math.floor(i / 10) }));
      }
      await rec.close();
      const files = rec.stats().files;
      expect(files.length).toBeGreaterThanOrEqual(6);
      const run = await replayToEnd({ file: path, speed: "max" });
      const seqs = run.rec.events.map((e) => (e as { bidSize: number }).bidSize / 100);
      expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      const summary = await inspectCapture(path);
      expect(summary.counts.event).toBe(60);
      expect(summary.counts.close).toBe(files.length);
      // A numbered part read alone is that part only.
      expect((await inspectCapture(files[1]!)).counts.close).toBe(1);
    }
  });

  it("rotates paths at 25 MiB by default, and never with rotateBytes: false", async () => {
    const rec = await createRecorder({ out: tmp.path("d.twr"), logger: silentLogger });
    const rec2 = await createRecorder({
      out: tmp.path("e.twr"),
      rotateBytes: false,
      logger: silentLogger,
    });
    const big = "X".repeat(900_000);
    for (let i = 1; i <= 40; i++) {
      rec.event(quote(i, big));
      rec2.event(quote(i, big));
      await until(() => rec.stats().pendingBytes + rec2.stats().pendingBytes === 0, "the writes");
    }
    await rec.close();
    await rec2.close();
    expect(rec.stats().files.length).toBe(2);
    expect(rec2.stats().files.length).toBe(1);
  });

  it("fsyncs per its policy: none, at most every fsyncMs, or after every write", async () => {
    const syncs: Record<string, number> = {};
    for (const fsync of ["none", "interval", "every-flush"] as const) {
      const clock = new ManualClock();
      const rec = await createRecorder({
        out: tmp.path(`sync-${fsync}.twr`),
        flushBytes: 500,
        fsync,
        fsyncMs: 1_000,
        clock,
        logger: silentLogger,
      });
      for (let i = 1; i <= 40; i++) {
        rec.event(quote(i));
        if (i === 20) {
          await until(() => rec.stats().pendingBytes === 0, "the writes");
          clock.advance(1_000);
        }
      }
      await rec.close();
      syncs[fsync] = rec.stats().syncs;
    }
    expect(syncs.none).toBe(0);
    // None in the first fsyncMs, one after the first write past it, one at close.
    expect(syncs.interval).toBe(2);
    // One per write (40 records of ~150 bytes in 500-byte flushes), and one at close.
    expect(syncs["every-flush"]).toBeGreaterThan(8);
    await expect(createRecorder({ out: tmp.path("x.twr"), fsync: "always" as never })).rejects
      .toThrow(/fsync must be one of none, interval, every-flush, got "always"/);
  });
});
