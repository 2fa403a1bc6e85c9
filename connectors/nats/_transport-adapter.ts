/**
 * What the NATS connector and publisher need from their runtime: a connection
 * (TCP on servers, WebSocket in browsers and workers) and the reading of a
 * credentials file. Chosen by package conditions (the import `#nats-transport`),
 * so a browser or worker bundle never sees `node:net` or `node:fs`:
 *
 * | condition | adapter |
 * | --- | --- |
 * | `node`, `bun`, `deno` | `_transport-node.ts` (`@nats-io/transport-node`, `node:fs/promises`) |
 * | `default` (browsers, workers) | `_transport-web.ts` (`wsconnect` of `@nats-io/nats-core`: `ws://` and `wss://` servers) |
 *
 * @module
 */

import type { Authenticator, ConnectionOptions, NatsConnection } from "@nats-io/nats-core";

/** The runtime's way to NATS. */
export interface NatsTransport {
  /** Which transport: `"tcp"` or `"websocket"`. */
  readonly kind: "tcp" | "websocket";
  /**
   * Connects.
   * @param options nats.js connection options.
   * @returns The connection.
   */
  connect(options: ConnectionOptions): Promise<NatsConnection>;
  /**
   * An authenticator from a credentials file's bytes.
   * @param creds The file's bytes (JWT and NKey seed).
   * @returns The authenticator.
   */
  credsAuthenticator(creds: Uint8Array): Authenticator;
  /**
   * Reads a file.
   * @param path File path.
   * @returns Its bytes.
   */
  readFile(path: string): Promise<Uint8Array>;
}
