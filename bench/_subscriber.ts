/**
 * The end-to-end subscriber, a child process of its own:
 * `node --import bench/_register.mjs bench/_subscriber.ts KIND BROKER_URL [ceiling]`.
 *
 * - `tickwire`: the Settrade connector in direct mode (`brokerUrl`, no login)
 *   behind `createFeed`, channel `quote` on every symbol of the data set, and a
 *   `for await` consumer. The send time is read from each raw payload by the
 *   feed's raw tap (before decoding); the k-th event at the consumer belongs to
 *   the k-th payload tapped.
 * - `mqttjs-protobufjs`: what a user would write instead: MQTT.js, protobufjs
 *   `decode`, the same `quote` event, handed straight to the consumer.
 *
 * `{ cmd: "open" }` connects and subscribes every topic in one SUBSCRIBE (as
 * `createFeed` does before connecting), answered once the broker acknowledged;
 * `{ cmd: "close" }` disconnects.
 *
 * Commands over IPC: `{ cmd: "phase" }` starts a phase (counters and histogram
 * reset); `{ cmd: "end", sent }` waits until `sent` events arrived (or 2 s
 * without progress) and answers the phase's figures: count, catch-up time,
 * latency percentiles, CPU time per message (user + system, all threads) and
 * how often the OS preempted the process (involuntary context switches: the
 * mark of a machine busy with other work); `{ cmd: "exit" }`.
 *
 * With `ceiling` as third argument (the subscriber section, fed by
 * `_frame-server.ts`), the payloads carry no stamp: neither stack reads one
 * (tickwire runs without a raw tap) and the consumer only counts.
 * `{ cmd: "ceiling", count }` connects, takes `count` events as fast as they
 * come, disconnects, and answers the rate from the first event to the last and
 * the CPU time per event (user + system, every thread) over the same span.
 *
 * @module
 */

import type { Stamp } from "../src/kit/stamp.ts";
import { settradeConnector } from "../connectors/settrade/mod.ts";
import type { MqttClient } from "mqtt";
import { createFeed } from "../mod.ts";
import type { Feed } from "../src/feed.ts";
import type { QuoteEvent } from "../src/events.ts";
import { buildPayloads } from "./_payloads.ts";
import { loadProtobufjsBidOffer, pbQuote } from "./_peers.ts";
import { monoNanos, type NanoHistogram, nanoHistogram } from "./_stats.ts";
import { readSendNs } from "./_wire-stamp.ts";

const nowNs = monoNanos();
const RING = 1 << 18;
let hist: NanoHistogram = nanoHistogram();
let received = 0;
let cpuAtStart = process.cpuUsage();
let switchesAtStart = process.resourceUsage().involuntaryContextSwitches;
let sum = 0;

function consume(ev: QuoteEvent, sendNs: number): void {
  hist.record(nowNs() - sendNs);
  received++;
  sum += ev.bidSize;
}

/** The `ceiling` run: events wanted, and the clock and CPU at the first and the last. */
let target = 0;
let firstMs = 0;
let firstCpu = process.cpuUsage();
let lastMs = 0;
let lastCpu = process.cpuUsage();

function count(ev: QuoteEvent): void {
  received++;
  sum += ev.bidSize;
  if (received === 1) {
    firstMs = performance.now();
    firstCpu = process.cpuUsage();
  } else if (received === target) {
    lastMs = performance.now();
    lastCpu = process.cpuUsage(firstCpu);
  }
}

/** A subscriber stack the orchestrator switches on and off between phases. */
interface Stack {
  /** Connects and subscribes to every topic; resolves once the broker acknowledged. */
  open(): Promise<void>;
  /** Closes the connection. */
  close(): Promise<void>;
}

function tickwireStack(url: string, symbols: string[], stamped: boolean): Stack {
  const sendTimes = new Float64Array(RING);
  let feed: Feed | undefined;
  let loop: Promise<void> | undefined;
  return {
    async open(): Promise<void> {
      let tapped = 0;
      let consumed = 0;
      const f = await createFeed({
        source: settradeConnector,
        brokerUrl: url,
        symbols,
        channels: ["quote"],
        logLevel: "warn",
        ...(stamped
          ? {
            rawTap: {
              payload(_topic: string, payload: Uint8Array): void {
                sendTimes[tapped++ & (RING - 1)] = readSendNs(payload);
              },
            },
          }
          : {}),
      });
      feed = f;
      loop = stamped
        ? (async () => {
          for await (const ev of f) {
            if (ev.type === "quote") consume(ev, sendTimes[consumed++ & (RING - 1)]);
          }
        })()
        : (async () => {
          for await (const ev of f) if (ev.type === "quote") count(ev);
        })();
    },
    async close(): Promise<void> {
      if (feed === undefined) return;
      const dropped = feed.health().queue.dropped;
      if (dropped > 0) console.error(`subscriber: the feed dropped ${dropped} events`);
      await feed.close();
      await loop;
      feed = undefined;
    },
  };
}

function peerStack(url: string, symbols: string[], stamped: boolean): Stack {
  const type = loadProtobufjsBidOffer();
  const meta: Stamp = { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 };
  const topics = symbols.map((s) => `proto/topic/bidofferv3/${s}`);
  let client: MqttClient | undefined;
  return {
    async open(): Promise<void> {
      const mqtt = await import("mqtt");
      const c = mqtt.connect(url, { protocolVersion: 4, clean: true, reconnectPeriod: 0 });
      client = c;
      await new Promise<void>((resolve, reject) => {
        c.once("connect", () => resolve());
        c.once("error", reject);
      });
      c.on("message", (_topic: string, payload: Uint8Array) => {
        meta.recvMono = performance.now();
        meta.recvTs = performance.timeOrigin + meta.recvMono;
        const ev = pbQuote(type, payload, meta);
        meta.seq++;
        if (stamped) consume(ev, readSendNs(payload));
        else count(ev);
      });
      await c.subscribeAsync(topics, { qos: 0 });
    },
    async close(): Promise<void> {
      await client?.endAsync(true);
      client = undefined;
    },
  };
}

async function waitFor(sent: number): Promise<{ received: number; lagMs: number }> {
  const t0 = performance.now();
  let last = received;
  let lastChange = t0;
  while (received < sent) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = performance.now();
    if (received !== last) {
      last = received;
      lastChange = now;
    } else if (now - lastChange > 2_000 || now - t0 > 30_000) break;
  }
  return { received, lagMs: performance.now() - t0 };
}

async function ceiling(
  stack: Stack,
  events: number,
): Promise<{ received: number; eventsPerSec: number; cpuUsPerMsg: number }> {
  received = 0;
  target = events;
  lastMs = 0;
  await stack.open();
  const t0 = performance.now();
  while (received < events && performance.now() - t0 < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await stack.close();
  if (received < events) throw new Error(`subscriber: ${received} of ${events} events arrived`);
  const cpu = lastCpu.user + lastCpu.system;
  const ms = lastMs - firstMs;
  return {
    received,
    eventsPerSec: (events - 1) / (ms / 1000),
    cpuUsPerMsg: cpu / (events - 1),
  };
}

function main(): void {
  const [kind, url, mode] = process.argv.slice(2);
  const stamped = mode !== "ceiling";
  const symbols = [...new Set(buildPayloads().map((p) => p.symbol))];
  const stack = kind === "tickwire"
    ? tickwireStack(url, symbols, stamped)
    : peerStack(url, symbols, stamped);
  process.on("disconnect", () => process.exit(0));
  process.on("message", (m: { cmd: string; sent?: number; count?: number }) => {
    if (m.cmd === "ceiling") {
      ceiling(stack, m.count!).then(
        (r) => process.send!(r),
        (e: Error) => process.send!({ error: e.message }),
      );
    } else if (m.cmd === "open") {
      void stack.open().then(() => process.send!({ ok: true }));
    } else if (m.cmd === "close") {
      void stack.close().then(() => process.send!({ ok: true }));
    } else if (m.cmd === "phase") {
      hist = nanoHistogram();
      received = 0;
      cpuAtStart = process.cpuUsage();
      switchesAtStart = process.resourceUsage().involuntaryContextSwitches;
      process.send!({ ok: true });
    } else if (m.cmd === "end") {
      void waitFor(m.sent!).then(({ received, lagMs }) => {
        const cpu = process.cpuUsage(cpuAtStart);
        process.send!({
          received,
          lagMs,
          latency: hist.percentiles(),
          cpuUsPerMsg: (cpu.user + cpu.system) / Math.max(1, received),
          preempted: process.resourceUsage().involuntaryContextSwitches - switchesAtStart,
        });
      });
    } else if (m.cmd === "exit") {
      void stack.close().finally(() => {
        if (sum < 0) console.error("unreachable");
        process.exit(0);
      });
    }
  });
  process.send!({ ready: true });
}

main();
