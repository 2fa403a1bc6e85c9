import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bidOfferTopic,
  candlestickTopic,
  infoTopic,
  marketTopic,
  parseTopic,
  SUBSCRIBE_ERROR_TOPIC,
  subscriptionTopic,
  topicChannels,
} from "../../connectors/settrade/decode/topics.ts";
import type { Subscription } from "../../src/connector.ts";
import type { Channel } from "../../src/events.ts";

describe("Settrade topics", () => {
  it("builds the topic of each channel", () => {
    expect(subscriptionTopic({ channel: "quote", symbol: "PTT" })).toBe(
      "proto/topic/bidofferv3/PTT",
    );
    expect(subscriptionTopic({ channel: "book", symbol: "PTT" })).toBe(
      "proto/topic/bidofferv3/PTT",
    );
    expect(subscriptionTopic({ channel: "info", symbol: "PTT" })).toBe("proto/topic/infov3/PTT");
    expect(subscriptionTopic({ channel: "bar", symbol: "PTT" })).toBe("proto/topic/cdlv3/PTT/1m");
    expect(subscriptionTopic({ channel: "bar", symbol: "PTT", interval: "1d" }))
      .toBe("proto/topic/cdlv3/PTT/1d");
    expect(subscriptionTopic({ channel: "market", symbol: "SET" }))
      .toBe("proto/topic/exchinfoeqv3/SET");
    expect(subscriptionTopic({ channel: "market", symbol: "MAI" }))
      .toBe("proto/topic/exchinfoeqv3/mai");
    expect(subscriptionTopic({ channel: "market", symbol: "TFEX" }))
      .toBe("proto/topic/exchinfodvv3/TFEX");
  });

  it("upper-cases symbols but keeps intervals as given", () => {
    expect(bidOfferTopic("ptt")).toBe("proto/topic/bidofferv3/PTT");
    expect(infoTopic("aot")).toBe("proto/topic/infov3/AOT");
    expect(candlestickTopic("ptt", "5m")).toBe("proto/topic/cdlv3/PTT/5m");
    expect(marketTopic("mai")).toBe("proto/topic/exchinfoeqv3/mai");
  });

  it("refuses the trade channel, unknown markets and names that would break the topic", () => {
    expect(() => subscriptionTopic({ channel: "trade", symbol: "PTT" })).toThrow(RangeError);
    expect(() => subscriptionTopic({ channel: "market", symbol: "NASDAQ" })).toThrow(
      /unknown market "NASDAQ"/,
    );
    for (const bad of ["", "PT/T", "PT+", "#", "P T", "A\u0000"]) {
      expect(() => bidOfferTopic(bad)).toThrow(RangeError);
    }
    expect(() => candlestickTopic("PTT", "1/m")).toThrow(RangeError);
    expect(() => infoTopic(42 as unknown as string)).toThrow(TypeError);
  });

  it("parses every topic it builds back to the same channel, symbol and interval", () => {
    const channel = fc.constantFrom<Channel>("quote", "book", "info", "bar");
    const symbol = fc.stringMatching(/^[A-Z][A-Z0-9&.-]{0,11}$/);
    const interval = fc.constantFrom("1m", "3m", "5m", "15m", "60m", "1d", "1w");
    fc.assert(
      fc.property(channel, symbol, interval, (ch, sym, iv) => {
        const sub: Subscription = ch === "bar"
          ? { channel: ch, symbol: sym, interval: iv }
          : { channel: ch, symbol: sym };
        const topic = subscriptionTopic(sub);
        const parsed = parseTopic(topic);
        expect(parsed).toBeDefined();
        expect(topicChannels(parsed!.kind)).toContain(ch);
        expect(parsed).toMatchObject(
          ch === "bar" ? { symbol: sym, interval: iv } : { symbol: sym },
        );
      }),
      { numRuns: 300 },
    );
    for (const market of ["SET", "MAI", "TFEX"]) {
      const parsed = parseTopic(subscriptionTopic({ channel: "market", symbol: market }));
      expect(parsed && "market" in parsed ? parsed.market.toUpperCase() : undefined).toBe(market);
      expect(topicChannels(parsed!.kind)).toEqual(["market"]);
    }
  });

  it("parses the subscription-error topic and rejects foreign or malformed topics", () => {
    expect(parseTopic(SUBSCRIBE_ERROR_TOPIC)).toEqual({ kind: "subscribe-error" });
    expect(topicChannels("subscribe-error")).toEqual([]);
    for (
      const t of [
        "proto/topic/bidofferv3/",
        "proto/topic/bidofferv3/PTT/extra",
        "proto/topic/cdlv3/PTT",
        "proto/topic/tradev3/PTT",
        "other/topic/bidofferv3/PTT",
        "proto/ua/_broker/ACC/_front/ordereqv3",
        "",
      ]
    ) {
      expect(parseTopic(t)).toBeUndefined();
    }
  });
});
