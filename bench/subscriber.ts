/**
 * Section 8: the subscriber on its own. The end-to-end section shares two cores
 * between a broker, a publisher and the subscriber, so past some rate it
 * measures the machine; here a process that does nothing but write recorded
 * MQTT traffic (`_frame-server.ts`: the data set framed once as QoS 0 PUBLISH
 * packets, written as fast as the reader takes them) feeds one subscriber
 * process at a time over loopback TCP:
 *
 * - tickwire: the Settrade connector in direct mode (`brokerUrl`) behind
 *   `createFeed`, channel `quote` on every symbol, a `for await` consumer;
 * - MQTT.js + protobufjs: `Type.decode` and the same `quote` event for a
 *   callback.
 *
 * Both take the same bytes, unstamped. A run connects, subscribes, takes
 * `events` events and disconnects; its ceiling is events per second from the
 * first event to the last, with the process's CPU time (user + system, every
 * thread) per event over the same span. Each subscriber process first runs
 * once unreported (warm-up), then the runs alternate (tickwire, peer,
 * tickwire, peer, ...) so that a burst of load from elsewhere hits both; the
 * figures are the medians, with the spread, and the ratio is the median of the
 * per-round ratios.
 *
 * @module
 */

import { type IpcChild, spawnIpc } from "./_proc.ts";

/** One subscriber's runs. */
export interface SubscriberStack {
  /** `"tickwire"` or `"mqttjs-protobufjs"`. */
  readonly kind: string;
  /** Events per second of every run, in run order. */
  readonly eventsPerSec: readonly number[];
  /** CPU time per event of every run, µs, in run order. */
  readonly cpuUsPerMsg: readonly number[];
}

/** Result of section 8. */
export interface SubscriberResult {
  /** Events per run. */
  readonly events: number;
  readonly rounds: number;
  readonly stacks: readonly SubscriberStack[];
  /** tickwire's rate over the peer's, per round. */
  readonly ratios: readonly number[];
  /** The peer's CPU per event over tickwire's, per round. */
  readonly cpuRatios: readonly number[];
}

/** Options of {@link runSubscriber}. */
export interface SubscriberOptions {
  /** Events per run. @default 1_000_000 */
  readonly events?: number;
  /** Measured rounds (one run of each subscriber per round). @default 5 */
  readonly rounds?: number;
}

const KINDS = ["tickwire", "mqttjs-protobufjs"] as const;

interface Ceiling {
  readonly eventsPerSec: number;
  readonly cpuUsPerMsg: number;
  readonly error?: string;
}

async function once(server: IpcChild, sub: IpcChild, events: number): Promise<Ceiling> {
  server.send({ cmd: "count", count: events });
  const { count } = await server.next<{ count: number }>(10_000);
  sub.send({ cmd: "ceiling", count });
  const r = await sub.next<Ceiling>(150_000);
  if (r.error !== undefined) throw new Error(`bench: subscriber: ${r.error}`);
  return r;
}

/**
 * Runs section 8.
 * @param options Events per run and rounds.
 * @returns Every run of both subscribers and the per-round ratios.
 */
export async function runSubscriber(options: SubscriberOptions = {}): Promise<SubscriberResult> {
  const events = options.events ?? 1_000_000;
  const rounds = options.rounds ?? 5;
  const children: IpcChild[] = [];
  try {
    const server = spawnIpc("bench/_frame-server.ts", []);
    children.push(server);
    const { port } = await server.next<{ port: number }>(30_000);
    const url = `mqtt://127.0.0.1:${port}`;
    const subs: IpcChild[] = [];
    for (const kind of KINDS) {
      const sub = spawnIpc("bench/_subscriber.ts", [kind, url, "ceiling"]);
      children.push(sub);
      await sub.next(30_000);
      subs.push(sub);
      await once(server, sub, Math.max(50_000, events >> 2)); // warm-up
    }
    const runs: Ceiling[][] = KINDS.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < KINDS.length; k++) {
        const c = await once(server, subs[k], events);
        runs[k].push(c);
        console.error(
          `  subscriber ${KINDS[k]} round ${r + 1}: ${Math.round(c.eventsPerSec)} events/s, ` +
            `${c.cpuUsPerMsg.toFixed(2)} µs CPU/event`,
        );
      }
    }
    for (const c of children) c.send({ cmd: "exit" });
    return {
      events,
      rounds,
      stacks: KINDS.map((kind, k) => ({
        kind,
        eventsPerSec: runs[k].map((c) => c.eventsPerSec),
        cpuUsPerMsg: runs[k].map((c) => c.cpuUsPerMsg),
      })),
      ratios: runs[0].map((c, r) => c.eventsPerSec / runs[1][r].eventsPerSec),
      cpuRatios: runs[0].map((c, r) => runs[1][r].cpuUsPerMsg / c.cpuUsPerMsg),
    };
  } finally {
    for (const c of children) await c.stop();
  }
}
