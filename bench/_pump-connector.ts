/**
 * A connector that the benchmark drives by hand: it follows the connector
 * contract for its lifecycle and hands the bench its sink, so decoded events go
 * through a real feed (health monitor, dispatcher, consumer) with nothing else
 * in between.
 *
 * @module
 */

import type {
  ConnectorContext,
  ConnectorDefinition,
  ConnectorWrapper,
  EventSink,
  Subscription,
} from "../src/connector.ts";
import type { Channel, StatusKind } from "../src/events.ts";

const CAPS: readonly Channel[] = ["quote", "book"];

/** A handle on the pump: the sink to push events into. */
export interface Pump {
  /** The feed's sink, once the connector is created. */
  sink: EventSink | undefined;
}

/**
 * A connector definition named `settrade` (so events carry that source) whose
 * connector only reports its lifecycle and exposes the feed's sink.
 *
 * @param pump Receives the sink when the feed creates the connector.
 * @returns The definition, for `createFeed({ source: definition })`.
 * @example
 * ```ts
 * import { createFeed } from "../src/create-feed.ts";
 * import { pumpConnector, type Pump } from "./_pump-connector.ts";
 * const pump: Pump = { sink: undefined };
 * const feed = await createFeed({ source: pumpConnector(pump), symbols: ["PTT"] });
 * await feed.close();
 * ```
 */
export function pumpConnector(pump: Pump): ConnectorDefinition<undefined> {
  return {
    name: "settrade",
    capabilities: CAPS,
    env: [],
    parseOptions: () => undefined,
    create(_options: undefined, ctx: ConnectorContext): ConnectorWrapper {
      pump.sink = ctx.sink;
      const subs: Subscription[] = [];
      let connected = false;
      let ended = false;
      const status = (kind: StatusKind): void => {
        if (ended) return;
        ctx.sink.status({
          type: "status",
          kind,
          source: "settrade",
          epoch: 0,
          recvTs: ctx.clock.now(),
          recvMono: ctx.clock.mono(),
        });
        if (kind === "end") ended = true;
      };
      return {
        name: "settrade",
        capabilities: CAPS,
        connect(): Promise<void> {
          status("connecting");
          connected = true;
          status("connected");
          return Promise.resolve();
        },
        disconnect(): Promise<void> {
          if (connected) status("disconnected");
          connected = false;
          status("end");
          return Promise.resolve();
        },
        subscribe(sub: Subscription): Promise<void> {
          subs.push(sub);
          return Promise.resolve();
        },
        unsubscribe(): Promise<void> {
          return Promise.resolve();
        },
        isConnected: () => connected,
        health: () => ({
          connected,
          epoch: 0,
          reconnectAttempts: 0,
          reconnects: 0,
          subscriptions: subs,
          decodeErrors: 0,
        }),
      };
    },
  };
}
