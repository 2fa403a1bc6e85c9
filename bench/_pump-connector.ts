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
} from "../src/connector.ts";
import type { Channel } from "../src/events.ts";
import { Lifecycle } from "../src/kit/lifecycle.ts";

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
 * import { createFeed } from "../mod.ts";
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
      const life = new Lifecycle("settrade", ctx.sink, ctx.clock);
      return {
        name: "settrade",
        capabilities: CAPS,
        connect(): Promise<void> {
          life.connecting();
          life.connected();
          return Promise.resolve();
        },
        disconnect(): Promise<void> {
          life.finish("disconnect requested");
          return Promise.resolve();
        },
        subscribe(): Promise<void> {
          return Promise.resolve();
        },
        unsubscribe(): Promise<void> {
          return Promise.resolve();
        },
      };
    },
  };
}
