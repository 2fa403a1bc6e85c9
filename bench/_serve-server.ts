/**
 * Server process of the serve benchmark: `_serve-server.ts KIND RATE SYMBOLS`.
 * One feed of the quotes of SYMBOLS symbols (the synthetic connector at "max",
 * or RATE quotes per second per symbol paced a millisecond at a time), served
 * either by tickwire (`serveFeed`, conflation off) or by the peer, a minimal
 * broadcast loop over `ws`: each event encoded once and sent to every client.
 * Events are stamped on the monotonic clock shared by the processes of one
 * machine, so the clients can measure recvTs → delivery. Talks to the
 * orchestrator over IPC: `{ cmd: "cpu" }` → its CPU time and the feed's events
 * so far, `{ cmd: "start" }` → the feed produces from then on, `{ cmd: "exit" }`
 * → stops.
 *
 * @module
 */

import { WebSocketServer } from "ws";
import { type Clock, systemClock } from "../src/clock.ts";
import { createFeed } from "../mod.ts";
import { silentLogger } from "../src/log.ts";
import { serveFeed } from "../serve/mod.ts";
import { type Pump, pumpConnector } from "./_pump-connector.ts";
import { monoNanos } from "./_stats.ts";

const [kind = "tickwire", rateArg = "max", symbolsArg = "50"] = process.argv.slice(2);
const nowNs = monoNanos();
const clock: Clock = { ...systemClock, now: () => nowNs() / 1e6 };
const symbols = Array.from(
  { length: Number(symbolsArg) },
  (_, i) => `S${String(i).padStart(2, "0")}`,
);
const pump: Pump = { sink: undefined };
// Nothing subscribed or paced, so nothing produced until the clients are connected (`start`).
const feed = rateArg === "max"
  ? await createFeed({
    source: "synthetic",
    symbols: [],
    channels: ["quote"],
    rate: "max",
    seed: 1,
    buffer: false,
    clock,
    logger: silentLogger,
  })
  : await createFeed({
    source: pumpConnector(pump),
    symbols,
    channels: ["quote"],
    buffer: false,
    clock,
    logger: silentLogger,
  });

/**
 * A numeric rate: quotes paced one timer turn (~1 ms) at a time, each stamped as it
 * is produced, the way a venue's messages arrive over a socket. (The synthetic
 * connector produces a 25 ms batch at once: a server that writes as it goes then
 * delays the stamping of the batch's later events, which hides their wait.)
 */
function paced(perSecond: number): () => void {
  const sink = pump.sink!;
  let seq = 0;
  let credit = 0;
  let at = clock.mono();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = (): void => {
    const now = clock.mono();
    credit += ((now - at) * perSecond) / 1000;
    at = now;
    for (; credit >= 1; credit--) {
      const symbol = symbols[seq % symbols.length]!;
      const bid = 30 + (seq % 7) * 0.25;
      sink.event({
        type: "quote",
        source: "settrade",
        symbol,
        seq: ++seq,
        recvTs: clock.now(),
        recvMono: clock.mono(),
        epoch: 0,
        bid,
        ask: bid + 0.25,
        bidSize: 100 + (seq % 13),
        askSize: 200 + (seq % 11),
        bidFlag: "normal",
        askFlag: "normal",
      });
    }
    timer = setTimeout(tick, 1);
  };
  timer = setTimeout(tick, 1);
  return () => clearTimeout(timer);
}
let stopPacing = (): void => {};

let port: number;
let stop: () => Promise<void>;
if (kind === "tickwire") {
  const server = await serveFeed(feed, {
    port: 0,
    logger: silentLogger,
    conflate: false,
    maxClients: 10_000,
    queueLimit: 1_000_000,
    maxBehindMs: 600_000,
    highWaterBytes: 4 * 1024 * 1024,
  });
  port = server.port;
  stop = () => server.close();
} else {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  feed.on("event", (ev) => {
    if (ev.type === "status") return;
    const text = JSON.stringify(ev);
    for (const c of wss.clients) if (c.readyState === 1) c.send(text);
  });
  port = (wss.address() as { port: number }).port;
  stop = () =>
    new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    });
}

process.on("message", (m: { cmd: string }) => {
  if (m.cmd === "start") {
    if (rateArg === "max") {
      void feed.subscribe("quote", symbols).then(() => process.send!({ ok: true }));
    } else {
      stopPacing = paced(Number(rateArg) * symbols.length);
      process.send!({ ok: true });
    }
  } else if (m.cmd === "cpu") {
    const u = process.cpuUsage();
    const events = feed.health().symbols.reduce((n, x) => n + x.events, 0);
    process.send!({ cpuUs: u.user + u.system, events });
  } else if (m.cmd === "exit") {
    stopPacing();
    void stop().then(() => feed.close()).then(() => process.exit(0));
  }
});
process.send!({ port });
