/**
 * Connecting to NATS, shared by the publisher and the connector: the server
 * list and NATS's usual authentication and TLS options. The client packages
 * are imported here, lazily, so nothing else in tickwire loads them.
 *
 * @module
 */

import { ConfigError } from "../../src/errors.ts";
import { isSecret, type Secret } from "../../src/secret.ts";
import type { NatsConnection } from "@nats-io/transport-node";

/** NATS's own default server, also the default of `NATS_URL`. */
export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

/** How long the client waits between two attempts at one server, ms. */
export const RECONNECT_WAIT_MS = 250;

/** Where and how to connect. Secrets may be given as `Secret`s; none is ever logged. */
export interface NatsConnectOptions {
  /** Server URL(s), comma-separated or a list (`NATS_URL`). @default "nats://127.0.0.1:4222" */
  readonly servers?: string | readonly string[];
  /** Token authentication (`NATS_TOKEN`). */
  readonly token?: string | Secret;
  /** User name (`NATS_USER`); with `password`. */
  readonly user?: string;
  /** Password (`NATS_PASSWORD`); with `user`. */
  readonly password?: string | Secret;
  /** Credentials file, JWT and NKey seed (`NATS_CREDS`). */
  readonly credsFile?: string;
  /** CA certificate file that signs the server's certificate (`NATS_CA`); turns TLS on. */
  readonly caFile?: string;
  /** Name the server shows for the connection. */
  readonly name?: string;
}

function reveal(s: string | Secret | undefined): string | undefined {
  return s === undefined ? undefined : isSecret(s) ? s.reveal() : s;
}

/**
 * @param servers The option as given.
 * @returns The server URLs, each checked.
 * @throws ConfigError naming a bad URL (it never holds a secret: credentials in a URL are refused).
 */
export function serverList(servers: NatsConnectOptions["servers"]): string[] {
  const list = (typeof servers === "string" ? servers.split(",") : servers ?? [DEFAULT_NATS_URL])
    .map((s) => s.trim()).filter((s) => s !== "");
  if (list.length === 0) throw new ConfigError("[nats] no server given (NATS_URL, --server)");
  for (const s of list) {
    let url: URL;
    try {
      url = new URL(s.includes("://") ? s : `nats://${s}`);
    } catch {
      throw new ConfigError(`[nats] "${s}" is not a server URL (NATS_URL, --server)`);
    }
    if (!/^(nats|tls|ws|wss):$/.test(url.protocol)) {
      throw new ConfigError(
        `[nats] server URL scheme "${url.protocol}" is not one of nats:, tls:, ws:, wss: (NATS_URL, --server)`,
      );
    }
    if (url.username !== "" || url.password !== "") {
      throw new ConfigError(
        "[nats] a server URL with credentials in it (NATS_URL, --server): give them as NATS_USER/NATS_PASSWORD or NATS_TOKEN",
      );
    }
  }
  return list;
}

/**
 * @param servers The servers, for messages.
 * @returns A description that is safe to log (no secret).
 */
export function describeServers(servers: readonly string[]): string {
  return servers.join(",");
}

/**
 * Connects, with the client's own reconnect turned on or off.
 * @param o Options. @param reconnect Whether the client reconnects by itself.
 * @param extra Options passed to the client as they are (timeouts, intervals).
 * @returns The connection.
 * @throws ConfigError when `user` comes without `password`, or a file cannot be read.
 */
export async function connectNats(
  o: NatsConnectOptions,
  reconnect: boolean,
  extra: Record<string, unknown> = {},
): Promise<NatsConnection> {
  const servers = serverList(o.servers);
  if ((o.user === undefined) !== (o.password === undefined)) {
    throw new ConfigError("[nats] NATS_USER and NATS_PASSWORD go together; one of them is missing");
  }
  const { natsTransport: nats } = await import("#nats-transport");
  const opts: Record<string, unknown> = {
    servers,
    reconnect,
    maxReconnectAttempts: -1,
    reconnectTimeWait: RECONNECT_WAIT_MS,
    ...(o.name === undefined ? {} : { name: o.name }),
    ...extra,
  };
  const token = reveal(o.token);
  if (token !== undefined) opts.token = token;
  if (o.user !== undefined) {
    opts.user = o.user;
    opts.pass = reveal(o.password);
  }
  if (o.credsFile !== undefined) {
    let creds: Uint8Array;
    try {
      creds = await nats.readFile(o.credsFile);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError(
        `[nats] cannot read the credentials file "${o.credsFile}" (NATS_CREDS): ${
          (e as Error).message
        }`,
      );
    }
    opts.authenticator = nats.credsAuthenticator(creds);
  }
  if (o.caFile !== undefined) {
    if (nats.kind === "websocket") {
      throw new ConfigError("[nats] a CA file needs Node, Bun or Deno (NATS_CA)", [{
        key: "caFile",
        message: "a browser's WebSocket trusts the system's certificates only: leave NATS_CA unset",
      }]);
    }
    opts.tls = { caFile: o.caFile };
  }
  return await nats.connect(opts as never);
}
