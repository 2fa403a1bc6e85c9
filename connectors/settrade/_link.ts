/**
 * Opens one realtime connection ("link"): in the Settrade mode, a valid access
 * token (refreshed when due), a fresh dispatcher token, a host, then MQTT over
 * WebSocket with `Authorization: Bearer {token}` on the upgrade; in the direct
 * mode, MQTT to the configured broker URL.
 *
 * @module
 */

import { ConnectionError, isConnectionError } from "../../src/errors.ts";
import type { SettradeBrokerOptions } from "./_broker-options.ts";
import { realtimeUrl } from "./_endpoint.ts";
import type { SettradeAuth } from "./auth/client.ts";
import type { SettradeOptions } from "./config.ts";
import { SUBSCRIBE_ERROR_TOPIC } from "./decode/topics.ts";
import { createSettradeTransport, type SettradeTransport } from "./transport/mqtt.ts";

/** Where links go. */
export type LinkTarget =
  | { readonly kind: "settrade"; readonly options: SettradeOptions; readonly auth: SettradeAuth }
  | { readonly kind: "broker"; readonly options: SettradeBrokerOptions };

/** Callbacks of one link. */
export interface LinkHandlers {
  readonly onMessage: (topic: string, payload: Uint8Array) => void;
  readonly onClose: (reason: string) => void;
  /** Every transport built, so its owner can close it whatever happens. */
  readonly onTransport: (t: SettradeTransport) => void;
}

/** A refusal at the upgrade (HTTP 401/403) or at CONNACK (bad credentials, not authorized). */
const UNAUTHORIZED = /\b(?:401|403)\b|not authori[sz]ed|bad user ?name or password/i;

function scrubbed(e: unknown, token: string): unknown {
  if (!(e instanceof Error) || token.length < 4 || !e.message.includes(token)) return e;
  return new ConnectionError(e.message.split(token).join("[redacted]"));
}

/**
 * Opens one link.
 *
 * @param target Options (and the auth client in the Settrade mode).
 * @param n Attempt counter, to rotate over the dispatcher's hosts.
 * @param handlers Message and close callbacks.
 * @param signal Cancels the attempt.
 * @returns A connected transport.
 * @throws AuthError / ConnectionError from the login, the dispatcher or the broker.
 */
export async function openLink(
  target: LinkTarget,
  n: number,
  handlers: LinkHandlers,
  signal: AbortSignal,
): Promise<SettradeTransport> {
  if (target.kind === "broker") {
    const o = target.options;
    const transport = createSettradeTransport({
      url: o.brokerUrl,
      headers: o.headers,
      ...(o.ca === undefined ? {} : { ca: o.ca }),
      ...(o.caFile === undefined ? {} : { caFile: o.caFile }),
      insecureSkipTlsVerify: o.insecureSkipTlsVerify,
      connectTimeoutMs: o.connectTimeoutMs,
      onMessage: handlers.onMessage,
      onClose: handlers.onClose,
    });
    handlers.onTransport(transport);
    await transport.connect(signal);
    return transport;
  }
  const { options: o, auth } = target;
  const { hosts, token } = await auth.getDispatcherToken(signal);
  const url = realtimeUrl(o.baseUrl, hosts[n % hosts.length], o.brokerId);
  const transport = createSettradeTransport({
    url,
    headers: { Authorization: `Bearer ${token}` },
    ...(o.caFile === undefined ? {} : { caFile: o.caFile }),
    insecureSkipTlsVerify: o.insecureSkipTlsVerify,
    connectTimeoutMs: o.requestTimeoutMs,
    onMessage: handlers.onMessage,
    onClose: handlers.onClose,
  });
  handlers.onTransport(transport);
  try {
    await transport.connect(signal);
  } catch (e) {
    if (isConnectionError(e) && UNAUTHORIZED.test(`${e.message} ${String(e.cause)}`)) {
      auth.invalidate();
    }
    throw scrubbed(e, token);
  }
  return transport;
}

/** An opened link with every held topic subscribed. */
export interface SubscribedLink {
  readonly t: SettradeTransport;
  /** Topics subscribed on it. */
  readonly sent: readonly string[];
  /** Topics the broker refused (SUBACK failure). */
  readonly refused: readonly string[];
}

/**
 * Opens a link and subscribes the error topic and `topics()` in one SUBSCRIBE,
 * waiting for the SUBACK. On any failure the transport is closed.
 *
 * @param target Where links go.
 * @param n Attempt counter (host rotation).
 * @param topics The topics held when the link is up.
 * @param handlers Callbacks; `onTransport` also sees the transport closed on failure.
 * @param close Closes a transport (and forgets it).
 * @param signal Cancels the attempt.
 * @returns The subscribed link.
 */
export async function openSubscribedLink(
  target: LinkTarget,
  n: number,
  topics: () => string[],
  handlers: LinkHandlers,
  close: (t: SettradeTransport) => Promise<void>,
  signal: AbortSignal,
): Promise<SubscribedLink> {
  let built: SettradeTransport | undefined;
  try {
    const t = await openLink(target, n, {
      ...handlers,
      onTransport: (transport) => {
        built = transport;
        handlers.onTransport(transport);
      },
    }, signal);
    const sent = topics();
    // Inferred: the error topic may need a subscription of its own; its refusal is ignored.
    const refused = await t.subscribe([SUBSCRIBE_ERROR_TOPIC, ...sent]);
    signal.throwIfAborted();
    return { t, sent, refused: refused.filter((x) => x !== SUBSCRIBE_ERROR_TOPIC) };
  } catch (e) {
    if (built !== undefined) await close(built);
    throw e;
  }
}
