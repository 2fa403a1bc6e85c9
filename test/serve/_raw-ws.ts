/**
 * A bare WebSocket client over a TCP socket (node:net, on every runtime), for
 * the clients a library would not let us write: one that stops reading, and one
 * that never answers a ping.
 */
import net from "node:net";

export interface Frame {
  readonly opcode: number;
  readonly payload: Uint8Array;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export class RawWs {
  readonly socket: net.Socket;
  #buf: Uint8Array = new Uint8Array(0);
  #upgraded = false;
  readonly frames: Frame[] = [];
  /** Bytes of frames received. */
  bytes = 0;
  closeCode: number | undefined;
  closeReason = "";
  ended = false;
  readonly #handshake: Promise<void>;

  private constructor(port: number, path: string) {
    this.socket = net.connect(port, "127.0.0.1");
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    this.#handshake = new Promise((resolve, reject) => {
      this.socket.once("error", reject);
      this.socket.on("data", (chunk: Uint8Array) => {
        this.#buf = concat(this.#buf, chunk);
        if (!this.#upgraded) {
          const text = new TextDecoder().decode(this.#buf);
          const end = text.indexOf("\r\n\r\n");
          if (end < 0) return;
          if (!text.startsWith("HTTP/1.1 101")) return reject(new Error(text.split("\r\n")[0]));
          this.#upgraded = true;
          this.#buf = this.#buf.subarray(new TextEncoder().encode(text.slice(0, end + 4)).length);
          resolve();
        }
        this.#parse();
      });
      this.socket.on("close", () => (this.ended = true));
      this.socket.on("connect", () => {
        this.socket.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
            `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
    });
  }

  static async open(port: number, path = "/ws"): Promise<RawWs> {
    const ws = new RawWs(port, path);
    await ws.#handshake;
    return ws;
  }

  #parse(): void {
    for (;;) {
      const b = this.#buf;
      if (b.length < 2) return;
      let len = b[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = (b[2]! << 8) | b[3]!;
        at = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0));
        at = 10;
      }
      if (b.length < at + len) return;
      const opcode = b[0]! & 0x0f;
      const payload = b.slice(at, at + len);
      this.#buf = b.subarray(at + len);
      this.frames.push({ opcode, payload });
      this.bytes += len;
      if (opcode === 8) {
        this.closeCode = payload.length >= 2 ? (payload[0]! << 8) | payload[1]! : 1005;
        this.closeReason = new TextDecoder().decode(payload.subarray(2));
      }
    }
  }

  /** Sends a masked text frame. */
  send(text: string): void {
    const data = new TextEncoder().encode(text);
    const mask = crypto.getRandomValues(new Uint8Array(4));
    const head = data.length < 126
      ? new Uint8Array([0x81, 0x80 | data.length])
      : new Uint8Array([0x81, 0x80 | 126, data.length >> 8, data.length & 0xff]);
    const body = data.map((x, i) => x ^ mask[i % 4]!);
    this.socket.write(concat(concat(head, mask), body));
  }

  /** Texts of the text frames received. */
  texts(): string[] {
    return this.frames.filter((f) => f.opcode === 1).map((f) =>
      new TextDecoder().decode(f.payload)
    );
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
