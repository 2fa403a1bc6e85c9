import fc from "fast-check";
import { describe, expect, it } from "vitest";
import xxhash from "xxhash-wasm";
import { xxh32 } from "../../../connectors/replay/capture/xxh32.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("xxh32", () => {
  it("gives the reference values", () => {
    expect(xxh32(new Uint8Array(0))).toBe(0x02cc5d05);
    expect(xxh32(utf8("a"))).toBe(0x550d7456);
    expect(xxh32(utf8("abc"))).toBe(0x32d153ff);
    expect(xxh32(utf8("Nobody inspects the spammish repetition"))).toBe(0xe2293b2f);
  });

  it("hashes a range of a view in place", () => {
    expect(xxh32(utf8("xxabcyy"), 2, 5)).toBe(0x32d153ff);
    const bytes = utf8("..Nobody inspects the spammish repetition..");
    expect(xxh32(bytes.subarray(1), 1, bytes.length - 3)).toBe(0xe2293b2f);
  });

  it("agrees with the C implementation (xxhash-wasm) on any bytes and seed", async () => {
    const ref = await xxhash();
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.nat({ max: 0xffffffff }),
        (bytes, seed) => {
          expect(xxh32(bytes, 0, bytes.length, seed)).toBe(ref.h32Raw(bytes, seed));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
