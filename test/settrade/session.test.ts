/**
 * Session awareness of the Settrade connector: the SET/TFEX calendar (Bangkok
 * hours, weekends, holidays, night sessions), market-status messages over the
 * calendar, and a feed on the real connector (direct mode, a real broker on
 * 127.0.0.1) whose staleness counts only while the market is open, driven by a
 * ManualClock across open, intermission and close.
 */
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.ts";
import { createFeed } from "../../mod.ts";
import type { MarketStatusEvent, StatusEvent } from "../../src/events.ts";
import {
  ExchangeCalendar,
  SET_HOURS,
  type SettradeConnector,
  SettradeSession,
  stateOfStatusName,
  TFEX_HOURS,
} from "../../connectors/settrade/mod.ts";
import { bidOfferBytes } from "./_fixtures.ts";
import { brokerAroundTests } from "./_mqtt-broker.ts";
import { capturingLogger, until } from "./_connector-harness.ts";

/** Epoch ms of a Bangkok wall time. */
const bkk = (text: string): number => Date.parse(`${text}+07:00`);

describe("the built-in SET calendar", () => {
  const set = new ExchangeCalendar(SET_HOURS, ["2025-01-01"]);

  it("is open in the sessions (pre-open included), pauses at noon and closes after the closing auction", () => {
    expect(set.state(bkk("2025-01-06T09:29:59"))).toBe("closed");
    expect(set.state(bkk("2025-01-06T09:30:00"))).toBe("open");
    expect(set.state(bkk("2025-01-06T12:29:59"))).toBe("open");
    expect(set.state(bkk("2025-01-06T12:30:00"))).toBe("intermission");
    expect(set.state(bkk("2025-01-06T14:00:00"))).toBe("open");
    expect(set.state(bkk("2025-01-06T16:39:59"))).toBe("open");
    expect(set.state(bkk("2025-01-06T16:40:00"))).toBe("closed");
  });

  it("is closed at weekends and on the holidays the user gives", () => {
    expect(set.state(bkk("2025-01-04T10:00:00"))).toBe("closed"); // Saturday
    expect(set.state(bkk("2025-01-05T10:00:00"))).toBe("closed"); // Sunday
    expect(set.state(bkk("2025-01-01T10:00:00"))).toBe("closed"); // holiday
    expect(set.state(bkk("2025-01-02T10:00:00"))).toBe("open");
  });

  it("gives a night session that runs past midnight to the day it starts on", () => {
    const tfex = new ExchangeCalendar({ ...TFEX_HOURS, open: [...TFEX_HOURS.open, "18:45-03:00"] });
    expect(tfex.state(bkk("2025-01-10T23:00:00"))).toBe("open"); // Friday night
    expect(tfex.state(bkk("2025-01-11T02:59:00"))).toBe("open"); // ... into Saturday
    expect(tfex.state(bkk("2025-01-11T23:00:00"))).toBe("closed"); // Saturday night
    expect(tfex.state(bkk("2025-01-13T02:00:00"))).toBe("closed"); // after Sunday
    expect(tfex.state(bkk("2025-01-13T17:00:00"))).toBe("closed"); // between sessions
  });

  it("rejects a malformed window or date, quoting it", () => {
    expect(() => new ExchangeCalendar({ open: ["9:30-12:30"] })).toThrow(/"9:30-12:30"/);
    expect(() => new ExchangeCalendar(SET_HOURS, ["2025-02-30"])).toThrow(/"2025-02-30"/);
  });
});

describe("the Settrade session", () => {
  it("puts TFEX series on TFEX hours and everything else on SET's, unless told", () => {
    const session = new SettradeSession({ markets: { ptt80: "TFEX" } });
    expect(["S50H25", "S50H25C900", "PTTM25", "GOZ25", "TFEX"].map((s) => session.marketOf(s)))
      .toEqual(["TFEX", "TFEX", "TFEX", "TFEX", "TFEX"]);
    expect(["PTT", "AOT", "SET", "MAI", "BANPU-W5"].map((s) => session.marketOf(s)))
      .toEqual(["SET", "SET", "SET", "SET", "SET"]);
    expect(session.marketOf("PTT80")).toBe("TFEX");
    const at = bkk("2025-01-06T09:20:00");
    expect(session.quietReason("S50H25", at)).toBeUndefined();
    expect(session.quietReason("PTT", at)).toBe("closed");
  });

  it("reads a state from a status name only when the name tells it", () => {
    expect(["open", "pre-open1", "pre-close", "intermission", "halt", "closed", "code-7"].map(
      stateOfStatusName,
    )).toEqual(["open", "open", "open", "intermission", "halted", "closed", undefined]);
  });

  it("lets a market-status message win over the calendar until the calendar moves on", () => {
    const session = new SettradeSession({ statusCodes: { "7": "halted" } });
    const market = (status: number, recvTs: number): MarketStatusEvent => ({
      type: "market",
      source: "settrade",
      symbol: "SET",
      market: "SET",
      seq: 1,
      recvTs,
      recvMono: 0,
      epoch: 0,
      status: { code: status, name: `code-${status}` },
    });
    session.observe(market(7, bkk("2025-01-06T10:15:00")));
    expect(session.quietReason("PTT", bkk("2025-01-06T10:20:00"))).toBe("halted");
    // An unknown code says nothing: the calendar decides again.
    session.observe(market(42, bkk("2025-01-06T10:25:00")));
    expect(session.quietReason("PTT", bkk("2025-01-06T10:30:00"))).toBeUndefined();
    session.observe(market(7, bkk("2025-01-06T11:00:00")));
    // The intermission begins: the morning's halt no longer holds.
    expect(session.quietReason("PTT", bkk("2025-01-06T12:45:00"))).toBe("intermission");
    expect(session.quietReason("PTT", bkk("2025-01-07T11:00:00"))).toBeUndefined();
  });

  it("rejects a status code map that is not code numbers to states", () => {
    expect(() => new SettradeSession({ statusCodes: { open: "halted" } })).toThrow(/statusCodes/);
  });
});

describe("a Settrade feed across a trading day", () => {
  const broker = brokerAroundTests();

  it("counts staleness only while the market is open: quiet at noon and after the close, stale in session", async () => {
    const clock = new ManualClock(bkk("2025-01-06T12:29:00"), 0);
    const feed = await createFeed({
      source: "settrade",
      brokerUrl: broker.current.tcpUrl,
      symbols: ["PTT"],
      channels: ["quote"],
      clock,
      logger: capturingLogger([]),
      health: { staleAfterMs: 120_000, feedStaleAfterMs: 86_400_000, checkIntervalMs: 1_000 },
    });
    const statuses: StatusEvent[] = [];
    feed.on("status", (s) => {
      if (s.kind === "stale" || s.kind === "recovered") statuses.push(s);
    });
    const quote = async (): Promise<void> => {
      const before = feed.health().symbols[0]?.events ?? 0;
      await broker.current.publish(
        "proto/topic/bidofferv3/PTT",
        bidOfferBytes({
          symbol: "PTT",
          bids: [{ price: "34.25", size: 100 }],
          asks: [{ price: "34.50", size: 100 }],
        }),
      );
      await until(() => (feed.health().symbols[0]?.events ?? 0) > before, "a quote");
    };
    const advanceTo = (text: string): void => clock.advance(bkk(text) - clock.now());
    try {
      expect((feed.connector as SettradeConnector).session).toBeInstanceOf(SettradeSession);
      await quote();
      // 12:30 the intermission begins; the quiet symbol is reported as such, not stale.
      advanceTo("2025-01-06T12:35:00");
      expect(statuses).toMatchObject([{ kind: "stale", symbols: ["PTT"], quiet: "intermission" }]);
      expect(feed.staleSymbols()).toEqual([]);
      expect(feed.health().symbols[0]).toMatchObject({ stale: false, quiet: "intermission" });
      // 14:00 the market opens again: its age counts from the opening.
      advanceTo("2025-01-06T14:01:59");
      expect(statuses).toHaveLength(1);
      expect(feed.health().symbols[0]!.quiet).toBeUndefined();
      advanceTo("2025-01-06T14:02:02");
      expect(statuses.slice(1)).toMatchObject([{
        kind: "stale",
        symbols: ["PTT"],
        quiet: "stale",
      }]);
      expect(feed.staleSymbols()).toEqual(["PTT"]);
      await quote();
      expect(statuses.slice(2)).toMatchObject([{ kind: "recovered", symbol: "PTT" }]);
      // Trading until just before the close, then silence after it: closed, not stale.
      advanceTo("2025-01-06T16:38:30");
      await quote();
      advanceTo("2025-01-06T16:50:00");
      const last = statuses.at(-1);
      expect(last).toMatchObject({ kind: "stale", symbols: ["PTT"], quiet: "closed" });
      expect(feed.staleSymbols()).toEqual([]);
      expect(feed.health().symbols[0]!.quiet).toBe("closed");
      // Overnight nothing more is reported.
      const count = statuses.length;
      advanceTo("2025-01-07T09:00:00");
      expect(statuses).toHaveLength(count);
    } finally {
      await feed.close();
    }
  });
});
