/**
 * A small real WebSocket venue on 127.0.0.1 for the ticker example: each
 * client gets a JSON tick per subscribed symbol every few milliseconds.
 *
 * @module
 */

import { type WebSocket, WebSocketServer } from "ws";

/** A running venue. */
export interface FakeVenue {
  /** `ws://127.0.0.1:PORT`. */
  readonly url: string;
  /** Closes every client connection from the server side (the connector must reconnect). */
  dropClients(): void;
  /** Sends a raw text frame to every client. */
  sendRaw(text: string): void;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Stops ticking and closes the server. */
  close(): Promise<void>;
}

/**
 * Starts a venue on a free loopback port.
 * @param tickMs Interval between ticks, ms. @default 5
 * @returns The venue.
 */
export async function startFakeVenue(tickMs = 5): Promise<FakeVenue> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const clients = new Map<WebSocket, Set<string>>();
  let accepted = 0;
  let price = 30;
  server.on("connection", (ws) => {
    accepted++;
    const symbols = new Set<string>();
    clients.set(ws, symbols);
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { op: string; symbols: string[] };
      for (const s of msg.symbols) msg.op === "subscribe" ? symbols.add(s) : symbols.delete(s);
    });
    ws.on("close", () => clients.delete(ws));
  });
  const timer = setInterval(() => {
    price = price >= 40 ? 30 : price + 0.25;
    for (const [ws, symbols] of clients) {
      for (const symbol of symbols) {
        ws.send(JSON.stringify({
          symbol: symbol.toLowerCase(),
          bid: price,
          ask: price + 0.25,
          bidSize: 100,
          askSize: 200,
          ts: Date.now(),
        }));
      }
    }
  }, tickMs);
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    get accepted(): number {
      return accepted;
    },
    dropClients(): void {
      for (const ws of clients.keys()) ws.terminate();
    },
    sendRaw(text: string): void {
      for (const ws of clients.keys()) ws.send(text);
    },
    close(): Promise<void> {
      clearInterval(timer);
      for (const ws of clients.keys()) ws.terminate();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
