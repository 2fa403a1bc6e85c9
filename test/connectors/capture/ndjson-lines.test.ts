/**
 * NDJSON lines one rule at a time: each kind of bad line is reported with its
 * line number, byte offset and field, and skipped while the lines around it
 * are read; good lines of every type, however they are cut into chunks and
 * whatever text they hold, come back field for field at their byte offsets.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventLine } from "../../../connectors/replay/capture/ndjson.ts";
import type { FeedEvent } from "../../../src/events.ts";
import { propertyRuns } from "../../_helpers/property-runs.ts";
import { marketEvent, viaJson } from "./_event-arbitraries.ts";
import { quote, readAll, status, utf8 } from "./_helpers.ts";

const BASE = {
  source: "settrade",
  symbol: "PTT",
  seq: 7,
  recvTs: 1_767_582_000_000.5,
  recvMono: 12.25,
  epoch: 0,
};
/** One valid event of each market type, every optional field present. */
const GOOD: Record<string, Record<string, unknown>> = {
  quote: {
    type: "quote",
    ...BASE,
    exchTs: 1_767_582_000_000,
    origin: "settrade",
    via: "poll",
    streamSeq: 3,
    bid: 33.25,
    ask: 33.5,
    bidSize: 100,
    askSize: 200,
    bidFlag: "normal",
    askFlag: "atc",
  },
  book: {
    type: "book",
    ...BASE,
    bids: [{ price: 33.25, size: 100 }, { price: 0, size: 0 }],
    asks: [{ price: 33.5, size: 200 }],
    bidFlag: "ato",
    askFlag: "undefined",
  },
  trade: { type: "trade", ...BASE, price: 33.25, size: 100, side: "buy", tradeId: "T1" },
  bar: {
    type: "bar",
    ...BASE,
    interval: "1m",
    openTs: 1_767_582_000_000,
    open: 1,
    high: 2,
    low: 0.5,
    close: 1.5,
    volume: 1000,
    value: 1500,
    sequence: 4,
  },
  info: {
    type: "info",
    ...BASE,
    last: 33.25,
    high: 34,
    low: 33,
    change: -0.25,
    totalVolume: 1e6,
    totalValue: 3.3e7,
    projectedOpenPrice: 33.5,
    projectedOpenVolume: 500,
    marketStatus: { code: 4, name: "open" },
  },
  market: {
    type: "market",
    ...BASE,
    symbol: "MAI",
    market: "mai",
    status: { code: 4, name: "open" },
    current: 1500.5,
    high: 1510,
    low: 1490,
    change: 5,
    percentChange: 0.33,
    totalVolume: 1e9,
    totalValue: 5e10,
    totalDeal: 1000,
    openInterest: 20,
  },
};

/** A bad line: the valid event of `type` with `change` applied, or a text as is. */
interface BadLine {
  readonly name: string;
  readonly type?: string;
  readonly change?: Record<string, unknown>;
  readonly remove?: string;
  readonly text?: string;
  readonly code?: "json" | "schema";
  /** The field named; `undefined` when the line is no object at all. */
  readonly field: string | undefined;
  /** What the message says after the field. */
  readonly says?: RegExp;
}

const BAD: readonly BadLine[] = [
  { name: "invalid JSON", text: '{"type":"quote",', code: "json", field: undefined },
  { name: "a JSON array", text: "[1,2,3]", field: "type" },
  { name: "a JSON number", text: "42", field: undefined, says: /Expected Object/ },
  { name: "null", text: "null", field: undefined, says: /Expected Object/ },
  { name: "an unknown type", change: { type: "tick" }, field: "type", says: /"tick"/ },
  { name: "a price of the wrong type", change: { bid: "33.25" }, field: "bid" },
  { name: "a missing field", remove: "askSize", field: "askSize", says: /Invalid key/ },
  { name: "a missing base field", remove: "recvMono", field: "recvMono" },
  { name: "a non-finite price", text: "1e999", field: "bid", says: /Invalid finite/ },
  { name: "a negative size", change: { bidSize: -5 }, field: "bidSize" },
  { name: "a size past MAX_SAFE_INTEGER", change: { askSize: 2 ** 53 }, field: "askSize" },
  { name: "a fractional seq", change: { seq: 1.5 }, field: "seq", says: /integer/ },
  { name: "a negative seq", change: { seq: -1 }, field: "seq" },
  { name: "a negative epoch", change: { epoch: -1 }, field: "epoch" },
  { name: "a null time", change: { recvTs: null }, field: "recvTs" },
  { name: "a lower-case symbol", change: { symbol: "ptt" }, field: "symbol", says: /upper case/ },
  { name: "a non-ASCII lower-case symbol", change: { symbol: "PTTé" }, field: "symbol" },
  { name: "an empty symbol", change: { symbol: "" }, field: "symbol", says: /not be empty/ },
  { name: "an empty source", change: { source: "" }, field: "source" },
  { name: "an unknown flag", change: { bidFlag: "open" }, field: "bidFlag" },
  { name: "an unknown via", change: { via: "stream" }, field: "via" },
  { name: "a non-finite exchange time", change: { exchTs: "now" }, field: "exchTs" },
  { name: "a numeric origin", change: { origin: 1 }, field: "origin" },
  { name: "a negative stream sequence", change: { streamSeq: -1 }, field: "streamSeq" },
  {
    name: "an unknown extra field",
    change: { note: "hi" },
    field: "note",
    says: /Expected never but received "note"/,
  },
  { name: "book levels that are no array", type: "book", change: { bids: {} }, field: "bids" },
  {
    name: "a book level with a bad price",
    type: "book",
    change: { asks: [{ price: "1", size: 1 }] },
    field: "asks.0.price",
  },
  {
    name: "a book level with an extra key",
    type: "book",
    change: { bids: [{ price: 1, size: 1, orders: 2 }] },
    field: "bids.0.orders",
  },
  {
    name: "a book level with a negative size",
    type: "book",
    change: { bids: [{ price: 1, size: 1 }, { price: 1, size: -1 }] },
    field: "bids.1.size",
  },
  { name: "an unknown trade side", type: "trade", change: { side: "short" }, field: "side" },
  { name: "a numeric trade id", type: "trade", change: { tradeId: 7 }, field: "tradeId" },
  { name: "an empty bar interval", type: "bar", change: { interval: "" }, field: "interval" },
  { name: "a fractional bar sequence", type: "bar", change: { sequence: 0.5 }, field: "sequence" },
  { name: "a bar value as text", type: "bar", change: { value: "1" }, field: "value" },
  {
    name: "a fractional status code",
    type: "info",
    change: { marketStatus: { code: 1.5, name: "open" } },
    field: "marketStatus.code",
  },
  {
    name: "a status code with an extra key",
    type: "info",
    change: { marketStatus: { code: 1, name: "open", since: 0 } },
    field: "marketStatus.since",
  },
  {
    name: "a negative projected volume",
    type: "info",
    change: { projectedOpenVolume: -1 },
    field: "projectedOpenVolume",
  },
  { name: "an empty market name", type: "market", change: { market: "" }, field: "market" },
  { name: "a missing market status", type: "market", remove: "status", field: "status" },
  { name: "a negative deal count", type: "market", change: { totalDeal: -1 }, field: "totalDeal" },
  { name: "an index level as text", type: "market", change: { current: "1" }, field: "current" },
];

function badText(bad: BadLine): string {
  if (bad.text !== undefined && bad.text !== "1e999") return bad.text;
  const ev: Record<string, unknown> = { ...GOOD[bad.type ?? "quote"]!, ...bad.change };
  if (bad.remove !== undefined) delete ev[bad.remove];
  const json = JSON.stringify(ev);
  return bad.text === "1e999" ? json.replace('"bid":33.25', '"bid":1e999') : json;
}

describe("NDJSON lines, rule by rule", () => {
  it("reads a valid event of every type back field for field", async () => {
    const events = Object.values(GOOD);
    const { records, issues } = await readAll(
      utf8(events.map((e) => eventLine(e as never)).join("")),
    );
    expect(issues).toEqual([]);
    expect(records.map((r) => r.kind === "event" && r.event)).toEqual(events);
  });

  for (const bad of BAD) {
    it(`reports ${bad.name} with its line, byte and field, skips it and reads on`, async () => {
      const first = eventLine(quote(1));
      const text = `${first}${badText(bad)}\n${eventLine(quote(3))}`;
      const { records, issues } = await readAll(utf8(text), {
        name: "q.ndjson",
        onCorrupt: "skip",
      });
      expect(records.map((r) => r.kind === "event" && r.event)).toEqual([quote(1), quote(3)]);
      expect(issues).toHaveLength(1);
      const issue = issues[0]!;
      expect(issue).toMatchObject({ code: bad.code ?? "schema", record: 2, offset: first.length });
      expect(issue.field).toBe(bad.field);
      const where = `"q.ndjson": line 2 at byte ${first.length} `;
      expect(issue.message).toContain(where);
      expect(issue.message).toMatch(/; line skipped$/);
      if (bad.field !== undefined) {
        expect(issue.message).toContain(`is not a valid event: field "${bad.field}": `);
      }
      if (bad.says !== undefined) expect(issue.message).toMatch(bad.says);
    });
  }

  it("reads lines with CRLF, blanks, spaces and a byte order mark, at their byte offsets", async () => {
    const text = `\uFEFF${eventLine(quote(1)).replace("\n", "\r\n")}\r\n  \n \t${
      eventLine(quote(2))
    }${JSON.stringify(quote(3))}  `;
    const bytes = utf8(text);
    for (const chunk of [1, 7, 64, 1 << 20]) {
      const { records, issues } = await readAll(bytes, { chunk });
      expect(issues).toEqual([]);
      expect(records.map((r) => [r.record, r.offset])).toEqual([
        [1, 0],
        [4, utf8(text.slice(0, text.indexOf(" \t"))).length],
        [5, utf8(text.slice(0, text.indexOf(JSON.stringify(quote(3))))).length],
      ]);
      expect(records.map((r) => r.kind === "event" && r.event)).toEqual([
        quote(1),
        quote(2),
        quote(3),
      ]);
    }
  });

  it("reads runs of many lines, ASCII or not, at their byte offsets", async () => {
    const events: FeedEvent[] = [];
    for (let i = 1; i <= 3000; i++) {
      events.push(quote(i, "PTT", i % 500 === 0 ? { origin: "ปตท 😀" } : {}));
    }
    const lines = events.map((e) => eventLine(e));
    const bytes = utf8(lines.join(""));
    const offsets: number[] = [];
    let at = 0;
    for (const l of lines) {
      offsets.push(at);
      at += utf8(l).length;
    }
    for (const chunk of [1 << 20, 65_537, 4096]) {
      const { records, issues } = await readAll(bytes, { chunk });
      expect(issues).toEqual([]);
      expect(records.map((r) => r.offset)).toEqual(offsets);
      expect(records.map((r) => r.kind === "event" && r.event)).toEqual(events);
    }
  });

  it("reads any valid events back whole, at their byte offsets, around bad lines, however the bytes are cut", async () => {
    const good = marketEvent.map((ev) => ({ ev: viaJson(ev) as FeedEvent, bad: undefined }));
    const bad = fc.constantFrom("{oops", '{"type":"tick"}', "[]", '{"type":"quote"}').map((t) => ({
      ev: undefined,
      bad: t,
    }));
    const entry = fc.record({
      line: fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: bad }),
      lead: fc.constantFrom("", "", "", " ", "\t"),
      end: fc.constantFrom("\n", "\n", "\r\n"),
      blank: fc.constantFrom("", "", "", "\n", "  \r\n"),
    });
    // A capture is told NDJSON by its first "{": the first line is a valid quote.
    const head = eventLine(quote(1));
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 25 }),
        fc.integer({ min: 1, max: 600 }),
        async (entries, chunk) => {
          let text = head;
          let line = 1;
          const want: { record: number; offset: number; event: FeedEvent }[] = [
            { record: 1, offset: 0, event: quote(1) },
          ];
          const wantIssues: { record: number; offset: number }[] = [];
          for (const e of entries) {
            if (e.blank !== "") {
              text += e.blank;
              line++;
            }
            const offset = utf8(text).length;
            line++;
            text += `${e.lead}${
              e.line.ev === undefined ? e.line.bad : JSON.stringify(e.line.ev)
            }${e.end}`;
            if (e.line.ev === undefined) wantIssues.push({ record: line, offset });
            else want.push({ record: line, offset, event: e.line.ev });
          }
          const { records, issues } = await readAll(utf8(text), { chunk, onCorrupt: "skip" });
          expect(
            records.map((r) => ({
              record: r.record,
              offset: r.offset,
              event: r.kind !== "payload" && r.kind !== "close" ? r.event : undefined,
            })),
          )
            .toEqual(want);
          expect(issues.map((i) => ({ record: i.record, offset: i.offset }))).toEqual(wantIssues);
        },
      ),
      { numRuns: propertyRuns(200) },
    );
  });

  it("reads a status line through the schemas, older shapes upgraded", async () => {
    const legacy = { ...status("stale"), symbol: "PTT" } as Record<string, unknown>;
    delete legacy.scope;
    delete legacy.symbols;
    delete legacy.ageMs;
    const { records, issues } = await readAll(utf8(`${JSON.stringify(legacy)}\n`));
    expect(issues).toEqual([]);
    expect(records[0]).toMatchObject({
      kind: "status",
      event: { kind: "stale", scope: "symbols", symbols: ["PTT"] },
    });
  });
});
