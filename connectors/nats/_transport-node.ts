/**
 * The NATS transport for Node, Bun and Deno: TCP (and TLS) through
 * `@nats-io/transport-node`; files through `node:fs/promises`.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import type { NatsTransport } from "./_transport-adapter.ts";

/** TCP and files. */
export const natsTransport: NatsTransport = {
  kind: "tcp",
  connect,
  credsAuthenticator,
  readFile: (path) => readFile(path),
};
