/**
 * Section "nats": one publisher to four consumers through NATS JetStream, on a
 * nats-server this section starts itself (loopback, free port, its own store;
 * skipped when the binary is missing).
 *
 * Two paths, in the same run, over the same bytes (`tickwire.v1` protobuf quotes):
 *
 * - **tickwire**: events pushed into a feed → `publishFeed` (ack window 256,
 *   KV of the latest quote on) → JetStream → four `nats` feeds (`start: "all"`);
 * - **plain**: the same encoded payloads published with `@nats-io/jetstream`'s
 *   `js.publish` (window 256, `msgID`) → four ordered consumers.
 *
 * Throughput: `events` quotes pushed at once; events per second from the first
 * push until every consumer holds every event, counted per consumer (zero loss
 * checked: each consumer must see every stream sequence once). Latency: a
 * paced phase (`paceRate` events per second for `paceMs`), from the moment an
 * event enters the publish path (its `recvTs`; for the plain path, the publish
 * call) to its delivery to a consumer, p50 and p99 over all four consumers.
 *
 * The two paths run `rounds` times on one server, alternating which goes
 * first, each round on fresh streams; the publish ratio is judged on the
 * median round, the table shows that round, and every round's ratio is
 * printed. Loss and duplicates are summed over every round.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, headers } from "@nats-io/transport-node";
import { createFeed } from "../mod.ts";
import { CONTENT_TYPES, encodeEvent, publishFeed } from "../connectors/nats/mod.ts";
import type { QuoteEvent } from "../src/events.ts";
import { silentLogger } from "../src/log.ts";
import { type Pump, pumpConnector } from "./_pump-connector.ts";

/** One path's figures. */
export interface NatsPathFigure {
  /** `"tickwire"` or `"plain @nats-io"`. */
  readonly kind: string;
  /** Events published. */
  readonly events: number;
  /** Publish path: events per second from the first push until the stream acknowledged all. */
  readonly publishPerSec: number;
  /** End-to-end events per second (publish start → every consumer has every event). */
  readonly eventsPerSec: number;
  /** Events lost or duplicated, summed over the consumers (0 to pass). */
  readonly lostOrDuplicated: number;
  /** Publish → consumer latency in the paced phase, ms. */
  readonly p50Ms: number;
  /** 99th percentile of it, ms. */
  readonly p99Ms: number;
}

/** Result of the section. */
export interface NatsResult {
  readonly consumers: number;
  /** Both paths' figures in the round with the median publish ratio. */
  readonly paths: readonly NatsPathFigure[];
  /** tickwire publish events/s ÷ plain, one per round, in round order. */
  readonly ratios?: readonly number[];
  /** Events lost or duplicated by tickwire's consumers, summed over every round. */
  readonly lostOrDuplicated?: number;
  /** Why it did not run, when it did not. */
  readonly skipped?: string;
}

/** Options. */
export interface NatsBenchOptions {
  /** Quotes in the throughput phase. @default 50_000 */
  readonly events?: number;
  /** Rate of the paced phase, events/s. @default 2_000 */
  readonly paceRate?: number;
  /** Length of the paced phase, ms. @default 3_000 */
  readonly paceMs?: number;
  /** Rounds of both paths. @default 5 */
  readonly rounds?: number;
}

const CONSUMERS = 4;
const SYMBOLS = ["PTT", "AOT", "KBANK", "CPALL", "SCB", "ADVANC", "GULF", "BDMS"];

function binary(): string | undefined {
  for (const p of [process.env.NATS_SERVER_BIN, "/usr/sbin/nats-server", "/usr/bin/nats-server"]) {
    if (p !== undefined && p !== "" && existsSync(p)) return p;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`bench nats: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function quote(i: number, recvTs: number): QuoteEvent {
  const bid = 30 + (i % 400) * 0.25;
  return {
    type: "quote",
    source: "settrade",
    symbol: SYMBOLS[i % SYMBOLS.length]!,
    seq: i + 1,
    recvTs,
    recvMono: performance.now(),
    epoch: 0,
    exchTs: recvTs,
    bid,
    ask: bid + 0.25,
    bidSize: 100 * (i % 97),
    askSize: 100 * (i % 89),
    bidFlag: "normal",
    askFlag: "normal",
  };
}

const now = (): number => performance.timeOrigin + performance.now();

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/**
 * The paced phase of a path: sends events `from` to `to - 1` at `rate` a second,
 * each when it is due, so their latency is measured without a queue in front.
 */
async function sendPaced(
  from: number,
  to: number,
  rate: number,
  send: (i: number) => void,
): Promise<void> {
  const start = now();
  for (let i = from; i < to; i++) {
    const due = start + ((i - from) * 1000) / rate;
    while (now() < due) await new Promise((r) => setTimeout(r, 1));
    send(i);
  }
}

/** Counts one consumer's deliveries by stream sequence. */
class Tally {
  readonly seen: Uint8Array;
  count = 0;
  dup = 0;
  readonly lat: number[] = [];
  constructor(n: number) {
    this.seen = new Uint8Array(n + 1);
  }
  add(i: number, latency?: number): void {
    if (i < 1 || i >= this.seen.length) return;
    if (this.seen[i]) this.dup++;
    else {
      this.seen[i] = 1;
      this.count++;
    }
    if (latency !== undefined) this.lat.push(latency);
  }
}

async function tickwirePath(url: string, n: number, paceRate: number, paceMs: number) {
  const paced = Math.round((paceRate * paceMs) / 1000);
  const total = n + paced;
  const pump: Pump = { sink: undefined };
  const feed = await createFeed({
    source: pumpConnector(pump),
    symbols: SYMBOLS,
    channels: ["quote"],
    capacity: n + 1_000,
    overflow: "block",
    logger: silentLogger,
  } as never);
  // The publisher creates the stream; the consumers start after it.
  const pub = await publishFeed(feed, { servers: url, stream: "BTW", logger: silentLogger });
  const tallies = Array.from({ length: CONSUMERS }, () => new Tally(total));
  const consumers = await Promise.all(tallies.map(async (t) => {
    const f = await createFeed({
      source: "nats",
      servers: url,
      stream: "BTW",
      start: "new",
      stamps: "original",
      symbols: SYMBOLS,
      channels: ["quote"],
      capacity: total + 1_000,
      logger: silentLogger,
    } as never);
    f.on("quote", (ev) => t.add(ev.seq, ev.seq > n ? now() - ev.recvTs : undefined));
    return f;
  }));
  const t0 = now();
  for (let i = 0; i < n; i++) pump.sink!.event(quote(i, now()));
  let pubMs = 0;
  await until("tickwire consumers", () => {
    if (pubMs === 0 && pub.health().acknowledged >= n) pubMs = now() - t0;
    return tallies.every((t) => t.count >= n);
  }, 300_000);
  const ms = now() - t0;
  if (pubMs === 0) pubMs = ms;
  await sendPaced(n, total, paceRate, (i) => void pump.sink!.event(quote(i, now())));
  await until("paced events", () => tallies.every((t) => t.count >= total), 60_000);
  await Promise.all(consumers.map((f) => f.close()));
  await feed.close();
  await pub.close();
  await dropStream(url, "BTW");
  return summary("tickwire", n, pubMs, ms, tallies, total);
}

async function plainPath(url: string, n: number, paceRate: number, paceMs: number) {
  const paced = Math.round((paceRate * paceMs) / 1000);
  const total = n + paced;
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "BPLAIN", subjects: ["plain.>"] } as never);
  const js = jetstream(nc);
  const payloads = Array.from({ length: total }, (_, i) => encodeEvent(quote(i, 0)));
  const sentAt = new Float64Array(total + 1);
  const tallies = Array.from({ length: CONSUMERS }, () => new Tally(total));
  const conns = await Promise.all(tallies.map(async (t) => {
    const c = await connect({ servers: url });
    const consumer = await jetstream(c).consumers.get("BPLAIN");
    const msgs = await consumer.consume();
    void (async () => {
      for await (const m of msgs) t.add(m.seq, m.seq > n ? now() - sentAt[m.seq]! : undefined);
    })();
    return { c, msgs };
  }));
  const subjects = SYMBOLS.map((s) => `plain.settrade.quote.${s}`);
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const send = (i: number): void => {
    inFlight++;
    const h = headers();
    h.set("Content-Type", CONTENT_TYPES.protobuf);
    sentAt[i + 1] = now();
    void js.publish(subjects[i % subjects.length]!, payloads[i]!, {
      msgID: `plain-${i + 1}`,
      headers: h,
    })
      .then(() => {
        inFlight--;
        wake?.();
      });
  };
  const t0 = now();
  for (let i = 0; i < n; i++) {
    while (inFlight >= 256) await new Promise<void>((r) => (wake = r));
    send(i);
  }
  let pubMs = 0;
  await until("plain consumers", () => {
    if (pubMs === 0 && inFlight === 0) pubMs = now() - t0;
    return tallies.every((t) => t.count >= n);
  }, 300_000);
  const ms = now() - t0;
  if (pubMs === 0) pubMs = ms;
  await sendPaced(n, total, paceRate, send);
  await until("paced events", () => tallies.every((t) => t.count >= total), 60_000);
  for (const { c, msgs } of conns) {
    await msgs.close();
    await c.close();
  }
  await jsm.streams.delete("BPLAIN");
  await nc.close();
  return summary("plain @nats-io", n, pubMs, ms, tallies, total);
}

/** Deletes a stream, so that the next round starts on a fresh one. */
async function dropStream(url: string, name: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    await (await jetstreamManager(nc)).streams.delete(name);
  } finally {
    await nc.close();
  }
}

function summary(
  kind: string,
  n: number,
  pubMs: number,
  ms: number,
  tallies: Tally[],
  total: number,
): NatsPathFigure {
  const lat = tallies.flatMap((t) => t.lat);
  return {
    kind,
    events: n,
    publishPerSec: n / (pubMs / 1000),
    eventsPerSec: n / (ms / 1000),
    lostOrDuplicated: tallies.reduce((a, t) => a + (total - t.count) + t.dup, 0),
    p50Ms: pct(lat, 0.5),
    p99Ms: pct(lat, 0.99),
  };
}

/**
 * Runs the section.
 * @param options Counts. @returns The figures of both paths.
 */
export async function runNats(options: NatsBenchOptions = {}): Promise<NatsResult> {
  const bin = binary();
  if (bin === undefined) {
    return { consumers: CONSUMERS, paths: [], skipped: "no nats-server binary" };
  }
  const n = options.events ?? 50_000;
  const paceRate = options.paceRate ?? 2_000;
  const paceMs = options.paceMs ?? 3_000;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "tickwire-bench-nats-"));
  const proc = spawn(bin, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir], {
    stdio: "ignore",
  });
  try {
    await until("nats-server", () =>
      new Promise<boolean>((r) => {
        const s = new Socket();
        s.once("error", () => r(false)).connect(port, "127.0.0.1", () => {
          s.destroy();
          r(true);
        });
      }), 15_000);
    const url = `nats://127.0.0.1:${port}`;
    const rounds: { tw: NatsPathFigure; plain: NatsPathFigure; ratio: number }[] = [];
    for (let r = 0; r < (options.rounds ?? 5); r++) {
      const log = (what: string): void =>
        void process.stderr.write(`bench nats: round ${r + 1}: ${what} ...\n`);
      let tw: NatsPathFigure | undefined;
      if (r % 2 === 1) {
        log("tickwire");
        tw = await tickwirePath(url, n, paceRate, paceMs);
      }
      log("plain @nats-io");
      const plain = await plainPath(url, n, paceRate, paceMs);
      if (tw === undefined) {
        log("tickwire");
        tw = await tickwirePath(url, n, paceRate, paceMs);
      }
      rounds.push({ tw, plain, ratio: tw.publishPerSec / plain.publishPerSec });
    }
    const mid = [...rounds].sort((a, b) => a.ratio - b.ratio)[rounds.length >> 1]!;
    return {
      consumers: CONSUMERS,
      paths: [mid.tw, mid.plain],
      ratios: rounds.map((x) => x.ratio),
      lostOrDuplicated: rounds.reduce((a, x) => a + x.tw.lostOrDuplicated, 0),
    };
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
