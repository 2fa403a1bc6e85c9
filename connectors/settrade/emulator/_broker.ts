/**
 * MQTT over WebSocket behind a real broker (aedes): the upgrade at the
 * dispatcher path is accepted only with `Authorization: Bearer {token}` holding
 * a valid, unexpired dispatcher token; subscriptions are tracked per client and
 * drive the {@link Publisher}; topics that are not served are answered on the
 * subscription-error topic.
 *
 * Inferred behaviour (the wire page is silent):
 * - Every subscription is granted at QoS 0; clients may not publish (a client
 *   PUBLISH closes its connection).
 * - A subscription the emulator does not serve is still granted in the SUBACK,
 *   and `{ "topic", "code", "message" }` (JSON) is sent on
 *   `$sys/u/_broker/_uref/error/subscribe` to that client only, and only if it
 *   subscribed to that topic (in the same SUBSCRIBE or before).
 * - A connection is closed (WebSocket close 1008) when its dispatcher token
 *   expires, unless `dropOnTokenExpiry` is off.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Aedes, Client } from "aedes";
import type { WebSocket, WebSocketServer } from "ws";
import type { Clock, TimerHandle } from "../../../src/clock.ts";
import type { Logger } from "../../../src/log.ts";
import { SUBSCRIBE_ERROR_TOPIC } from "../decode/topics.ts";
import { drainingReads } from "./_draining-reads.ts";
import type { Publisher } from "./_publisher.ts";
import type { Counters } from "./_stats.ts";
import type { Faults } from "./_faults.ts";
import type { TokenStore } from "./_tokens.ts";
import { routeTopic, type Universe } from "./_topics.ts";

/** Longest timer delay (setTimeout's limit); longer expiries are re-armed. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** What the broker is built with. */
export interface BrokerDeps {
  readonly mqttPath: string;
  readonly tokens: TokenStore;
  readonly clock: Clock;
  readonly dropOnTokenExpiry: boolean;
  readonly universe: Universe;
  readonly publisher: Publisher;
  readonly counters: Counters;
  readonly logger: Logger;
  /** Refused upgrades (an outage, or `refuse("upgrade")`). */
  readonly faults: Faults;
}

interface Connection {
  readonly ws: WebSocket;
  readonly token: string;
  timer: TimerHandle | undefined;
}

const noop = (): void => {};

/** Rejects an upgrade with an HTTP status and a JSON `{code, message}` body. */
function refuse(
  socket: Duplex,
  status: number,
  reason: string,
  message: string,
  code = `E${status}`,
): void {
  const body = JSON.stringify({ code, message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m === null ? undefined : m[1];
}

/** The packages the broker is built on, loaded when an emulator starts. */
interface ServerPackages {
  readonly Aedes: typeof import("aedes").Aedes;
  readonly WebSocketServer: typeof import("ws").WebSocketServer;
  readonly createWebSocketStream: typeof import("ws").createWebSocketStream;
}

/**
 * Loads aedes and ws: optional peer dependencies of tickwire, needed only by the
 * emulator, so that a user of the library and the other connectors does not
 * install a broker and a WebSocket server.
 * @throws Error naming the packages to install when one is missing.
 */
async function loadServerPackages(): Promise<ServerPackages> {
  try {
    const [aedes, ws] = await Promise.all([import("aedes"), import("ws")]);
    return {
      Aedes: aedes.Aedes,
      WebSocketServer: ws.WebSocketServer,
      createWebSocketStream: ws.createWebSocketStream,
    };
  } catch (e) {
    throw new Error(
      "[settrade-emulator] the emulator needs the packages aedes and ws, optional peer " +
        "dependencies of tickwire: npm install aedes ws",
      { cause: e },
    );
  }
}

/** The MQTT side of the emulator. */
export class MqttBroker {
  readonly #d: BrokerDeps;
  readonly #aedes: Aedes;
  readonly #wss: WebSocketServer;
  readonly #createWebSocketStream: ServerPackages["createWebSocketStream"];
  readonly #connections = new Set<Connection>();
  /** Topics each client holds that the emulator tracks (served ones and the error topic). */
  readonly #held = new Map<Client, Set<string>>();
  #closed = false;

  private constructor(deps: BrokerDeps, aedes: Aedes, packages: ServerPackages) {
    this.#d = deps;
    this.#aedes = aedes;
    this.#wss = new packages.WebSocketServer({ noServer: true });
    this.#createWebSocketStream = packages.createWebSocketStream;
    aedes.on("subscribe", (subs, client) => this.#onSubscribe(subs, client));
    aedes.on("unsubscribe", (topics, client) => this.#release(client, topics));
    aedes.on("clientDisconnect", (client) => this.#release(client, undefined));
  }

  /**
   * Starts the broker.
   * @param deps Tokens, publisher, counters and the rest.
   * @returns The broker, ready for upgrades.
   */
  static async create(deps: BrokerDeps): Promise<MqttBroker> {
    const packages = await loadServerPackages();
    const aedes = await packages.Aedes.createBroker({
      authorizeSubscribe: (_client, sub, done) => done(null, { ...sub, qos: 0 }),
      authorizePublish: (_client, _packet, done) => done(new Error("clients may not publish")),
    });
    return new MqttBroker(deps, aedes, packages);
  }

  /** MQTT connections open now. */
  get open(): number {
    return this.#connections.size;
  }

  /**
   * Handles an HTTP upgrade: the dispatcher path with a valid token, else refused.
   * @param req The request. @param socket Its socket. @param head Bytes already read.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", noop);
    const c = this.#d.counters;
    const path = new URL(req.url ?? "/", "http://emulator").pathname;
    if (this.#closed || path !== this.#d.mqttPath) {
      c.upgradesRefused++;
      return refuse(socket, 404, "Not Found", "not found");
    }
    const refusal = this.#d.faults.refusalOf("upgrade");
    if (refusal !== undefined) {
      c.upgradesRefused++;
      return refuse(socket, refusal.status, "Refused", refusal.message, refusal.code);
    }
    const token = bearer(req.headers.authorization);
    if (token === undefined) {
      c.upgradesRefused++;
      return refuse(socket, 401, "Unauthorized", "missing bearer token");
    }
    if (this.#d.tokens.dispatcherExpiry(token) === undefined) {
      c.upgradesRefused++;
      return refuse(socket, 401, "Unauthorized", "invalid or expired dispatcher token");
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#attach(ws, req, token));
  }

  #attach(ws: WebSocket, req: IncomingMessage, token: string): void {
    if (this.#closed) return ws.terminate();
    this.#d.counters.connections++;
    const conn: Connection = { ws, token, timer: undefined };
    this.#connections.add(conn);
    const stream = drainingReads(this.#createWebSocketStream(ws));
    stream.on("error", noop);
    ws.on("close", () => {
      this.#connections.delete(conn);
      if (conn.timer !== undefined) this.#d.clock.clearTimeout(conn.timer);
    });
    this.#arm(conn);
    this.#aedes.handle(stream, req);
  }

  /** Schedules the close of a connection at its token's expiry. */
  #arm(conn: Connection): void {
    const { clock, tokens } = this.#d;
    if (conn.timer !== undefined) clock.clearTimeout(conn.timer);
    conn.timer = undefined;
    if (!this.#d.dropOnTokenExpiry) return;
    const expiresAt = tokens.dispatcherExpiresAt(conn.token);
    if (expiresAt === undefined) {
      // Revoked tokens do not end live connections; only expiry does.
      return;
    }
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, expiresAt - clock.now()));
    conn.timer = clock.setTimeout(() => {
      conn.timer = undefined;
      const at = tokens.dispatcherExpiresAt(conn.token);
      if (at === undefined) return;
      if (at > clock.now()) return this.#arm(conn);
      conn.ws.close(1008, "dispatcher token expired");
    }, delay);
  }

  /** Re-arms every connection's expiry (after token lifetimes changed). */
  rearm(): void {
    for (const conn of this.#connections) this.#arm(conn);
  }

  /**
   * Publishes one payload to every subscriber of a topic.
   * @param topic Topic. @param payload Bytes.
   */
  publish(topic: string, payload: Uint8Array): void {
    if (this.#closed) return;
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    this.#aedes.publish({
      cmd: "publish",
      topic,
      payload: bytes,
      qos: 0,
      retain: false,
      dup: false,
    }, noop);
  }

  /**
   * Drops every connection at once, as a network failure would (no close handshake).
   * @returns The number of connections dropped.
   */
  dropConnections(): number {
    const n = this.#connections.size;
    for (const conn of [...this.#connections]) conn.ws.terminate();
    return n;
  }

  #onSubscribe(subs: readonly { topic: string; qos: number }[], client: Client): void {
    let held = this.#held.get(client);
    if (held === undefined) this.#held.set(client, held = new Set());
    const granted = subs.filter((s) => s.qos !== 128);
    // The error topic first, so an error for a topic of the same SUBSCRIBE reaches the client.
    if (granted.some((s) => s.topic === SUBSCRIBE_ERROR_TOPIC)) held.add(SUBSCRIBE_ERROR_TOPIC);
    for (const { topic } of granted) {
      if (held.has(topic)) continue;
      const route = routeTopic(topic, this.#d.universe);
      if (route.kind === "refused") {
        this.#d.counters.subscriptionErrors++;
        if (!held.has(SUBSCRIBE_ERROR_TOPIC)) continue;
        const payload = Buffer.from(
          JSON.stringify({ topic, code: route.code, message: route.message }),
        );
        client.publish(
          {
            cmd: "publish",
            topic: SUBSCRIBE_ERROR_TOPIC,
            payload,
            qos: 0,
            retain: false,
            dup: false,
          },
          noop,
        );
      } else if (route.kind !== "errors") {
        held.add(topic);
        this.#d.publisher.add(topic, route);
      }
    }
  }

  #release(client: Client, topics: readonly string[] | undefined): void {
    const held = this.#held.get(client);
    if (held === undefined) return;
    for (const topic of topics ?? [...held]) {
      if (!held.delete(topic) || topic === SUBSCRIBE_ERROR_TOPIC) continue;
      this.#d.publisher.remove(topic);
    }
    if (topics === undefined || held.size === 0) this.#held.delete(client);
  }

  /** @returns Resolves once every connection and the broker are closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of this.#connections) {
      if (conn.timer !== undefined) this.#d.clock.clearTimeout(conn.timer);
      conn.ws.terminate();
    }
    this.#connections.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.#aedes.close(() => resolve()));
    for (const client of [...this.#held.keys()]) this.#release(client, undefined);
  }
}
