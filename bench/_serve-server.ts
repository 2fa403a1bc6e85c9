/**
 * Server process of the serve benchmark: `_serve-server.ts KIND RATE SYMBOLS`.
 * One synthetic feed (quotes of SYMBOLS symbols at RATE events per second per
 * symbol, or "max"), served either by tickwire (`serveFeed`, conflation off) or
 * by the peer, a minimal broadcast loop over `ws`: each event encoded once and
 * sent to every client. Events are stamped on the monotonic clock shared by the
 * processes of one machine, so the clients can measure recvTs → delivery.
 * Talks to the orchestrator over IPC: `{ cmd: "cpu" }` → its CPU time, `{ cmd:
 * "start" }` → subscribes the symbols (the feed produces from then on), `{ cmd:
 * "exit" }` → stops.
 *
 * @module
 */

import { WebSocketServer } from "ws";
import { type Clock, systemClock } from "../src/clock.ts";
import { createFeed } from "../mod.ts";
import { silentLogger } from "../src/log.ts";
import { serveFeed } from "../serve/mod.ts";
import { monoNanos } from "./_stats.ts";

const [kind = "tickwire", rateArg = "max", symbolsArg = "50"] = process.argv.slice(2);
const nowNs = monoNanos();
const clock: Clock = { ...systemClock, now: () => nowNs() / 1e6 };
const symbols = Array.from(
  { length: Number(symbolsArg) },
  (_, i) => `S${String(i).padStart(2, "0")}`,
);
// Nothing subscribed, so nothing produced until the clients are connected (`start`).
const feed = await createFeed({
  source: "synthetic",
  symbols: [],
  channels: ["quote"],
  rate: rateArg === "max" ? "max" : Number(rateArg),
  seed: 1,
  buffer: false,
  clock,
  logger: silentLogger,
});

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
    void feed.subscribe("quote", symbols).then(() => process.send!({ ok: true }));
  } else if (m.cmd === "cpu") {
    const u = process.cpuUsage();
    process.send!({ cpuUs: u.user + u.system });
  } else if (m.cmd === "exit") {
    void stop().then(() => feed.close()).then(() => process.exit(0));
  }
});
process.send!({ port });
