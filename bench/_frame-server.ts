/**
 * The subscriber section's traffic source, a child process of its own:
 * `node --import bench/_register.mjs bench/_frame-server.ts`.
 *
 * A minimal MQTT 3.1.1 server on 127.0.0.1 (ephemeral port) that does nothing
 * but write recorded traffic: the data set's payloads framed once as QoS 0
 * PUBLISH packets into one buffer at start. It answers CONNECT with CONNACK,
 * SUBSCRIBE with SUBACK (QoS 0 granted for each filter), UNSUBSCRIBE with
 * UNSUBACK and PINGREQ with PINGRESP; once a connection has subscribed to
 * every topic of the data set (or to a wildcard), in one SUBSCRIBE or several,
 * it waits {@link SUBACK_GAP_MS} then writes the buffer over and over, waiting for `drain` whenever the socket's
 * buffer is full, so it sends exactly as fast as the reader takes the bytes,
 * until `count` messages are written. Then it stays quiet until the client
 * disconnects. No broker, no routing, no stamps: the reader is the only limit.
 *
 * Over IPC it first sends `{ port }`; `{ cmd: "count", count }` sets the number
 * of messages the next connections get (rounded up to whole copies of the
 * data set); `{ cmd: "exit" }` closes the server and exits.
 *
 * @module
 */

import { createServer, type Socket } from "node:net";
import { publishPacket, remainingLength } from "./_mqtt-packets.ts";
import { buildPayloads } from "./_payloads.ts";

/** The data set as back-to-back QoS 0 PUBLISH packets. */
function framedDataSet(): { frames: Uint8Array; messages: number } {
  const parts = buildPayloads().map((p) => publishPacket(p.topic, p.bytes));
  const frames = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    frames.set(p, at);
    at += p.length;
  }
  return { frames, messages: parts.length };
}

/** Pause between the last SUBACK and the first frame, ms (the run is timed from the first event). */
const SUBACK_GAP_MS = 100;

const { frames, messages } = framedDataSet();
const topics = new Set(buildPayloads().map((p) => p.topic)).size;
let count = messages;

/** Writes `copies` copies of the frames, each once the socket has room. */
async function stream(sock: Socket, copies: number): Promise<void> {
  for (let i = 0; i < copies && !sock.destroyed; i++) {
    if (!sock.write(frames)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          sock.off("drain", done);
          sock.off("close", done);
          resolve();
        };
        sock.once("drain", done);
        sock.once("close", done);
      });
    }
  }
}

function serve(sock: Socket): void {
  sock.setNoDelay(true);
  let pending = new Uint8Array(0);
  let streaming = false;
  let subscribed = 0;
  sock.on("error", () => sock.destroy());
  sock.on("data", (chunk: Uint8Array) => {
    const buf = new Uint8Array(pending.length + chunk.length);
    buf.set(pending, 0);
    buf.set(chunk, pending.length);
    let at = 0;
    while (at + 2 <= buf.length) {
      let len = 0;
      let mul = 1;
      let i = at + 1;
      for (; i < buf.length && i < at + 5; i++) {
        len += (buf[i] & 0x7f) * mul;
        mul *= 128;
        if ((buf[i] & 0x80) === 0) break;
      }
      if (i >= buf.length || i + 1 + len > buf.length) break;
      const type = buf[at] >> 4;
      const body = buf.subarray(i + 1, i + 1 + len);
      at = i + 1 + len;
      if (type === 1) sock.write(Uint8Array.from([0x20, 2, 0, 0]));
      else if (type === 8) {
        let filters = 0;
        for (let j = 2; j + 2 <= body.length; j += 2 + ((body[j] << 8) | body[j + 1]) + 1) {
          const filter = body.subarray(j + 2, j + 2 + ((body[j] << 8) | body[j + 1]));
          subscribed += filter.includes(0x23) || filter.includes(0x2b) ? topics : 1;
          filters++;
        }
        const ack = [0x90, ...remainingLength(2 + filters), body[0], body[1]];
        for (let f = 0; f < filters; f++) ack.push(0);
        sock.write(Uint8Array.from(ack));
        if (!streaming && subscribed >= topics) {
          streaming = true;
          // A client takes its subscriptions as live once it has read the
          // SUBACK; frames in the same TCP segment would reach it before.
          setTimeout(() => void stream(sock, Math.ceil(count / messages)), SUBACK_GAP_MS);
        }
      } else if (type === 10) sock.write(Uint8Array.from([0xb0, 2, body[0], body[1]]));
      else if (type === 12) sock.write(Uint8Array.from([0xd0, 0]));
      else if (type === 14) sock.end();
    }
    pending = buf.slice(at);
  });
}

function main(): void {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.once("close", () => sockets.delete(sock));
    serve(sock);
  });
  server.listen(0, "127.0.0.1", () => {
    const addr = server.address();
    process.send!({ port: typeof addr === "object" && addr !== null ? addr.port : 0, messages });
  });
  process.on("disconnect", () => process.exit(0));
  process.on("message", (m: { cmd: string; count?: number }) => {
    if (m.cmd === "count") {
      count = Math.max(messages, m.count!);
      process.send!({ ok: true, count: Math.ceil(count / messages) * messages });
    } else if (m.cmd === "exit") {
      for (const s of sockets) s.destroy();
      server.close(() => process.exit(0));
    }
  });
}

main();
