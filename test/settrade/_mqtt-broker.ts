/**
 * An in-process MQTT broker (aedes) for transport and connector tests, on
 * 127.0.0.1 with ephemeral ports: plain TCP and WebSocket listeners, the
 * headers of every WebSocket upgrade recorded, an optional upgrade check, and
 * a way to drop every client from the broker side.
 */
import { Buffer } from "node:buffer";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { Aedes } from "aedes";
import { afterAll, beforeAll } from "vitest";
import { createWebSocketStream, WebSocketServer } from "ws";
import { drainingReads } from "../../connectors/settrade/emulator/_draining-reads.ts";

export interface TestBroker {
  /** `mqtt://127.0.0.1:PORT` */
  readonly tcpUrl: string;
  /** `ws://127.0.0.1:PORT/mqtt` (`wss:` with `tls`) */
  readonly wsUrl: string;
  /** Headers of every WebSocket upgrade, in order. */
  readonly upgrades: IncomingMessage["headers"][];
  /** Topics subscribed by clients, in order. */
  readonly subscribed: string[];
  /** Topics unsubscribed by clients, in order. */
  readonly unsubscribed: string[];
  /** Clients connected now. */
  readonly clients: () => number;
  /** Publishes a payload to every subscriber. */
  publish(topic: string, payload: Uint8Array | string): Promise<void>;
  /** Destroys every client connection from the broker side. */
  dropClients(): void;
  stop(): Promise<void>;
}

export interface TestBrokerOptions {
  /** Refuses a WebSocket upgrade (HTTP 401) when this returns false. */
  readonly allowUpgrade?: (headers: IncomingMessage["headers"]) => boolean;
  /** Refuses subscriptions to these topics (SUBACK failure). */
  readonly refuseTopics?: readonly string[];
  /** Serves the WebSocket listener over TLS (`wss:`) with this key and certificate. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const refuse = new Set(options.refuseTopics ?? []);
  const broker = await Aedes.createBroker({
    authorizeSubscribe: (_client, sub, done) => {
      if (refuse.has(sub.topic)) done(null, null);
      else done(null, sub);
    },
  });
  const streams = new Set<Duplex>();
  const track = (s: Duplex): Duplex => {
    streams.add(s);
    s.on("close", () => streams.delete(s));
    s.on("error", () => {});
    return s;
  };
  const subscribed: string[] = [];
  const unsubscribed: string[] = [];
  broker.on("subscribe", (subs, client) => {
    if (client) { for (const s of subs) subscribed.push(s.topic); }
  });
  broker.on("unsubscribe", (topics, client) => {
    if (client) unsubscribed.push(...topics);
  });

  const tcp = createTcpServer((socket: Socket) => {
    broker.handle(drainingReads(track(socket)) as Socket);
  });
  const notFound = (_req: IncomingMessage, res: import("node:http").ServerResponse): void => {
    res.writeHead(404).end();
  };
  const http: Server = options.tls === undefined
    ? createHttpServer(notFound)
    : createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, notFound);
  const upgrades: IncomingMessage["headers"][] = [];
  const wss = new WebSocketServer({ noServer: true });
  http.on("upgrade", (req, socket, head) => {
    upgrades.push(req.headers);
    if (options.allowUpgrade !== undefined && !options.allowUpgrade(req.headers)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      broker.handle(drainingReads(track(stream)), req);
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const tcpPort = (tcp.address() as AddressInfo).port;
  const wsPort = (http.address() as AddressInfo).port;

  return {
    tcpUrl: `mqtt://127.0.0.1:${tcpPort}`,
    wsUrl: `${options.tls === undefined ? "ws" : "wss"}://127.0.0.1:${wsPort}/mqtt`,
    upgrades,
    subscribed,
    unsubscribed,
    clients: () => broker.connectedClients,
    publish: (topic, payload) =>
      new Promise<void>((resolve, reject) => {
        broker.publish({
          cmd: "publish",
          topic,
          payload: typeof payload === "string" ? Buffer.from(payload) : Buffer.from(payload),
          qos: 0,
          retain: false,
          dup: false,
        }, (err?: Error | null) => (err ? reject(err) : resolve()));
      }),
    dropClients: () => {
      for (const s of streams) s.destroy();
    },
    stop: async () => {
      for (const s of streams) s.destroy();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

/** A test broker that runs around the tests of a `describe` block (or a file). */
export interface BrokerAroundTests {
  /** The broker; read it inside the tests, once it has started. */
  readonly current: TestBroker;
}

/**
 * Starts a test broker before the enclosing tests and stops it after them.
 * @param options The broker's options.
 * @returns The broker, available to the tests.
 */
export function brokerAroundTests(options: TestBrokerOptions = {}): BrokerAroundTests {
  let broker: TestBroker | undefined;
  beforeAll(async () => {
    broker = await startTestBroker(options);
  });
  afterAll(async () => {
    await broker?.stop();
  });
  return {
    get current(): TestBroker {
      if (broker === undefined) throw new Error("the test broker is read before it started");
      return broker;
    },
  };
}
