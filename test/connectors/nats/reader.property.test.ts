import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONTENT_TYPES, decodeEvent, encodeEvent } from "../../../connectors/nats/mod.ts";
import { EventSchema, StatusSchema } from "../../../connectors/nats/gen/tickwire/v1/events_pb.ts";
import { fromMessage } from "../../../connectors/nats/_from-message.ts";
import { toMessage } from "../../../connectors/nats/_message.ts";
import { EventReader } from "../../../connectors/nats/_reader.ts";
import { type FeedEvent, STATUS_KINDS } from "../../../src/events.ts";
import { isDecodeError } from "../../../src/errors.ts";
import { propertyRuns } from "../../_helpers/property-runs.ts";
import { makeQuote } from "../../_helpers/quote.ts";
import { anyText, events } from "./_events.ts";

type Outcome = { readonly ev: FeedEvent } | { readonly error: string };

/** What the generated decoder makes of the bytes, as `decodeEvent` reports it. */
function generated(bytes: Uint8Array): Outcome {
  let m;
  try {
    m = fromBinary(EventSchema, bytes);
  } catch (e) {
    return {
      error: `[nats] bad event: not a tickwire.v1 protobuf message (${(e as Error).message})`,
    };
  }
  try {
    return { ev: fromMessage(m) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** What `decodeEvent` (the hand-written reader, then the generated decoder) makes of them. */
function decoded(bytes: Uint8Array): Outcome {
  try {
    return { ev: decodeEvent(bytes, CONTENT_TYPES.protobuf) };
  } catch (e) {
    expect(isDecodeError(e), String(e)).toBe(true);
    return { error: (e as Error).message };
  }
}

/** Every key, nested, in order: the two decoders build objects of the same shape. */
function keys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keys);
  if (typeof v !== "object" || v === null) return null;
  return Object.entries(v).map(([k, x]) => [k, keys(x)]);
}

function expectSame(a: Outcome, b: Outcome): void {
  expect(a).toStrictEqual(b);
  if ("ev" in a && "ev" in b) expect(keys(a.ev)).toEqual(keys(b.ev));
}

// A few bytes of the wire, for messages the writer never writes.
const tag = (field: number, wire: number): number[] => varint((field << 3) | wire);
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
function double(field: number, v: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [...tag(field, 1), ...b];
}
function len(field: number, body: readonly number[]): number[] {
  return [...tag(field, 2), ...varint(body.length), ...body];
}
const str = (field: number, s: string): number[] => len(field, [...new TextEncoder().encode(s)]);
const quoteBody = [
  ...double(1, 33.25),
  ...double(2, 33.5),
  ...double(3, 100),
  ...double(4, 200),
  ...tag(5, 0),
  1,
  ...tag(6, 0),
  2,
];
const bytes = (...parts: number[][]): Uint8Array => new Uint8Array(parts.flat());

describe("nats protobuf reader", () => {
  it("reads every event the writer writes into the generated decoder's event, key order included (property)", () => {
    const seen = new Set<string>();
    const reader = new EventReader();
    fc.assert(
      fc.property(events(anyText), (ev) => {
        const b = encodeEvent(ev);
        const fast = reader.read(b);
        expect(fast).toBeDefined();
        expectSame({ ev: fast! }, generated(b));
        seen.add(ev.type === "status" ? `status:${ev.kind}` : ev.type);
      }),
      { numRuns: propertyRuns(3_000) },
    );
    if (propertyRuns(3_000) === 3_000) {
      expect(seen).toEqual(
        new Set([
          ...["quote", "book", "trade", "bar", "info", "market"],
          ...STATUS_KINDS.map((k) => `status:${k}`),
        ]),
      );
    }
  });

  it("gives any bytes the generated decoder's result or error: valid events with bytes changed, cut or added (property)", () => {
    const edit = fc.oneof(
      fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), op: fc.constant("set") }),
      fc.record({
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
        op: fc.constant("insert"),
      }),
      fc.record({ at: fc.nat(), byte: fc.constant(0), op: fc.constant("delete") }),
      fc.record({ at: fc.nat(), byte: fc.constant(0), op: fc.constant("cut") }),
    );
    fc.assert(
      fc.property(events(anyText), fc.array(edit, { minLength: 1, maxLength: 3 }), (ev, edits) => {
        const b = [...encodeEvent(ev)];
        for (const { at, byte, op } of edits) {
          const i = at % (b.length + 1);
          if (op === "set" && i < b.length) b[i] = byte;
          else if (op === "insert") b.splice(i, 0, byte);
          else if (op === "delete") b.splice(i, 1);
          else if (op === "cut") b.length = i;
        }
        const u = new Uint8Array(b);
        expectSame(decoded(u), generated(u));
      }),
      { numRuns: propertyRuns(3_000) },
    );
  });

  it("leaves an unknown field to the generated decoder, which skips it", () => {
    const ev = makeQuote({ source: "x", exchTs: 5 });
    const atEnd = new Uint8Array([...encodeEvent(ev), ...tag(30, 0), 7]);
    const m = toMessage(ev);
    (m.body.value as { $unknown?: unknown }).$unknown = [
      { no: 7, wireType: 0, data: new Uint8Array([9]) },
    ];
    const inBody = toBinary(EventSchema, m);
    for (const b of [atEnd, inBody]) {
      expect(new EventReader().read(b)).toBeUndefined();
      expect(decodeEvent(b, CONTENT_TYPES.protobuf)).toStrictEqual(ev);
    }
  });

  it("leaves a field of another wire type to the generated decoder", () => {
    const head = [...str(1, "s"), ...str(10, "PTT")];
    const cases = [
      bytes(head, tag(3, 0), [5], len(16, quoteBody)), // recvTs as a varint
      bytes(head, len(16, [...quoteBody.slice(0, 9 * 3), ...tag(4, 5), 0, 0, 0, 0])), // askSize as fixed32
      bytes(head, tag(16, 0), [1]), // the body as a varint
      bytes(head, len(16, [...quoteBody.slice(0, -2), ...tag(6, 1), 2, 0, 0, 0, 0, 0, 0, 0])), // a flag as I64
    ];
    for (const b of cases) {
      expect(new EventReader().read(b)).toBeUndefined();
      expectSame(decoded(b), generated(b));
    }
  });

  it("leaves fields out of order, given twice or split to the generated decoder, which reads them all", () => {
    const head = [...str(1, "s"), ...double(2, 7)];
    const want = makeQuote({
      source: "s",
      seq: 9,
      bid: 33.25,
      ask: 33.5,
      askSize: 200,
      askFlag: "ato",
    });
    const cases = [
      bytes(str(10, "PTT"), head, double(2, 9), len(16, quoteBody)), // symbol first, seq twice
      bytes(
        head,
        double(2, 9),
        str(10, "PTT"),
        len(16, quoteBody.slice(0, 18)),
        len(16, quoteBody.slice(18)),
      ), // body split
      bytes(
        head,
        str(10, "PTT"),
        double(2, 9),
        len(16, [...quoteBody.slice(9), ...quoteBody.slice(0, 9)]),
      ),
    ];
    for (const b of cases) {
      expect(new EventReader().read(b)).toBeUndefined();
      const got = decoded(b);
      expectSame(got, generated(b));
      expect(got).toStrictEqual({ ev: want });
    }
  });

  it("leaves truncated bytes to the generated decoder, which names the fault", () => {
    const b = encodeEvent(makeQuote({ exchTs: 3, origin: "settrade" }));
    for (let n = 0; n < b.length; n++) {
      const cut = b.subarray(0, n);
      expect(new EventReader().read(cut)).toBeUndefined();
      const got = decoded(cut);
      expect(got).toHaveProperty("error", expect.stringMatching(/^\[nats\] bad event: /));
      expect(got).toStrictEqual(generated(cut));
    }
  });

  it("leaves missing fields, unknown enum values and bad UTF-8 to the generated decoder, which names them", () => {
    const head = [...str(1, "s"), ...str(10, "PTT")];
    const cases: [Uint8Array, RegExp][] = [
      [bytes(head, len(16, quoteBody.slice(9))), /"quote.bid" is missing/],
      [
        bytes(head, len(16, [...quoteBody.slice(0, -1), 9])),
        /"quote.askFlag" has the unknown value 9/,
      ],
      [bytes(str(1, "s"), len(16, quoteBody)), /a quote event without a symbol/],
      [bytes(head), /no body/],
      [
        bytes(head, len(10, [0xc3, 0x28]), len(16, quoteBody)),
        /not a tickwire.v1 protobuf message/,
      ],
      [
        toBinary(
          EventSchema,
          create(EventSchema, { body: { case: "status", value: create(StatusSchema) } }),
        ),
        /status kind 0 is unknown/,
      ],
    ];
    for (const [b, why] of cases) {
      expect(new EventReader().read(b)).toBeUndefined();
      const got = decoded(b);
      expect(got).toHaveProperty("error", expect.stringMatching(why));
      expect(got).toStrictEqual(generated(b));
    }
  });

  it("keeps -0, NaN, infinities and subnormals of every double", () => {
    for (const x of [-0, NaN, Infinity, -Infinity, 5e-324, -Number.MAX_VALUE]) {
      const ev = makeQuote({ bid: x, recvTs: x, exchTs: x, seq: x });
      const back = new EventReader().read(encodeEvent(ev)) as typeof ev;
      expect(Object.is(back.bid, x) && Object.is(back.recvTs, x) && Object.is(back.seq, x)).toBe(
        true,
      );
      expect(Object.is(back.exchTs, x)).toBe(true);
    }
  });

  it("gives strings that repeat, and strings of any script, unchanged", () => {
    const reader = new EventReader();
    for (const s of ["PTT", "ปตท", "\uFEFFBOM", "x".repeat(40), "é".repeat(100), "PTT", "A B"]) {
      const ev = makeQuote({ source: s, symbol: s, origin: s });
      expect(reader.read(encodeEvent(ev))).toStrictEqual(ev);
    }
  });

  it("reads events from one reused Node Buffer, strings seen before included", () => {
    const reader = new EventReader();
    const buf = Buffer.alloc(256);
    const symbols = Array.from({ length: 3_000 }, (_, i) => `S${String(i).padStart(4, "0")}`);
    for (const round of [1, 2]) {
      for (const symbol of symbols) {
        const bytes = encodeEvent(makeQuote({ symbol, seq: round }));
        buf.set(bytes, 7);
        expect(reader.read(buf.subarray(7, 7 + bytes.length))).toStrictEqual(
          makeQuote({ symbol, seq: round }),
        );
      }
    }
  });
});
