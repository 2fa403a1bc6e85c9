/**
 * The end-to-end publisher, a child process of its own:
 * `node --import bench/_register.mjs bench/_publisher.ts HOST PORT`.
 *
 * It speaks MQTT 3.1.1 over a plain TCP socket itself (CONNECT, then QoS 0
 * PUBLISH packets built once from the data set), so that publishing costs
 * almost nothing and never limits what is measured. Each payload carries the
 * stamp of `_wire-stamp.ts`, written just before its batch is handed to the
 * socket. Pacing sleeps with `Atomics.wait` between sends (no busy loop taking
 * a core from the broker or the subscriber) and sends whatever is due on waking.
 *
 * Commands arrive over IPC: `{ cmd: "run", rate, durationMs }` answers
 * `{ done: true, sent, ms }`; `{ cmd: "exit" }` closes the socket and exits.
 *
 * @module
 */

import { connect, type Socket } from "node:net";
import { publishPacket, remainingLength } from "./_mqtt-packets.ts";
import { buildPayloads } from "./_payloads.ts";
import { monoNanos } from "./_stats.ts";
import { STAMP_BYTES, withStampSpace, writeStamp } from "./_wire-stamp.ts";

const encoder = new TextEncoder();

function connectPacket(clientId: string): Uint8Array {
  const id = encoder.encode(clientId);
  // "MQTT", level 4, clean session, keepalive 0 (off).
  const body = [
    0,
    4,
    0x4d,
    0x51,
    0x54,
    0x54,
    4,
    0x02,
    0,
    0,
    id.length >> 8,
    id.length & 255,
    ...id,
  ];
  return Uint8Array.from([0x10, ...remainingLength(body.length), ...body]);
}

const packets = buildPayloads().map((p) => publishPacket(p.topic, withStampSpace(p.bytes)));
const nowNs = monoNanos();
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let seq = 0;

function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/** Sends `count` packets in one write, stamped now. */
function sendBatch(socket: Socket, count: number): boolean {
  let size = 0;
  for (let i = 0; i < count; i++) size += packets[(seq + i) % packets.length].length;
  const buf = Buffer.allocUnsafe(size);
  const t = nowNs();
  let at = 0;
  for (let i = 0; i < count; i++) {
    const p = packets[seq % packets.length];
    buf.set(p, at);
    at += p.length;
    writeStamp(buf, at, t, seq);
    seq++;
  }
  return socket.write(buf);
}

async function runPhase(
  socket: Socket,
  rate: number,
  durationMs: number,
): Promise<{ sent: number; ms: number }> {
  const total = Math.round((rate * durationMs) / 1000);
  const maxBatch = Math.max(1, Math.ceil(rate / 1000) * 4);
  const t0 = performance.now();
  let sent = 0;
  let lastYield = t0;
  while (sent < total) {
    const elapsed = performance.now() - t0;
    if (elapsed > durationMs * 3 + 5_000) break; // bounded even if the socket stalls
    const due = Math.min(total, Math.floor((elapsed * rate) / 1000) + 1);
    if (due > sent) {
      const n = Math.min(due - sent, maxBatch);
      const ok = sendBatch(socket, n);
      sent += n;
      if (!ok) await new Promise<void>((resolve) => socket.once("drain", () => resolve()));
    } else {
      sleepMs(((sent + 1) * 1000) / rate - elapsed);
    }
    if (performance.now() - lastYield > 5) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
  return { sent, ms: performance.now() - t0 };
}

async function main(): Promise<void> {
  const [host, port] = process.argv.slice(2);
  const socket = connect({ host, port: Number(port), noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.once("connect", () => resolve());
  });
  socket.write(connectPacket(`tickwire-bench-pub-${process.pid}`));
  await new Promise<void>((resolve, reject) => {
    socket.once("data", (b: Buffer) => {
      if (b[0] === 0x20 && b[3] === 0) resolve();
      else reject(new Error(`publisher: connection refused (${b.toString("hex")})`));
    });
  });
  socket.on("data", () => {}); // nothing else is expected (QoS 0, keepalive off)
  socket.on("error", (e) => console.error(`publisher: ${e.message}`));
  process.on("disconnect", () => process.exit(0));
  process.on("message", (m: { cmd: string; rate?: number; durationMs?: number }) => {
    if (m.cmd === "exit") {
      socket.end(() => process.exit(0));
      setTimeout(() => process.exit(0), 1_000).unref();
      return;
    }
    void runPhase(socket, m.rate!, m.durationMs!).then((r) => process.send!({ done: true, ...r }));
  });
  process.send!({ ready: true, packetBytes: packets[0].length - STAMP_BYTES });
}

await main();
