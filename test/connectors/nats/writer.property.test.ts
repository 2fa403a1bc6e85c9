import { fromBinary, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONTENT_TYPES, decodeEvent, encodeEvent } from "../../../connectors/nats/mod.ts";
import { EventSchema } from "../../../connectors/nats/gen/tickwire/v1/events_pb.ts";
import { toMessage } from "../../../connectors/nats/_message.ts";
import { EventWriter } from "../../../connectors/nats/_writer.ts";
import { type FeedEvent, STATUS_KINDS } from "../../../src/events.ts";
import { propertyRuns } from "../../_helpers/property-runs.ts";
import { anyText, events, text } from "./_events.ts";
import { makeQuote } from "../../_helpers/quote.ts";

/** What `@bufbuild/protobuf` writes for the generated message of an event. */
const reference = (ev: FeedEvent): Uint8Array => toBinary(EventSchema, toMessage(ev));

describe("nats protobuf writer", () => {
  it("writes the bytes of the generated code's toBinary, for every event type and status kind (property)", () => {
    fc.assert(
      fc.property(events(anyText), (ev) => {
        expect(encodeEvent(ev)).toEqual(reference(ev));
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });

  it("round-trips through the generated schema's decoder to an identical event (property)", () => {
    fc.assert(
      fc.property(events(text), (ev) => {
        const bytes = encodeEvent(ev);
        expect(() => fromBinary(EventSchema, bytes)).not.toThrow();
        expect(decodeEvent(bytes, CONTENT_TYPES.protobuf)).toStrictEqual(ev);
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });

  it("covers every status kind and every body", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(events(text), (ev) => {
        seen.add(ev.type === "status" ? `status:${ev.kind}` : ev.type);
      }),
      { numRuns: 2_000 },
    );
    expect(seen).toEqual(
      new Set([
        ...["quote", "book", "trade", "bar", "info", "market"],
        ...STATUS_KINDS.map((k) => `status:${k}`),
      ]),
    );
  });

  it("writes lengths of two and three bytes and grows its buffer for large events", () => {
    const levels = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ price: 10 + i / 4, size: i * 100 }));
    const ev: FeedEvent = {
      type: "book",
      source: "s".repeat(20_000),
      symbol: "ปตท".repeat(3_000),
      seq: 1,
      recvTs: 2,
      recvMono: 3,
      epoch: 0,
      bids: levels(2_000),
      asks: levels(7),
      bidFlag: "normal",
      askFlag: "atc",
    };
    const bytes = encodeEvent(ev);
    expect(bytes.length).toBeGreaterThan(60_000);
    expect(bytes).toEqual(reference(ev));
    expect(decodeEvent(bytes, CONTENT_TYPES.protobuf)).toStrictEqual(ev);
  });

  it("hands out bytes that a later event does not overwrite", () => {
    const w = new EventWriter();
    const a = makeQuote({ source: "x", recvTs: 1, recvMono: 1, ask: 2, bidSize: 3, askSize: 4 });
    const first = w.encode(a);
    const copy = first.slice();
    w.encode({ ...a, symbol: "AOT", bid: 99 } as FeedEvent);
    expect(first).toEqual(copy);
  });

  it("refuses an unknown flag, side or status kind, naming the field", () => {
    const w = new EventWriter();
    const q = { type: "quote", source: "x", symbol: "P", seq: 1, recvTs: 1, recvMono: 1, epoch: 0 };
    expect(() => w.encode({ ...q, bidFlag: "open", askFlag: "normal" } as never)).toThrow(
      /cannot encode "quote.bidFlag": open/,
    );
    expect(() => w.encode({ ...q, type: "trade", price: 1, size: 1, side: "up" } as never)).toThrow(
      /cannot encode "trade.side": up/,
    );
    expect(() =>
      w.encode(
        { type: "status", kind: "asleep", source: "x", recvTs: 1, recvMono: 1, epoch: 0 } as never,
      )
    ).toThrow(/cannot encode "status.kind": asleep/);
  });
});
