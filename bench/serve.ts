/**
 * Section 7: the service's WebSocket fan-out on loopback. 100 clients (one
 * process) subscribe to the quotes of 50 synthetic symbols from a server
 * process: tickwire's `serveFeed` with conflation off, then the peer, a minimal
 * broadcast loop over `ws`, in the same run. For each:
 *
 * 1. throughput: the synthetic feed at full rate for `throughputMs`: messages
 *    delivered per second (every client's), server CPU time per delivered
 *    message, and recvTs → receipt latency (a saturated server queues, so this
 *    latency is the queue's);
 * 2. latency: the feed at `rate` events per second per symbol (50 × `rate` ×
 *    100 deliveries a second), p50 and p99 of recvTs → receipt;
 * 3. stalled: the same with one more client that subscribes and never reads:
 *    the others' p99 against phase 2.
 *
 * Phases 2 and 3 alternate for `rounds` rounds on one server, each round with
 * a new stalled client that is dropped at its end, so a burst of load from
 * elsewhere hits both; the stalled client's cost is the median of the rounds'
 * changes in p99, and the table shows the round with that median.
 *
 * Latency is measured on one monotonic clock shared by the processes (the
 * server's events are stamped with it); one message in 8 is sampled.
 *
 * @module
 */

import { type IpcChild, spawnIpc } from "./_proc.ts";
import type { Percentiles } from "./_stats.ts";

/** One phase as the clients saw it. */
export interface ServePhase {
  readonly phase: "throughput" | "latency" | "stalled";
  /** Market events the feed produced per second (the load both servers are offered). */
  readonly feedPerSec: number;
  /** Messages delivered per second, every client's. */
  readonly deliveredPerSec: number;
  /** Server CPU time (user + system) per delivered message, µs. */
  readonly cpuUsPerMsg: number;
  /** recvTs → receipt, ns. */
  readonly latency: Percentiles;
  /** Messages the slowest and the fastest client received in the phase. */
  readonly slowestClient: number;
  readonly fastestClient: number;
  /** Clients closed by the server so far. */
  readonly closed: number;
}

/** One server's figures. */
export interface ServeServer {
  /** `"tickwire"` or `"ws-broadcast"`. */
  readonly kind: string;
  readonly phases: readonly ServePhase[];
  /** The others' p99 change with the stalled client, percent, one per round, in round order. */
  readonly stallChanges: readonly number[];
}

/** Result of the section. */
export interface ServeResult {
  readonly clients: number;
  readonly symbols: number;
  /** Events per second per symbol in the latency phases. */
  readonly rate: number;
  readonly servers: readonly ServeServer[];
}

/** Options of {@link runServe}. */
export interface ServeBenchOptions {
  readonly clients?: number;
  readonly symbols?: number;
  readonly rate?: number;
  readonly throughputMs?: number;
  readonly latencyMs?: number;
  /** Rounds of the calm and stalled phases. @default 3 */
  readonly rounds?: number;
}

interface Measured {
  delivered: number;
  seconds: number;
  latency: Percentiles;
  slowestClient: number;
  fastestClient: number;
  closed: number;
}

async function cpu(server: IpcChild): Promise<{ cpuUs: number; events: number }> {
  server.send({ cmd: "cpu" });
  return await server.next<{ cpuUs: number; events: number }>(30_000);
}

async function phase(
  name: ServePhase["phase"],
  server: IpcChild,
  clients: IpcChild,
  ms: number,
): Promise<ServePhase> {
  const before = await cpu(server);
  clients.send({ cmd: "measure", ms });
  const m = await clients.next<Measured>(ms + 20_000);
  const after = await cpu(server);
  const cpuUs = after.cpuUs - before.cpuUs;
  return {
    phase: name,
    feedPerSec: (after.events - before.events) / m.seconds,
    deliveredPerSec: m.delivered / m.seconds,
    cpuUsPerMsg: m.delivered > 0 ? cpuUs / m.delivered : NaN,
    latency: m.latency,
    slowestClient: m.slowestClient,
    fastestClient: m.fastestClient,
    closed: m.closed,
  };
}

async function withServer<T>(
  kind: string,
  rate: string,
  o: Required<ServeBenchOptions>,
  fn: (server: IpcChild, clients: IpcChild) => Promise<T>,
): Promise<T> {
  const server = spawnIpc("bench/_serve-server.ts", [kind, rate, String(o.symbols)]);
  let clients: IpcChild | undefined;
  try {
    const { port } = await server.next<{ port: number }>(30_000);
    clients = spawnIpc("bench/_serve-clients.ts", [String(port), kind, String(o.clients)]);
    await clients.next(60_000);
    server.send({ cmd: "start" });
    await server.next(30_000);
    return await fn(server, clients);
  } finally {
    clients?.send({ cmd: "exit" });
    server.send({ cmd: "exit" });
    await clients?.stop();
    await server.stop();
  }
}

/**
 * Runs the section.
 * @param options Counts and durations.
 * @returns Figures of tickwire and of the `ws` broadcast loop.
 */
export async function runServe(options: ServeBenchOptions = {}): Promise<ServeResult> {
  const o: Required<ServeBenchOptions> = {
    clients: options.clients ?? 100,
    symbols: options.symbols ?? 50,
    rate: options.rate ?? 10,
    throughputMs: options.throughputMs ?? 3_000,
    latencyMs: options.latencyMs ?? 3_000,
    rounds: options.rounds ?? 3,
  };
  const servers: ServeServer[] = [];
  for (const kind of ["tickwire", "ws-broadcast"]) {
    const log = (s: string): void => void process.stderr.write(`bench: serve ${kind}: ${s}\n`);
    const phases: ServePhase[] = [];
    log("throughput at the feed's full rate");
    phases.push(
      await withServer(kind, "max", o, async (server, clients) => {
        await phase("throughput", server, clients, 1_000); // warm-up
        return phase("throughput", server, clients, o.throughputMs);
      }),
    );
    log(`latency at ${o.rate}/s per symbol, then with a stalled client, ${o.rounds} rounds`);
    const rounds: { calm: ServePhase; stalled: ServePhase; change: number }[] = [];
    await withServer(kind, String(o.rate), o, async (server, clients) => {
      await phase("latency", server, clients, 1_000); // warm-up
      for (let r = 0; r < o.rounds; r++) {
        const calm = await phase("latency", server, clients, o.latencyMs);
        clients.send({ cmd: "stall" });
        await clients.next(30_000); // a busy client process may take a while to see the upgrade
        const stalled = await phase("stalled", server, clients, o.latencyMs);
        clients.send({ cmd: "unstall" });
        await clients.next(30_000);
        rounds.push({ calm, stalled, change: (stalled.latency.p99 / calm.latency.p99 - 1) * 100 });
      }
    });
    const median = [...rounds].sort((a, b) => a.change - b.change)[rounds.length >> 1];
    phases.push(median.calm, median.stalled);
    const stallChanges = rounds.map((r) => r.change);
    servers.push({ kind, phases, stallChanges });
  }
  return { clients: o.clients, symbols: o.symbols, rate: o.rate, servers };
}
