import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventSubject, statusSubject } from "../../../connectors/nats/mod.ts";
import { latestKey } from "../../../connectors/nats/_latest.ts";
import { SubjectCache } from "../../../connectors/nats/_subject-cache.ts";
import { propertyRuns } from "../../_helpers/property-runs.ts";

const name = fc.oneof(
  fc.constantFrom("PTT", "BRK.B", "A*", "X>Y", "A B", "=", "ปตท"),
  fc.string({ minLength: 1, maxLength: 8 }),
);
const channel = fc.constantFrom("quote", "book", "trade", "bar", "info", "market" as const);

describe("nats subject cache", () => {
  it("gives the subjects and KV keys of eventSubject, statusSubject and latestKey, asked once or again (property)", () => {
    const cache = new SubjectCache("tw.x");
    fc.assert(
      fc.property(name, channel, name, (source, type, symbol) => {
        for (let i = 0; i < 2; i++) {
          const r = cache.route(source, type, symbol);
          expect(r.subject).toBe(eventSubject(source, type, symbol, "tw.x"));
          if (type === "quote" || type === "book") {
            expect(r.key).toBe(latestKey(source, type, symbol));
          }
          expect(cache.status(source)).toBe(statusSubject(source, "tw.x"));
        }
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it("stays right after it starts over past its bound", () => {
    const cache = new SubjectCache("tickwire");
    for (let i = 0; i < 50_010; i++) cache.route("s", "trade", `S${i}`);
    expect(cache.route("s", "quote", "BRK.B").subject).toBe("tickwire.s.quote.BRK=2EB");
    expect(cache.route("s", "trade", "S1").subject).toBe("tickwire.s.trade.S1");
  });
});
