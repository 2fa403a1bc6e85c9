/**
 * tickwire: normalized, bounded, health-monitored market data for TypeScript.
 *
 * One feed API over any connector (`synthetic`, `settrade`, `replay`, or your
 * own): a normalized event model, a bounded dispatcher with exact counters and
 * drop policies, pull (`for await`, `poll`) and push (`on`) consumption, and a
 * health monitor for liveness and per-symbol staleness. Runs unchanged on Node,
 * Bun, Deno and edge runtimes.
 *
 * @example Stream quotes from the synthetic feed
 * ```ts
 * import { createFeed } from "@tickwire/tickwire";
 *
 * await using feed = await createFeed({ source: "synthetic", symbols: ["AOT", "PTT"], seed: 1 });
 * feed.on("quote", (q) => console.log(q.symbol, q.bid, q.ask));
 * for await (const ev of feed) {
 *   if (ev.type === "status") console.log("status", ev.kind);
 *   if (feed.health().queue.polled >= 100) break;
 * }
 * ```
 *
 * @example Pick the source from the environment
 * ```ts
 * import { createFeedFromEnv } from "@tickwire/tickwire";
 * // DATA_SOURCE=synthetic (default) | settrade | replay
 * await using feed = await createFeedFromEnv();
 * ```
 *
 * @module
 */

export {
  createFeed,
  type ResolvedFeedConfig,
  resolveFeedConfig,
  startFeed,
} from "./src/create-feed.ts";
export { createFeedFromEnv, FEED_ENV_VARS, resolveEnvConfig } from "./src/config.ts";
export { Feed, type FeedCloseInfo, type FeedHealth, type FeedListeners } from "./src/feed.ts";
export type { FeedCoreOptions, FeedOptions } from "./src/feed-options.ts";
export {
  type BarEvent,
  type BookEvent,
  type BookFlag,
  type BookLevel,
  type Channel,
  CHANNELS,
  type ConnectedStatus,
  type ConnectingStatus,
  type DisconnectedStatus,
  type EndStatus,
  type ErrorStatus,
  type EventByType,
  type FeedEvent,
  type FeedMode,
  type GapStatus,
  type InfoEvent,
  isMarketEvent,
  type MarketEvent,
  type MarketEventBase,
  type MarketStatusCode,
  type MarketStatusEvent,
  MAX_EXACT_SIZE,
  type ModeStatus,
  type QuietReason,
  type QuoteEvent,
  type ReconnectingStatus,
  type RecoveredStatus,
  type StaleStatus,
  STATUS_KINDS,
  type StatusBase,
  type StatusBody,
  type StatusByKind,
  type StatusEvent,
  type StatusKind,
  type SubscribeErrorStatus,
  type TradeEvent,
  type TradeSide,
} from "./src/events.ts";
export {
  checkEvent,
  type EventCheck,
  type EventIssue,
  parseEvent,
  validateEvent,
} from "./src/schemas.ts";
export { Lifecycle, type Phase, type StatusTime } from "./src/kit/lifecycle.ts";
export {
  type EventBody,
  type Stamp,
  type Stamped,
  type StampedField,
  Stamper,
} from "./src/kit/stamp.ts";
export {
  backoffDelay,
  type BackoffPolicy,
  DEFAULT_RECONNECT,
  type ReconnectPolicy,
} from "./src/kit/backoff.ts";
export {
  abortReason,
  type ConnectRun,
  connectWithRetry,
  isFatalError,
  reasonOf,
  type RetryHooks,
  type RetryRun,
  retryWithBackoff,
  sleep,
} from "./src/kit/retry.ts";
export {
  type CheckOptions,
  checkOptions,
  type CheckResult,
  parseOptions,
  type SchemaOutput,
  type ValibotSchema,
} from "./src/config-issues.ts";
export {
  type ConnectorContext,
  type ConnectorDefinition,
  type ConnectorWrapper,
  type EnvSource,
  type EnvVarSpec,
  type EventSink,
  type RawTap,
  type Subscription,
  subscriptionKey,
} from "./src/connector.ts";
export {
  Dispatcher,
  type DispatcherCounters,
  type DispatcherOptions,
  type OverflowPolicy,
} from "./src/dispatcher.ts";
export type { SessionQuiet, SessionSource } from "./src/session.ts";
export {
  HealthMonitor,
  type HealthOptions,
  type HealthSnapshot,
  type SymbolHealth,
} from "./src/health.ts";
export {
  connectorNames,
  type ConnectorSource,
  registerConnector,
  resolveConnector,
  unregisterConnector,
} from "./src/registry.ts";
export {
  AuthError,
  ConfigError,
  type ConfigIssue,
  ConnectionError,
  DecodeError,
  isAuthError,
  isConfigError,
  isConnectionError,
  isDecodeError,
} from "./src/errors.ts";
export {
  consoleLogger,
  isLogLevel,
  type LogFields,
  type Logger,
  type LogLevel,
  RateLimitedLog,
  type RateLimitedLogOptions,
  silentLogger,
} from "./src/log.ts";
export {
  type Clock,
  ManualClock,
  systemClock,
  type TimerHandle,
  type TimerOptions,
} from "./src/clock.ts";
export { readEnvVar } from "./src/env.ts";
export { isSecret, Secret } from "./src/secret.ts";
