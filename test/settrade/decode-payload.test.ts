import { describe, expect, it, vi } from "vitest";
import {
  decodePayload,
  decodeSubscribeError,
  SettradeDecoder,
  WANT_BOTH,
} from "../../connectors/settrade/decode/mod.ts";
import { isDecodeError } from "../../src/errors.ts";
import type { MarketEvent } from "../../src/events.ts";
import { validateEvent } from "../../src/schemas.ts";
import {
  bidOfferBytes,
  candlestickBytes,
  derivMarketBytes,
  equityMarketBytes,
  infoBytes,
  META,
  realisticBook,
} from "./_fixtures.ts";

const BOOK_TOPIC = "proto/topic/bidofferv3/PTT";

describe("decodePayload", () => {
  it("turns one book payload into a quote and a book with consecutive sequence numbers", () => {
    const events = decodePayload(BOOK_TOPIC, bidOfferBytes(realisticBook("PTT", 34.25)), {
      ...META,
      seq: 41,
    });
    expect(events.map((e) => [e.type, e.seq])).toEqual([["quote", 41], ["book", 42]]);
    for (const ev of events) expect(validateEvent(ev)).toEqual([]);
  });

  it("yields only what is wanted from a book topic", () => {
    const bytes = bidOfferBytes(realisticBook("PTT", 34.25));
    expect(decodePayload(BOOK_TOPIC, bytes, META, { quote: false, book: true }).map((e) => e.type))
      .toEqual(["book"]);
    expect(decodePayload(BOOK_TOPIC, bytes, META, { quote: true, book: false }).map((e) => e.type))
      .toEqual(["quote"]);
    expect(decodePayload(BOOK_TOPIC, bytes, META, { quote: false, book: false })).toEqual([]);
  });

  it("decodes info, bar and market topics to one event each", () => {
    const cases: [string, Uint8Array, MarketEvent["type"]][] = [
      ["proto/topic/infov3/PTT", infoBytes({ symbol: "PTT", last: "34.25" }), "info"],
      [
        "proto/topic/cdlv3/PTT/1m",
        candlestickBytes({ symbol: "PTT", interval: "1m", timeMs: 1_700_000_040_000 }),
        "bar",
      ],
      ["proto/topic/exchinfoeqv3/mai", equityMarketBytes({ name: "mai" }), "market"],
      ["proto/topic/exchinfodvv3/TFEX", derivMarketBytes({ name: "TFEX" }), "market"],
    ];
    for (const [topic, bytes, type] of cases) {
      const events = decodePayload(topic, bytes, META);
      expect(events).toHaveLength(1);
      expect(events[0].type).toBe(type);
      expect(events[0].seq).toBe(META.seq);
      expect(validateEvent(events[0])).toEqual([]);
    }
  });

  it("takes the topic as the truth: a payload about another symbol, interval or market is a DecodeError", () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ["proto/topic/bidofferv3/AOT", bidOfferBytes(realisticBook("PTT", 34.25)), /symbol "PTT"/],
      ["proto/topic/infov3/AOT", infoBytes({ symbol: "PTT", last: "34.25" }), /symbol "PTT"/],
      [
        "proto/topic/cdlv3/PTT/5m",
        candlestickBytes({ symbol: "PTT", interval: "1m", timeMs: 1_700_000_040_000 }),
        /interval "1m" differs from its topic's "5m"/,
      ],
      ["proto/topic/exchinfoeqv3/SET", equityMarketBytes({ name: "mai" }), /market "mai"/],
    ];
    for (const [topic, bytes, message] of cases) {
      let caught: unknown;
      try {
        decodePayload(topic, bytes, META);
      } catch (e) {
        caught = e;
      }
      expect(isDecodeError(caught)).toBe(true);
      expect(caught).toMatchObject({ code: "topic-mismatch", topic });
      expect((caught as Error).message).toMatch(message);
    }
  });

  it("throws a DecodeError carrying the topic for a malformed payload", () => {
    let caught: unknown;
    try {
      decodePayload(BOOK_TOPIC, Uint8Array.from([0x0a, 9, 0x50]), META);
    } catch (e) {
      caught = e;
    }
    expect(isDecodeError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: "length", offset: 1, topic: BOOK_TOPIC });
    expect((caught as Error).message).toContain(`on topic "${BOOK_TOPIC}"`);
  });

  it("throws a DecodeError with code topic for unknown and error topics", () => {
    for (const topic of ["proto/topic/tradev3/PTT", "$sys/u/_broker/_uref/error/subscribe"]) {
      expect(() => decodePayload(topic, new Uint8Array(0), META)).toThrow(
        expect.objectContaining({ name: "DecodeError", code: "topic", topic }),
      );
    }
  });
});

describe("SettradeDecoder", () => {
  it("hands events to the callback and reports how many sequence numbers it used", () => {
    const decoder = new SettradeDecoder();
    const emit = vi.fn();
    const meta = { ...META };
    const bytes = bidOfferBytes(realisticBook("PTT", 34.25));
    meta.seq += decoder.decode(BOOK_TOPIC, bytes, meta, WANT_BOTH, emit);
    meta.seq += decoder.decode(
      "proto/topic/infov3/PTT",
      infoBytes({ symbol: "PTT" }),
      meta,
      WANT_BOTH,
      emit,
    );
    expect(meta.seq).toBe(META.seq + 3);
    expect(emit.mock.calls.map(([ev]) => `${ev.type}#${ev.seq}`)).toEqual([
      "quote#1",
      "book#2",
      "info#3",
    ]);
  });

  it("emits nothing when the payload is malformed", () => {
    const decoder = new SettradeDecoder();
    const emit = vi.fn();
    expect(() => decoder.decode(BOOK_TOPIC, Uint8Array.from([0x80]), META, WANT_BOTH, emit))
      .toThrow(expect.objectContaining({ name: "DecodeError", code: "truncated", offset: 0 }));
    expect(() =>
      decoder.decode("proto/topic/infov3/PTT", Uint8Array.from([0x0a, 3]), META, WANT_BOTH, emit)
    )
      .toThrow(expect.objectContaining({ code: "malformed" }));
    expect(emit).not.toHaveBeenCalled();
  });

  it("parses topics once and caches them", () => {
    const decoder = new SettradeDecoder();
    const a = decoder.topic("proto/topic/cdlv3/PTT/5m");
    expect(a).toEqual({ kind: "candlestick", symbol: "PTT", interval: "5m" });
    expect(decoder.topic("proto/topic/cdlv3/PTT/5m")).toBe(a);
    expect(decoder.topic("nope")).toBeUndefined();
  });
});

describe("decodeSubscribeError", () => {
  it("reads text, and JSON when it parses", () => {
    const enc = new TextEncoder();
    expect(decodeSubscribeError(enc.encode('{"code":"E404","topic":"x"}'))).toEqual({
      text: '{"code":"E404","topic":"x"}',
      json: { code: "E404", topic: "x" },
    });
    expect(decodeSubscribeError(enc.encode("not allowed"))).toEqual({
      text: "not allowed",
      json: undefined,
    });
  });
});
