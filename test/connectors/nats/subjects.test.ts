import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeToken,
  eventSubject,
  parseSubject,
  statusSubject,
  unescapeToken,
} from "../../../connectors/nats/mod.ts";

/** What a NATS subject token and a KV key part may hold. */
const SAFE_TOKEN = /^[A-Za-z0-9_=-]+$/;

describe("nats subjects", () => {
  it("leaves plain symbols unchanged", () => {
    expect(eventSubject("settrade", "quote", "PTT")).toBe("tickwire.settrade.quote.PTT");
    expect(eventSubject("synthetic", "bar", "S50-F_1")).toBe("tickwire.synthetic.bar.S50-F_1");
    expect(statusSubject("settrade")).toBe("tickwire.settrade.status");
  });

  it("escapes the characters NATS reserves and reverses them", () => {
    const cases: [string, string][] = [
      ["BRK.B", "BRK=2EB"],
      ["A*", "A=2A"],
      ["X>Y", "X=3EY"],
      ["A B", "A=20B"],
      ["TAB\tNL\n", "TAB=09NL=0A"],
      ["=", "=3D"],
      ["ปตท", "=E0=B8=9B=E0=B8=95=E0=B8=97"],
    ];
    for (const [symbol, token] of cases) {
      expect(escapeToken(symbol)).toBe(token);
      expect(unescapeToken(token)).toBe(symbol);
      const subject = eventSubject("settrade", "trade", symbol);
      expect(subject.split(".")).toHaveLength(4);
      expect(parseSubject(subject)).toEqual({ source: "settrade", type: "trade", symbol });
    }
  });

  it("maps any string to one safe token and back, one to one (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, unit: "grapheme" }),
        fc.string({ minLength: 1 }),
        (a, b) => {
          const ta = escapeToken(a);
          expect(ta).toMatch(SAFE_TOKEN);
          expect(unescapeToken(ta)).toBe(a);
          if (a !== b) expect(escapeToken(b)).not.toBe(ta);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("refuses tokens that are not escaped names", () => {
    for (const bad of ["A.B", "A*", "=2", "=zz", "=FF"]) {
      expect(() => unescapeToken(bad), bad).toThrow(RangeError);
    }
    expect(() => escapeToken("")).toThrow(/cannot be empty/);
    expect(parseSubject("other.settrade.quote.PTT")).toBeUndefined();
    expect(parseSubject("tickwire.settrade.quote")).toBeUndefined();
    expect(parseSubject("tickwire.settrade.nope.PTT")).toBeUndefined();
    expect(parseSubject("tickwire.settrade.status")).toEqual({
      source: "settrade",
      type: "status",
    });
  });
});
