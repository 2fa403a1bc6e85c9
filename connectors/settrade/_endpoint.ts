/**
 * Where the realtime connection goes: the MQTT-over-WebSocket URL built from
 * the REST base and a host named by the dispatcher.
 *
 * Settrade: `wss://{HOST}:443/api/dispatcher/v3/{brokerId}/mqtt`. The scheme
 * follows the REST base: an `https` base gives `wss` (a host without a port
 * means port 443), an `http` base (a local emulator or proxy) gives `ws` with
 * the host as given.
 *
 * @module
 */

import { ConnectionError } from "../../src/errors.ts";

/** A host name or IP literal, with an optional port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/**
 * The realtime URL for one dispatcher host.
 *
 * Inferred leniency: a host given as a URL (`wss://h:443/`) is reduced to its host part.
 *
 * @param baseUrl REST base (`https://open-api.settrade.com`, `http://127.0.0.1:8080`).
 * @param host Host from the dispatcher (`host`, `host:port`).
 * @param brokerId Broker id for the path.
 * @returns E.g. `wss://host:443/api/dispatcher/v3/023/mqtt`.
 * @throws ConnectionError when the host is not a host name (it came from the network).
 */
export function realtimeUrl(baseUrl: string, host: string, brokerId: string): string {
  const secure = new URL(baseUrl).protocol === "https:";
  let h = host.trim();
  if (h.includes("://")) {
    try {
      h = new URL(h).host;
    } catch {
      // reported below
    }
  }
  h = h.replace(/\/+$/, "");
  const m = HOST.exec(h);
  if (m === null || (m[1] !== undefined && Number(m[1]) > 65_535)) {
    throw new ConnectionError(
      `[settrade] dispatcher returned an invalid host ${JSON.stringify(host.slice(0, 80))}`,
    );
  }
  const authority = m[1] === undefined && secure ? `${h}:443` : h;
  return `${secure ? "wss" : "ws"}://${authority}/api/dispatcher/v3/${
    encodeURIComponent(brokerId)
  }/mqtt`;
}
