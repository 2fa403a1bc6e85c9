/**
 * The app that CI bundles for a browser and for a worker, as a user would: the
 * core, the synthetic connector, a recording made in memory and a replay of
 * those bytes, imported by package name so the bundler resolves the package's
 * own exports and conditions.
 *
 * @module
 */

import { createFeed, type MarketEvent, silentLogger } from "tickwire/core";
import { syntheticConnector } from "tickwire/connectors/synthetic";
import { createRecorder, replayConnector } from "tickwire/connectors/replay";

/** What the app saw, for the test to check. */
export interface EdgeResult {
  /** Market events of the live synthetic feed. */
  readonly live: number;
  /** Market events replayed from the recorded bytes. */
  readonly replayed: number;
  /** Whether the live events' `seq` strictly increased. */
  readonly liveInOrder: boolean;
  /** Whether the replayed events' `seq` strictly increased. */
  readonly replayInOrder: boolean;
  /** Whether the replay gave back the live events (type, symbol, recorded source). */
  readonly sameEvents: boolean;
  /** Size of the capture, bytes. */
  readonly captureBytes: number;
  /** Market events by type, live. */
  readonly types: Readonly<Record<string, number>>;
}

const LIMIT = 500;

function inOrder(events: readonly MarketEvent[]): boolean {
  return events.every((ev, i) => i === 0 || ev.seq > events[i - 1]!.seq);
}

/** Streams the synthetic feed into a recorder held in memory, then replays the bytes. */
export async function runEdgeApp(): Promise<EdgeResult> {
  const chunks: Uint8Array[] = [];
  const out = new WritableStream<Uint8Array>({
    write(chunk): void {
      chunks.push(chunk.slice());
    },
  });
  const recorder = await createRecorder({ out, logger: silentLogger });
  const live: MarketEvent[] = [];
  const feed = await createFeed({
    source: recorder.connector(syntheticConnector),
    symbols: ["PTT", "AOT"],
    channels: ["quote", "trade", "book"],
    seed: 7,
    rate: "max",
    limit: LIMIT,
    logger: silentLogger,
  });
  for await (const ev of feed) if (ev.type !== "status") live.push(ev);
  await recorder.closed();
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const replay = await createFeed({
    source: replayConnector,
    stream: bytes,
    speed: "max",
    logger: silentLogger,
  });
  const replayed: MarketEvent[] = [];
  for await (const ev of replay) if (ev.type !== "status") replayed.push(ev);
  const types: Record<string, number> = {};
  for (const ev of live) types[ev.type] = (types[ev.type] ?? 0) + 1;
  return {
    live: live.length,
    replayed: replayed.length,
    liveInOrder: inOrder(live),
    replayInOrder: inOrder(replayed),
    sameEvents: replayed.length === live.length &&
      replayed.every((ev, i) =>
        ev.type === live[i]!.type && ev.symbol === live[i]!.symbol && ev.origin === "synthetic"
      ),
    captureBytes: bytes.length,
    types,
  };
}
