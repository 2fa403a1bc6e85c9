/**
 * A publisher's part of `/health` and `/metrics`, for `serveFeed` (`tickwire
 * publish --port`): its exact counters as Prometheus series, and a 503 once
 * NATS has been unreachable past a grace period.
 *
 * @module
 */

import type { PromText } from "../../serve/metrics.ts";
import type { ServeExtra } from "../../serve/options.ts";
import type { Publisher } from "./publish.ts";

/**
 * The publisher's part of `/health` (key `publisher`) and `/metrics`
 * (`tickwire_publish_*`).
 *
 * @param publisher The running publisher.
 * @param graceMs How long NATS may be unreachable before `/health` says 503. @default 10_000
 * @returns What to pass as `serveFeed`'s `extra`.
 * @example
 * ```ts ignore
 * import { createFeed } from "@tickwire/tickwire";
 * import { publishFeed, publisherServeExtra } from "@tickwire/tickwire/connectors/nats";
 * import { serveFeed } from "@tickwire/tickwire/serve";
 * const feed = await createFeed({ source: "synthetic", symbols: ["PTT"] });
 * const publisher = await publishFeed(feed);
 * const server = await serveFeed(feed, { port: 9464, extra: publisherServeExtra(publisher) });
 * ```
 */
export function publisherServeExtra(publisher: Publisher, graceMs = 10_000): ServeExtra {
  return {
    name: "publisher",
    health() {
      const h = publisher.health();
      const down = !h.connected && h.disconnectedForMs > graceMs;
      return {
        ...h,
        ...(down
          ? { reason: `NATS unreachable for ${h.disconnectedForMs} ms (grace ${graceMs} ms)` }
          : {}),
      };
    },
    metrics(t: PromText): void {
      const h = publisher.health();
      const counters: readonly [string, number, string][] = [
        ["published", h.published, "Events sent to JetStream (each once, however often retried)."],
        ["acknowledged", h.acknowledged, "Events the stream acknowledged."],
        ["retried", h.retried, "Publish attempts repeated after a failure or a timeout."],
        ["deduplicated", h.deduplicated, "Acknowledgements of a message the stream had already."],
        ["dropped", h.dropped, "Events lost: dropped by the feed's queue, or never acknowledged."],
        ["reconnects", h.reconnects, "Times the connection to NATS came back."],
        ["kv_writes", h.kvWrites, "Latest values written to the KV bucket."],
      ];
      for (const [name, value, help] of counters) {
        t.single(`tickwire_publish_${name}_total`, "counter", help, value);
      }
      t.single(
        "tickwire_publish_buffered",
        "gauge",
        "Events waiting to be sent: in the feed's queue, or awaiting a retry.",
        h.buffered,
      );
      t.single(
        "tickwire_publish_in_flight",
        "gauge",
        "Events sent and not yet acknowledged.",
        h.inFlight,
      );
      t.single(
        "tickwire_publish_connected",
        "gauge",
        "1 while NATS is reachable.",
        h.connected ? 1 : 0,
      );
    },
  };
}
