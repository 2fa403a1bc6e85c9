/**
 * The NATS transport for browsers and workers: a WebSocket (`ws://`, `wss://`
 * servers with a `websocket` block in their configuration) through
 * `@nats-io/nats-core`; no file system, so a credentials file is refused with
 * an error naming the option.
 *
 * @module
 */

import { credsAuthenticator, wsconnect } from "@nats-io/nats-core";
import { ConfigError } from "../../src/errors.ts";
import type { NatsTransport } from "./_transport-adapter.ts";

/** WebSocket, no files. */
export const natsTransport: NatsTransport = {
  kind: "websocket",
  connect: wsconnect,
  credsAuthenticator,
  readFile(path: string): Promise<Uint8Array> {
    return Promise.reject(
      new ConfigError(`[nats] cannot read ${JSON.stringify(path)} in this runtime`, [{
        key: "credsFile",
        message: "browsers and workers have no file system: pass the credentials as " +
          "token or user and password (NATS_TOKEN, NATS_USER/NATS_PASSWORD) instead of NATS_CREDS",
      }]),
    );
  },
};
