/**
 * NATS JetStream for tickwire: `publishFeed` (a feed's events to a stream),
 * the `nats` connector (`DATA_SOURCE=nats`: events back from the stream, with
 * no gap and no duplicate), and the wire format both use (`tickwire.v1`,
 * protobuf or JSON, on escaped subjects). The `@nats-io` client packages load
 * only when a publisher or a connector starts.
 *
 * @example Reading what `tickwire publish` writes
 * ```ts ignore
 * import { createFeed } from "@tickwire/tickwire";
 * const feed = await createFeed({ source: "nats", symbols: ["PTT"], start: "last" });
 * for await (const ev of feed) if (ev.type === "quote") console.log(ev.origin, ev.bid, ev.streamSeq);
 * ```
 *
 * @module
 */

import type { ConnectorContext, ConnectorDefinition } from "../../src/connector.ts";
import { CHANNELS } from "../../src/events.ts";
import { NatsConnector } from "./_connector.ts";
import {
  NATS_ENV,
  NATS_OPTION_KEYS,
  type NatsOptions,
  type NatsOptionsInput,
  parseNatsOptions,
} from "./_options.ts";

export {
  CONTENT_TYPES,
  decodeEvent,
  encodeEvent,
  SCHEMA_VERSION,
  type WireEncoding,
} from "./codec.ts";
export {
  DEFAULT_SUBJECT_PREFIX,
  escapeToken,
  eventSubject,
  type ParsedSubject,
  parseSubject,
  statusSubject,
  unescapeToken,
} from "./subjects.ts";
export { type Publisher, publishFeed, type PublishOptions, type PublishStats } from "./publish.ts";
export { publisherServeExtra } from "./publish-view.ts";
export { DEFAULT_NATS_URL, type NatsConnectOptions } from "./_connect.ts";
export { DEFAULT_STREAM, type StreamSettings } from "./_stream.ts";
export { DEFAULT_KV_BUCKET, latestKey } from "./_latest.ts";
export { NatsConnector } from "./_connector.ts";
export {
  NATS_ENV,
  type NatsOptions,
  type NatsOptionsInput,
  type NatsStart,
  parseNatsOptions,
} from "./_options.ts";

/**
 * Creates the connector directly (a feed does it for you with `source: "nats"`).
 * @param options Options as written. @param ctx Sink, logger, clock.
 * @returns The connector.
 * @throws ConfigError listing every bad option.
 */
export function createNatsConnector(
  options: NatsOptionsInput,
  ctx: ConnectorContext,
): NatsConnector {
  return new NatsConnector(parseNatsOptions(options), ctx);
}

/** The `nats` connector's definition (`DATA_SOURCE=nats`). */
export const natsConnector: ConnectorDefinition<NatsOptions, NatsOptionsInput> = {
  name: "nats",
  optionKeys: NATS_OPTION_KEYS,
  capabilities: CHANNELS,
  env: NATS_ENV,
  parseOptions: parseNatsOptions,
  create: (options, ctx) => new NatsConnector(options, ctx),
};
