/**
 * tickwire: normalized, bounded, health-monitored market data for TypeScript.
 *
 * One feed API over any connector (`synthetic`, `settrade`, `replay`, or your
 * own): a normalized event model, a bounded dispatcher with exact counters and
 * drop policies, pull (`for await`, `poll`) and push (`on`) consumption, and a
 * health monitor for liveness and per-symbol staleness. Runs unchanged on Node,
 * Bun, Deno and edge runtimes.
 *
 * This entry point is the core (`tickwire/core`) plus the built-in connectors
 * by name: `createFeed({ source: "synthetic" })`, `DATA_SOURCE=settrade`.
 *
 * @example Stream quotes from the synthetic feed
 * ```ts
 * import { createFeed } from "@tickwire/tickwire";
 *
 * const feed = await createFeed({ source: "synthetic", symbols: ["AOT", "PTT"], seed: 1 });
 * try {
 *   feed.on("quote", (q) => console.log(q.symbol, q.bid, q.ask));
 *   for await (const ev of feed) {
 *     if (ev.type === "status") console.log("status", ev.kind);
 *     if (feed.health().queue.polled >= 20) break; // about a second at 10 quotes/s/symbol
 *   }
 * } finally {
 *   await feed.close();
 * }
 * ```
 *
 * @example The same with `await using` (Node 24+, Bun, Deno): the feed closes itself
 * ```ts
 * import { createFeed } from "@tickwire/tickwire";
 *
 * await using feed = await createFeed({ source: "synthetic", symbols: ["PTT"], rate: "max" });
 * for await (const ev of feed) {
 *   if (ev.type === "quote") {
 *     console.log(ev.symbol, ev.bid, ev.ask);
 *     break;
 *   }
 * }
 * ```
 *
 * @example Pick the source from the environment
 * ```ts
 * import { createFeedFromEnv } from "@tickwire/tickwire";
 * // DATA_SOURCE=synthetic (default) | settrade | replay
 * await using feed = await createFeedFromEnv();
 * console.log(feed.source);
 * ```
 *
 * @module
 */

// The core's surface, named in src/mod.ts; the functions below replace the
// core's own of the same names with ones that know the built-in connectors.
export * from "./src/mod.ts";
export {
  BUILTIN_CONNECTORS,
  type BuiltinConnectorOptions,
  type BuiltinFeedOptions,
  connectorNames,
  createFeed,
  createFeedFromEnv,
  resolveConnector,
  resolveEnvConfig,
  resolveFeedConfig,
} from "./connectors/builtin.ts";
