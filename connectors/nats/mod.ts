/**
 * NATS JetStream for tickwire: the wire format of its events (`tickwire.v1`,
 * protobuf or JSON) and their subjects.
 *
 * @module
 */

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
export { DEFAULT_NATS_URL, type NatsConnectOptions } from "./_connect.ts";
export { DEFAULT_STREAM, type StreamSettings } from "./_stream.ts";
export { DEFAULT_KV_BUCKET, latestKey } from "./_latest.ts";
