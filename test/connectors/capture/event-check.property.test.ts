/**
 * The replay's fast check of market events (`_event-check.ts`) held against the
 * event schemas: it accepts every valid market event, and for anything a line
 * can hold it accepts exactly what the schemas accept, so the schemas stay the
 * one authority (and name what is wrong) while the hot path skips them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMarketEventJson } from "../../../connectors/replay/capture/_event-check.ts";
import { readEventJson } from "../../../connectors/replay/capture/_event-json.ts";
import { checkEvent } from "../../../src/schemas.ts";
import { propertyRuns } from "../../_helpers/property-runs.ts";
import { marketEvent, viaJson } from "./_event-arbitraries.ts";

const MARKET_TYPES = new Set(["quote", "book", "trade", "bar", "info", "market"]);

/** Values a field may wrongly hold, each at the edge of some rule. */
const WRONG = [
  null,
  true,
  "",
  "x",
  "PTT",
  "ptt",
  "PTTé",
  "ß",
  "normal",
  "Normal",
  "open",
  "buy",
  "SELL",
  "poll",
  "stream",
  "status",
  -1,
  -0.5,
  0,
  0.5,
  1,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  2 ** 60,
  -1e300,
  1e-320,
  [],
  {},
  [{ price: 1, size: 1 }],
  [{ price: 1, size: -1 }],
  { code: 1, name: "open" },
  { code: 1.5, name: "open" },
];
/** Keys no event has, next to every key some event has. */
const STRANGE_KEYS = ["extra", "__proto__", "constructor", "toString", "Type", ""];

type Obj = Record<string, unknown>;

/** Sets an own property, `__proto__` included (as JSON.parse does). */
function put(o: Obj, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Stands for a number JSON.stringify cannot write; {@link line} writes it as `1e999`. */
const INF = "@@inf@@";

/**
 * Every change of one field of a valid event: each field (of the event, of its
 * first levels, of its status code) removed or set to each wrong value, and
 * each strange key added.
 */
function* mutations(ev: Obj): Generator<Obj> {
  const places: ((o: Obj) => Obj)[] = [(o) => o];
  for (const side of ["bids", "asks"]) {
    if (Array.isArray(ev[side]) && (ev[side] as Obj[]).length > 0) {
      places.push((o) => (o[side] as Obj[])[0]!);
    }
  }
  for (const sub of ["marketStatus", "status"]) {
    if (typeof ev[sub] === "object") places.push((o) => o[sub] as Obj);
  }
  for (const at of places) {
    for (const key of Object.keys(at(ev))) {
      const removed = structuredClone(ev);
      delete at(removed)[key];
      yield removed;
      for (const value of [...WRONG, INF]) {
        const changed = structuredClone(ev);
        put(at(changed), key, value);
        yield changed;
      }
    }
    for (const key of STRANGE_KEYS) {
      const added = structuredClone(ev);
      put(at(added), key, 1);
      yield added;
    }
  }
}

/** What a line holding the value parses to (`INF` as the number `1e999` parses to). */
const line = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll(`"${INF}"`, "1e999"));

describe("the fast check of market events", () => {
  it("accepts every valid market event, as the schemas do", () => {
    fc.assert(
      fc.property(marketEvent, (ev) => {
        const v = viaJson(ev);
        expect(checkEvent(v)).toMatchObject({ ok: true });
        expect(isMarketEventJson(v)).toBe(true);
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it("accepts exactly what the schemas accept after any one field is removed, changed or added", () => {
    fc.assert(
      fc.property(marketEvent, (ev) => {
        for (const m of mutations(viaJson(ev) as unknown as Obj)) {
          const v = line(m) as Obj;
          const fast = isMarketEventJson(v);
          const schemas = checkEvent(v).ok;
          if (fast && !schemas) expect.fail(`accepted ${JSON.stringify(m)}`);
          if (MARKET_TYPES.has(v.type as string) && fast !== schemas) {
            expect.fail(`refused ${JSON.stringify(m)}`);
          }
        }
      }),
      { numRuns: propertyRuns(150) },
    );
  });

  it("leaves statuses, legacy statuses and values that are no event to the schemas", () => {
    const status = { type: "status", kind: "end", source: "x", epoch: 0, recvTs: 0, recvMono: 0 };
    const legacy = { ...status, kind: "stale", symbol: "PTT" };
    for (const v of [status, legacy, null, 42, "quote", [1, 2], { type: "tick" }]) {
      expect(isMarketEventJson(v)).toBe(false);
    }
    expect(readEventJson(JSON.stringify(legacy))).toMatchObject({
      kind: "stale",
      scope: "symbols",
      symbols: ["PTT"],
    });
  });

  it("hands back the parsed object itself for a market event, and a problem naming the field otherwise", () => {
    fc.assert(
      fc.property(marketEvent, (ev) => {
        const got = readEventJson(JSON.stringify(ev));
        expect(got).toEqual(viaJson(ev));
        expect(readEventJson(JSON.stringify({ ...ev, symbol: "abc" }))).toMatchObject({
          code: "schema",
          field: "symbol",
        });
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
