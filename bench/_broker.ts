/**
 * The broker of the end-to-end section: the machine's Mosquitto on
 * 127.0.0.1:1883 when one answers an MQTT CONNECT there, otherwise an aedes
 * broker in a child process of its own (`_aedes-broker.ts`), listening on TCP
 * 127.0.0.1 with an ephemeral port and stopped by its pid.
 *
 * @module
 */

import { connect } from "node:net";
import { type IpcChild, spawnIpc } from "./_proc.ts";

/** A broker ready for the bench. */
export interface BenchBroker {
  /** `"mosquitto"` (the machine's) or `"aedes"`. */
  readonly kind: string;
  /** `mqtt://127.0.0.1:PORT`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops the broker if the bench started it. */
  stop(): Promise<void>;
}

// CONNECT, MQTT 3.1.1, clean session, keepalive 0, client id "tickwire-probe".
const CONNECT = Uint8Array.from([
  0x10,
  26,
  0,
  4,
  0x4d,
  0x51,
  0x54,
  0x54,
  4,
  0x02,
  0,
  0,
  0,
  14,
  ...new TextEncoder().encode("tickwire-probe"),
]);

/**
 * Whether an MQTT broker answers on `host:port` (CONNECT → CONNACK accepted).
 * @param host Address. @param port Port. @param timeoutMs Longest wait. @default 1_000
 * @returns `true` when a broker accepted the connection.
 */
export function probeMqtt(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write(CONNECT));
    socket.once("data", (b: Buffer) => done(b[0] === 0x20 && b[3] === 0));
  });
}

/**
 * Finds or starts the broker.
 * @param prefer `"auto"`: Mosquitto when it answers, else aedes; `"aedes"`: always aedes.
 * @returns The broker; call `stop()` when done.
 */
export async function startBroker(prefer: "auto" | "aedes" = "auto"): Promise<BenchBroker> {
  const host = "127.0.0.1";
  if (prefer === "auto" && await probeMqtt(host, 1883)) {
    return {
      kind: "mosquitto",
      url: `mqtt://${host}:1883`,
      host,
      port: 1883,
      stop: async () => {},
    };
  }
  const child: IpcChild = spawnIpc("bench/_aedes-broker.ts", []);
  try {
    const { port } = await child.next<{ port: number }>(20_000);
    return { kind: "aedes", url: `mqtt://${host}:${port}`, host, port, stop: () => child.stop() };
  } catch (e) {
    await child.stop();
    throw e;
  }
}
