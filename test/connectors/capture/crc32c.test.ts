import { describe, expect, it } from "vitest";
import { crc32c } from "../../../connectors/replay/capture/crc32c.ts";
import { utf8 } from "./_helpers.ts";

describe("crc32c", () => {
  it('matches the check value of CRC-32C for "123456789"', () => {
    expect(crc32c(utf8("123456789"))).toBe(0xe3069283);
  });

  it("matches the RFC 3720 test vectors", () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it("is 0 for no bytes", () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it("continues a checksum over a second range and honours start and end", () => {
    const all = utf8("the quick brown fox jumps over the lazy dog");
    const whole = crc32c(all);
    for (const cut of [0, 1, 7, 8, 9, 20, all.length]) {
      expect(crc32c(all, cut, all.length, crc32c(all, 0, cut))).toBe(whole);
    }
    expect(crc32c(utf8("xx123456789yy"), 2, 11)).toBe(0xe3069283);
  });

  it("agrees with a bit-by-bit reference on lengths around the 8-byte step", () => {
    const ref = (b: Uint8Array): number => {
      let c = ~0;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return ~c >>> 0;
    };
    for (let n = 0; n < 40; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n) & 0xff);
      expect(crc32c(b)).toBe(ref(b));
    }
  });
});
