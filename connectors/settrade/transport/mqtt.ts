/**
 * The realtime transport: one MQTT 3.1.1 connection (over WebSocket, TLS or
 * plain TCP), built on the `mqtt` package, which is loaded with a dynamic
 * `import("mqtt")` on the first connect so that nothing else ever loads it.
 *
 * It is deliberately small: connect, subscribe, unsubscribe, close, and two
 * callbacks (`onMessage`, `onClose`). It never reconnects by itself
 * (`reconnectPeriod: 0`): the connector owns the reconnect loop and builds a
 * new transport for every attempt, because the `Authorization` header of the
 * WebSocket upgrade cannot change on a live client.
 *
 * Fixed MQTT settings: protocol 3.1.1 (`protocolVersion: 4`), clean session,
 * keepalive 30 s, QoS 0 subscriptions, no offline queue, no resubscription.
 *
 * TLS certificates are verified unless `insecureSkipTlsVerify` is set; `ca` or
 * `caFile` adds a certificate authority to trust (for a proxy or a test CA).
 *
 * @module
 */

import type { IClientOptions, MqttClient } from "mqtt";
import { ConnectionError } from "../../../src/errors.ts";
import { readCaFile } from "./_ca-file.ts";

/**
 * MQTT keepalive of every connection, seconds.
 * @example Reading the keepalive
 * ```ts
 * import { KEEPALIVE_SECONDS } from "./mqtt.ts";
 * console.log(KEEPALIVE_SECONDS); // 30
 * ```
 */
export const KEEPALIVE_SECONDS = 30;

/** Options of {@link createSettradeTransport}. */
export interface SettradeTransportOptions {
  /**
   * Broker URL: `wss://` / `ws://` (Settrade, the emulator, a proxy) or
   * `mqtt://` / `mqtts://` (a plain broker, for tests and benchmarks).
   */
  readonly url: string;
  /** HTTP headers of the WebSocket upgrade (e.g. `Authorization`). Ignored over TCP. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra certificate authority (PEM text) to trust. */
  readonly ca?: string;
  /** Path of an extra certificate authority (PEM file) to trust; read on connect. */
  readonly caFile?: string;
  /** Skips TLS certificate verification. Insecure: only for a local emulator. @default false */
  readonly insecureSkipTlsVerify?: boolean;
  /** Longest wait for the broker to accept the connection, ms. @default 15_000 */
  readonly connectTimeoutMs?: number;
  /** MQTT client id. @default a random `tickwire-...` id */
  readonly clientId?: string;
  /**
   * Receives every message: the topic and the payload bytes (valid during the
   * call only; copy to keep). Must not throw.
   */
  readonly onMessage: (topic: string, payload: Uint8Array) => void;
  /** Called once when an established connection closes without `close()`. */
  readonly onClose?: (reason: string) => void;
}

/** One MQTT connection. Build it with {@link createSettradeTransport}. */
export interface SettradeTransport {
  /** The broker URL (never carries credentials). */
  readonly url: string;
  /** Whether the connection is up. */
  readonly connected: boolean;
  /**
   * Opens the connection; resolves once the broker accepted it (CONNACK).
   * @param signal Cancels the attempt.
   * @throws ConnectionError when the connection fails, is refused or times out.
   */
  connect(signal?: AbortSignal): Promise<void>;
  /**
   * Subscribes to topics at QoS 0 in one SUBSCRIBE packet.
   * @param topics Topic names.
   * @returns The topics the broker refused (SUBACK failure code), if any.
   * @throws ConnectionError when the connection is not up or closes meanwhile.
   */
  subscribe(topics: readonly string[]): Promise<string[]>;
  /**
   * Unsubscribes from topics.
   * @param topics Topic names.
   * @throws ConnectionError when the connection is not up or closes meanwhile.
   */
  unsubscribe(topics: readonly string[]): Promise<void>;
  /** Closes the connection at once; idempotent; `onClose` is not called. */
  close(): Promise<void>;
}

type Connect = (url: string, options: IClientOptions) => MqttClient;

let loading: Promise<Connect> | undefined;

/** Loads `mqtt` once, on first use. */
function loadMqtt(): Promise<Connect> {
  loading ??= import("mqtt").then((m) => {
    const mod = m as unknown as { connect?: Connect; default?: { connect?: Connect } };
    const connect = mod.connect ?? mod.default?.connect;
    if (typeof connect !== "function") throw new Error("the mqtt package has no connect()");
    return connect;
  }).catch((e) => {
    loading = undefined;
    throw new ConnectionError("[settrade] could not load the mqtt package", { cause: e });
  });
  return loading;
}

function randomId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return `tickwire-${hex}`;
}

/** The URL without credentials, query or fragment, for messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

const SCHEMES = new Set(["ws:", "wss:", "mqtt:", "mqtts:", "tcp:", "ssl:", "tls:"]);

function checkOptions(options: SettradeTransportOptions): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError("[settrade] transport options must be an object");
  }
  let u: URL;
  try {
    u = new URL(options.url);
  } catch {
    throw new TypeError(
      `[settrade] broker URL is not a URL: ${JSON.stringify(String(options.url))}`,
    );
  }
  if (!SCHEMES.has(u.protocol)) {
    throw new TypeError(
      `[settrade] broker URL must use ws, wss, mqtt or mqtts, got ${JSON.stringify(u.protocol)}`,
    );
  }
  if (typeof options.onMessage !== "function") {
    throw new TypeError("[settrade] transport needs an onMessage function");
  }
  const t = options.connectTimeoutMs;
  if (t !== undefined && !(t > 0 && t <= 2 ** 31 - 1)) {
    throw new RangeError(`[settrade] connectTimeoutMs must be > 0, got ${t}`);
  }
}

/** The `mqtt` options for one connection. */
async function clientOptions(o: SettradeTransportOptions): Promise<IClientOptions> {
  const ca = o.ca ?? (o.caFile === undefined ? undefined : await readCaFile(o.caFile));
  const tls: { ca?: string; rejectUnauthorized?: boolean } = {};
  if (ca !== undefined) tls.ca = ca;
  if (o.insecureSkipTlsVerify === true) tls.rejectUnauthorized = false;
  return {
    protocolVersion: 4,
    clean: true,
    keepalive: KEEPALIVE_SECONDS,
    reconnectPeriod: 0,
    connectTimeout: o.connectTimeoutMs ?? 15_000,
    resubscribe: false,
    queueQoSZero: false,
    clientId: o.clientId ?? randomId(),
    wsOptions: { headers: { ...o.headers }, ...tls },
    ...tls,
  };
}

function describe(e: unknown): string {
  const err = e as { message?: unknown; code?: unknown };
  const text = typeof err?.message === "string" && err.message !== "" ? err.message : String(e);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * Builds an MQTT transport; nothing happens until `connect()`.
 *
 * @param options URL, upgrade headers, TLS settings and callbacks.
 * @returns The transport.
 * @throws TypeError for a malformed URL or options; RangeError for a bad timeout.
 * @example A plain broker on the loopback interface
 * ```ts
 * import { createSettradeTransport } from "./mqtt.ts";
 * const transport = createSettradeTransport({
 *   url: "mqtt://127.0.0.1:1883",
 *   onMessage: (topic, payload) => console.log(topic, payload.length),
 * });
 * await transport.connect(AbortSignal.timeout(5_000));
 * console.log(await transport.subscribe(["proto/topic/bidofferv3/PTT"])); // [] (none refused)
 * await transport.close();
 * ```
 */
export function createSettradeTransport(options: SettradeTransportOptions): SettradeTransport {
  checkOptions(options);
  const url = options.url;
  const where = safeUrl(url);
  let client: MqttClient | undefined;
  let up = false;
  let closed = false;
  let closing: Promise<void> | undefined;

  const requireClient = (what: string): MqttClient => {
    if (client === undefined || !up || closed || !client.connected) {
      throw new ConnectionError(`[settrade] cannot ${what}: not connected to ${where}`);
    }
    return client;
  };

  return {
    url: where,
    get connected(): boolean {
      return up && !closed;
    },

    async connect(signal?: AbortSignal): Promise<void> {
      if (client !== undefined || closed) {
        throw new ConnectionError("[settrade] a transport connects once; build a new one");
      }
      signal?.throwIfAborted();
      const connect = await loadMqtt();
      const opts = await clientOptions(options);
      signal?.throwIfAborted();
      if (closed) throw new ConnectionError(`[settrade] transport to ${where} was closed`);
      const c = connect(url, opts);
      client = c;
      const onMessage = options.onMessage;
      c.on("message", (topic: string, payload: Uint8Array) => {
        if (!closed) onMessage(topic, payload);
      });
      // `mqtt` reports only errors with a code; the stream's own errors carry the
      // rest (e.g. an upgrade refused with HTTP 401).
      let lastError: unknown;
      const onError = (e: unknown): void => {
        lastError = e;
      };
      c.on("error", onError);
      (c as unknown as { stream?: { on(ev: "error", fn: (e: unknown) => void): void } }).stream
        ?.on("error", onError);
      await new Promise<void>((resolve, reject) => {
        const settle = (err?: unknown): void => {
          c.off("connect", onConnect);
          c.off("close", onFailClose);
          signal?.removeEventListener("abort", onAbort);
          if (err === undefined) resolve();
          else {
            c.end(true);
            reject(err);
          }
        };
        const onConnect = (): void => {
          up = true;
          settle();
        };
        const onFailClose = (): void => {
          const detail = lastError === undefined ? "connection closed" : describe(lastError);
          settle(
            new ConnectionError(`[settrade] could not connect to ${where}: ${detail}`, {
              cause: lastError,
            }),
          );
        };
        const onAbort = (): void => settle(signal!.reason);
        c.once("connect", onConnect);
        c.on("close", onFailClose);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
      lastError = undefined;
      c.once("close", () => {
        const wasUp = up;
        up = false;
        if (closed || !wasUp) return;
        closed = true;
        c.end(true);
        options.onClose?.(lastError === undefined ? "connection closed" : describe(lastError));
      });
    },

    async subscribe(topics: readonly string[]): Promise<string[]> {
      if (topics.length === 0) return [];
      const c = requireClient("subscribe");
      return await new Promise((resolve, reject) => {
        c.subscribe([...topics], { qos: 0 }, (err, _granted, packet) => {
          const codes = (packet as { granted?: unknown } | undefined)?.granted;
          if (Array.isArray(codes) && codes.length === topics.length) {
            resolve(topics.filter((_, i) => (Number(codes[i]) & 0x80) !== 0));
          } else if (err) {
            reject(new ConnectionError(`[settrade] subscribe failed: ${describe(err)}`));
          } else resolve([]);
        });
      });
    },

    async unsubscribe(topics: readonly string[]): Promise<void> {
      if (topics.length === 0) return;
      const c = requireClient("unsubscribe");
      await new Promise<void>((resolve, reject) => {
        c.unsubscribe([...topics], (err) => {
          if (err) reject(new ConnectionError(`[settrade] unsubscribe failed: ${describe(err)}`));
          else resolve();
        });
      });
    },

    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        up = false;
        if (client === undefined) resolve();
        else client.end(true, {}, () => resolve());
      });
      return closing;
    },
  };
}
