/**
 * Client process of the serve benchmark: `_serve-clients.ts PORT KIND CLIENTS`.
 * Opens CLIENTS WebSocket clients (subscribed to every symbol's quotes), counts
 * what they receive and samples recvTs → receipt latency on the machine's
 * shared monotonic clock. `{ cmd: "stall" }` adds one client that subscribes
 * and then never reads, `{ cmd: "unstall" }` drops it again; `{ cmd: "measure",
 * ms }` answers with what arrived in the next `ms`.
 *
 * @module
 */

import net from "node:net";
import WebSocket from "ws";
import { monoNanos, nanoHistogram } from "./_stats.ts";

const [portArg, kind = "tickwire", clientsArg = "100"] = process.argv.slice(2);
const port = Number(portArg);
const nowNs = monoNanos();
const SUBSCRIBE = JSON.stringify({ op: "subscribe", symbols: ["*"], channels: ["quote"] });
/** One message in this many is parsed for its latency. */
const SAMPLE = 8;
const RECV_TS = /"recvTs":([\d.]+)/;

let hist = nanoHistogram();
let received = 0;
let closed = 0;
const perClient: number[] = [];
const sockets: WebSocket[] = [];
let stalled: net.Socket | undefined;

async function open(i: number): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
  sockets.push(ws);
  perClient[i] = 0;
  let n = 0;
  ws.on("message", (data: Buffer) => {
    received++;
    perClient[i]++;
    if (++n % SAMPLE !== 0) return;
    const m = RECV_TS.exec(data.toString("latin1", 0, Math.min(data.length, 200)));
    if (m !== null) hist.record(nowNs() - Number(m[1]) * 1e6);
  });
  ws.on("close", () => closed++);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  if (kind === "tickwire") ws.send(SUBSCRIBE);
}

/** A client that subscribes, then never reads again (its TCP window fills up). */
function stall(): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    stalled = s;
    s.once("error", reject);
    s.once("connect", () => {
      s.write(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
    });
    s.once("data", () => {
      const body = Buffer.from(SUBSCRIBE);
      const mask = Buffer.from([1, 2, 3, 4]);
      const frame = Buffer.concat([
        Buffer.from([0x81, 0x80 | body.length]),
        mask,
        body.map((b, i) => b ^ mask[i % 4]!),
      ]);
      if (kind === "tickwire") s.write(frame);
      s.pause();
      resolve();
    });
  });
}

process.on("message", (m: { cmd: string; ms?: number }) => {
  if (m.cmd === "stall") {
    void stall().then(() => process.send!({ ok: true }));
  } else if (m.cmd === "unstall") {
    stalled?.destroy();
    stalled = undefined;
    process.send!({ ok: true });
  } else if (m.cmd === "measure") {
    hist = nanoHistogram();
    received = 0;
    perClient.fill(0);
    const t0 = performance.now();
    setTimeout(() => {
      const seconds = (performance.now() - t0) / 1000;
      process.send!({
        delivered: received,
        seconds,
        latency: hist.percentiles(),
        slowestClient: Math.min(...perClient),
        fastestClient: Math.max(...perClient),
        closed,
      });
    }, m.ms);
  } else if (m.cmd === "exit") {
    for (const ws of sockets) ws.terminate();
    stalled?.destroy();
    process.exit(0);
  }
});

const n = Number(clientsArg);
for (let i = 0; i < n; i += 10) {
  await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => open(i + j)));
}
process.send!({ ready: true });
