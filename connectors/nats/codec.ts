/**
 * The wire codec of tickwire's events (schema `tickwire.v1`,
 * `proto/tickwire/v1/events.proto`): protobuf by default, the schema's JSON
 * mapping as an option. The encoding and schema travel in the message's
 * `Content-Type` header ({@link CONTENT_TYPES}); a reader refuses any other.
 *
 * Every number is a double on the wire, so a decoded price equals the
 * published one bit for bit (in protobuf, `-0` included; JSON writes `-0` as
 * `0`, the one value it does not keep).
 *
 * @module
 */

import { fromBinary, fromJsonString, toJsonString } from "@bufbuild/protobuf";
import type { FeedEvent } from "../../src/events.ts";
import { type Event, EventSchema } from "./gen/tickwire/v1/events_pb.ts";
import { bad, fromMessage } from "./_from-message.ts";
import { toMessage } from "./_message.ts";
import { EventReader } from "./_reader.ts";
import { EventWriter } from "./_writer.ts";

/** How events are written on the bus. @default "protobuf" */
export type WireEncoding = "protobuf" | "json";

/** The schema these functions read and write. */
export const SCHEMA_VERSION = "tickwire.v1";

/** The `Content-Type` header of each encoding. */
export const CONTENT_TYPES: Readonly<Record<WireEncoding, string>> = {
  protobuf: `application/x-protobuf; schema=${SCHEMA_VERSION}`,
  json: `application/json; schema=${SCHEMA_VERSION}`,
};

/** The protobuf writer, made on first use. */
let writer: EventWriter | undefined;
/** The protobuf reader, made on first use. */
let reader: EventReader | undefined;

/**
 * Encodes one event.
 * @param ev A market event or a status.
 * @param encoding Protobuf or JSON. @default "protobuf"
 * @returns The message payload (its `Content-Type` is `CONTENT_TYPES[encoding]`).
 * @example
 * ```ts
 * import { decodeEvent, encodeEvent, CONTENT_TYPES } from "@tickwire/tickwire/connectors/nats";
 * const ev = {
 *   type: "quote", source: "synthetic", symbol: "PTT", seq: 1, recvTs: 1, recvMono: 1, epoch: 0,
 *   bid: 33.25, ask: 33.5, bidSize: 100, askSize: 200, bidFlag: "normal", askFlag: "normal",
 * } as const;
 * const back = decodeEvent(encodeEvent(ev), CONTENT_TYPES.protobuf);
 * console.log(back.type === "quote" && back.bid === 33.25); // true
 * ```
 */
export function encodeEvent(ev: FeedEvent, encoding: WireEncoding = "protobuf"): Uint8Array {
  return encoding === "protobuf"
    ? (writer ??= new EventWriter()).encode(ev)
    : new TextEncoder().encode(toJsonString(EventSchema, toMessage(ev)));
}

/**
 * Decodes one message payload.
 * @param payload The bytes. @param contentType The message's `Content-Type` header.
 * @returns The event, as it was published.
 * @throws DecodeError naming what is wrong: an unknown schema or encoding, bytes
 *   that are not the schema's, a missing field or an unknown enum value.
 */
export function decodeEvent(payload: Uint8Array, contentType: string | undefined): FeedEvent {
  let msg: Event;
  if (contentType === CONTENT_TYPES.protobuf) {
    // The usual encoding, read straight into the event; anything else, by the generated code.
    const ev = (reader ??= new EventReader()).read(payload);
    if (ev !== undefined) return ev;
    try {
      msg = fromBinary(EventSchema, payload);
    } catch (e) {
      bad(`not a tickwire.v1 protobuf message (${(e as Error).message})`);
    }
  } else if (contentType === CONTENT_TYPES.json) {
    try {
      msg = fromJsonString(EventSchema, new TextDecoder().decode(payload), {
        ignoreUnknownFields: true,
      });
    } catch (e) {
      bad(`not a tickwire.v1 JSON message (${(e as Error).message})`);
    }
  } else {
    bad(
      contentType === undefined
        ? "no Content-Type header"
        : `unknown schema or encoding "${contentType}" (this reader knows ${SCHEMA_VERSION})`,
    );
  }
  return fromMessage(msg);
}
