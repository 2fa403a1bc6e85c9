import { describe, expect, it } from "vitest";
import { MAX_CACHED_SYMBOLS, SymbolCache } from "../../connectors/settrade/decode/_symbol-cache.ts";
import { isDecodeError } from "../../src/errors.ts";

const enc = new TextEncoder();

/** Looks a symbol up the way the decoder does: from inside a payload. */
function lookUp(cache: SymbolCache, symbol: string): string {
  const bytes = enc.encode(`\x0a${String.fromCharCode(symbol.length)}${symbol}\x60\x01`);
  return cache.get(bytes, 2, 2 + symbol.length);
}

describe("SymbolCache", () => {
  it("keeps symbols whose hashes share a slot, instead of trading one for the other", () => {
    // In a direct-mapped table of 1,024 slots these pairs fell in the same slot.
    const cache = new SymbolCache(1024);
    for (let round = 0; round < 5; round++) {
      for (const s of ["SCC", "TIPH", "BH", "ITD", "TTB", "BCP"]) expect(lookUp(cache, s)).toBe(s);
    }
    expect(cache.size).toBe(6);
  });

  it("grows past its initial slots and keeps every symbol", () => {
    const cache = new SymbolCache(4);
    const symbols = Array.from({ length: 3000 }, (_, i) => `S${i.toString(36).toUpperCase()}`);
    for (const s of symbols) expect(lookUp(cache, s)).toBe(s);
    expect(cache.size).toBe(3000);
    for (const s of symbols) expect(lookUp(cache, s)).toBe(s);
    expect(cache.size).toBe(3000);
  });

  it("empties itself rather than grow without bound on a feed of endless new symbols", () => {
    const cache = new SymbolCache(1024);
    for (let i = 0; i < MAX_CACHED_SYMBOLS; i++) lookUp(cache, `X${i}`);
    expect(cache.size).toBe(MAX_CACHED_SYMBOLS);
    expect(lookUp(cache, "PTT")).toBe("PTT");
    expect(cache.size).toBe(1);
    expect(lookUp(cache, "X0")).toBe("X0");
    expect(cache.size).toBe(2);
  });

  it("upper-cases, decodes UTF-8 and rejects bytes that are not UTF-8", () => {
    const cache = new SymbolCache();
    expect(lookUp(cache, "ptt")).toBe("PTT");
    expect(lookUp(cache, "PTT")).toBe("PTT");
    const thai = enc.encode("ปตท");
    expect(cache.get(thai, 0, thai.length)).toBe("ปตท");
    let error: unknown;
    try {
      cache.get(new Uint8Array([0x41, 0xff, 0xfe]), 0, 3);
    } catch (e) {
      error = e;
    }
    expect(isDecodeError(error) && error.code).toBe("utf8");
  });

  it("refuses a table size that is not a power of two", () => {
    expect(() => new SymbolCache(1000)).toThrow(/power of two, got 1000/);
  });
});
