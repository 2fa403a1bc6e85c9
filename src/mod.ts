/**
 * tickwire's core: the event model, the connector contract and kit, the
 * bounded dispatcher, health, and feeds, with no connector at all. Web APIs
 * only, so it bundles small for browsers and workers; pair it with the
 * connectors you use (`tickwire/connectors/synthetic`, your own) and pass
 * their definitions as `source`. The root entry point (`tickwire`) is this
 * plus the built-in connectors by name.
 *
 * @example A feed of the synthetic connector, bundled without the others
 * ```ts
 * import { createFeed } from "@tickwire/tickwire/core";
 * import { syntheticConnector } from "@tickwire/tickwire/connectors/synthetic";
 *
 * const feed = await createFeed({ source: syntheticConnector, symbols: ["PTT"], seed: 1 });
 * try {
 *   for await (const ev of feed) if (ev.type === "quote") break;
 * } finally {
 *   await feed.close();
 * }
 * ```
 *
 * @module
 */

export {
  createFeed,
  type ResolveContext,
  type ResolvedFeedConfig,
  resolveFeedConfig,
  startFeed,
} from "./create-feed.ts";
export { createFeedFromEnv, type EnvContext, FEED_ENV_VARS, resolveEnvConfig } from "./config.ts";
export { Feed, type FeedCloseInfo, type FeedHealth, type FeedListeners } from "./feed.ts";
export type {
  DefinitionFeedOptions,
  FeedBaseOptions,
  FeedCoreOptions,
  FeedOptions,
  FeedOptionsFor,
} from "./feed-options.ts";
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
} from "./events.ts";
export {
  checkEvent,
  type EventCheck,
  type EventIssue,
  parseEvent,
  validateEvent,
} from "./schemas.ts";
export {
  type ConnectionFacts,
  type ConnectorHealth,
  Lifecycle,
  type Phase,
  type StatusTime,
} from "./kit/lifecycle.ts";
export {
  type EventBody,
  type Stamp,
  type Stamped,
  type StampedField,
  Stamper,
} from "./kit/stamp.ts";
export {
  backoffDelay,
  type BackoffPolicy,
  DEFAULT_RECONNECT,
  type ReconnectPolicy,
} from "./kit/backoff.ts";
export {
  abortReason,
  type ConnectRun,
  connectWithRetry,
  isFatalError,
  type RetryHooks,
  type RetryRun,
  retryWithBackoff,
  sleep,
} from "./kit/retry.ts";
export { ConnectOnce } from "./kit/connect-once.ts";
export {
  type CheckOptions,
  checkOptions,
  type CheckResult,
  parseOptions,
  type SchemaOutput,
  type ValibotSchema,
} from "./config-issues.ts";
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
} from "./connector.ts";
export {
  Dispatcher,
  type DispatcherCounters,
  type DispatcherOptions,
  type OverflowPolicy,
} from "./dispatcher.ts";
export {
  HealthMonitor,
  type HealthOptions,
  type HealthSnapshot,
  type SymbolHealth,
} from "./health.ts";
export {
  connectorNames,
  type ConnectorOptionsMap,
  type ConnectorSource,
  type ConnectorTable,
  registerConnector,
  resolveConnector,
  unregisterConnector,
} from "./registry.ts";
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
  reasonOf,
} from "./errors.ts";
export {
  consoleLogger,
  type ConsoleLoggerOptions,
  isLogFormat,
  isLogLevel,
  type LogFields,
  type LogFormat,
  type Logger,
  type LogLevel,
  type LogSink,
  RateLimitedLog,
  type RateLimitedLogOptions,
  silentLogger,
} from "./log.ts";
export {
  type Clock,
  ManualClock,
  systemClock,
  type TimerHandle,
  type TimerOptions,
} from "./clock.ts";
export { type ConflateCounters, type ConflateOptions, Conflator } from "./conflate.ts";
export { readEnvVar } from "./env.ts";
export type { SessionQuiet, SessionSource } from "./session.ts";
export { isSecret, Secret } from "./secret.ts";
