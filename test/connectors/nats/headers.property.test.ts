import type { JsMsg } from "@nats-io/jetstream";
import { MsgImpl } from "@nats-io/nats-core/internal";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONTENT_TYPES } from "../../../connectors/nats/mod.ts";
import { HeaderReader } from "../../../connectors/nats/_headers.ts";
import { propertyRuns } from "../../_helpers/property-runs.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A consumer message as nats.js 3 makes it: `JsMsgImpl` over a `MsgImpl`. */
function jsMsg(block: Uint8Array | undefined, payload = enc("data")): JsMsg {
  const data = block === undefined ? payload : new Uint8Array([...block, ...payload]);
  const arg = {
    subject: enc("tw.s.quote.PTT"),
    sid: 1,
    hdr: block?.length ?? -1,
    size: data.length,
  };
  const msg = new MsgImpl(arg, data, {} as never);
  return {
    msg,
    get headers() {
      return msg.headers;
    },
  } as unknown as JsMsg;
}

type Read = { contentType: string | undefined; msgId: string } | { threw: string };

function viaClient(m: JsMsg): Read {
  try {
    const h = m.headers;
    return { contentType: h?.get("Content-Type"), msgId: h?.get("Nats-Msg-Id") ?? "" };
  } catch (e) {
    return { threw: (e as Error).message };
  }
}

function viaReader(r: HeaderReader, m: JsMsg): Read {
  try {
    r.read(m);
    return { contentType: r.contentType, msgId: r.msgId };
  } catch (e) {
    return { threw: (e as Error).message };
  }
}

const line = fc.oneof(
  { weight: 4, arbitrary: fc.constant(`Content-Type: ${CONTENT_TYPES.protobuf}`) },
  { weight: 4, arbitrary: fc.constant("Nats-Msg-Id: lx2k9abc-41") },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constantFrom("Content-Type", "Nats-Msg-Id", "content-type", "X-Other", "Nats-Msg-Id "),
      fc.constantFrom(":", ": ", ":\t", "  :"),
      fc.string({ maxLength: 12 }),
      fc.constantFrom("", " ", "\t "),
    ).map((parts) => parts.join("")),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("", "no colon", ": empty name", "é: v", "K: é", "K: a\rb"),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const block = fc.tuple(
  fc.constantFrom("NATS/1.0", "NATS/1.0", "NATS/1.0 503", "NATS/1.1", ""),
  fc.array(line, { maxLength: 5 }),
  fc.constantFrom("\r\n\r\n", "\r\n\r\n", "\r\n", "", "\n"),
).map(([status, lines, tail]) => enc([status, ...lines].join("\r\n") + tail));

describe("nats header reader", () => {
  it("reads what msg.headers gives, or throws as it does, for any header block (property)", () => {
    const r = new HeaderReader(CONTENT_TYPES.protobuf);
    fc.assert(
      fc.property(block, (b) => {
        expect(viaReader(r, jsMsg(b))).toStrictEqual(viaClient(jsMsg(b)));
      }),
      { numRuns: propertyRuns(3_000) },
    );
  });

  it("reads the publisher's headers without asking the client, the known Content-Type as the same string", () => {
    const r = new HeaderReader(CONTENT_TYPES.protobuf);
    const b = enc(
      `NATS/1.0\r\nNats-Msg-Id: run1-7\r\nContent-Type: ${CONTENT_TYPES.protobuf}\r\n\r\n`,
    );
    const m = jsMsg(b);
    r.read(m);
    expect(r.contentType).toBe(CONTENT_TYPES.protobuf);
    expect(r.msgId).toBe("run1-7");
    expect((m as unknown as { msg: { _headers?: unknown } }).msg._headers).toBeUndefined();
  });

  it("gives no Content-Type and an empty id for a message without headers", () => {
    const r = new HeaderReader(CONTENT_TYPES.protobuf);
    r.read(jsMsg(enc(`NATS/1.0\r\nNats-Msg-Id: a-1\r\n\r\n`)));
    r.read(jsMsg(undefined));
    expect([r.contentType, r.msgId]).toEqual([undefined, ""]);
  });

  it("asks msg.headers when the client keeps the bytes some other way", () => {
    const r = new HeaderReader(CONTENT_TYPES.protobuf);
    const m = { headers: { get: (k: string) => (k === "Content-Type" ? "text/plain" : "x-2") } };
    r.read(m as unknown as JsMsg);
    expect([r.contentType, r.msgId]).toEqual(["text/plain", "x-2"]);
  });
});
