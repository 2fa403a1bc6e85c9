import { p256 } from "@noble/curves/nist.js";
import fc from "fast-check";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { derToRaw, rawToDer } from "../../connectors/settrade/auth/_der.ts";
import {
  decodeAppSecret,
  publicKeyFromSecret,
  signLogin,
} from "../../connectors/settrade/auth/signer.ts";
import { Secret } from "../../src/secret.ts";
import { nodeVerify, VECTOR_PUBLIC, VECTOR_SECRET } from "./_auth-server.ts";

const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromHex = (hex: string): Uint8Array =>
  Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const vectorPublic = Uint8Array.from(atob(VECTOR_PUBLIC), (c) => c.charCodeAt(0));

describe("Secret", () => {
  it("never shows its value when printed, serialized or inspected", () => {
    const secret = new Secret("hunter2-value");
    const holder = { secret, nested: { secret } };
    for (
      const text of [
        String(secret),
        `${secret}`,
        JSON.stringify(holder),
        inspect(holder, { depth: 5, showHidden: true }),
        inspect(secret),
      ]
    ) {
      expect(text.includes("hunter2-value")).toBe(false);
      expect(text.includes("[redacted]")).toBe(true);
    }
    expect(secret.reveal()).toBe("hunter2-value");
  });
});

describe("decodeAppSecret", () => {
  it("strips the leading zero of a 33-byte secret to 32 bytes", () => {
    const bytes = decodeAppSecret(VECTOR_SECRET);
    expect(bytes.length).toBe(32);
    expect(b64(Uint8Array.of(0, ...bytes))).toBe(VECTOR_SECRET);
  });

  it("accepts a 32-byte secret, surrounding whitespace and missing padding", () => {
    const raw = decodeAppSecret(VECTOR_SECRET);
    const plain = b64(raw);
    expect(decodeAppSecret(`  ${plain}\n`)).toEqual(raw);
    expect(decodeAppSecret(plain.replace(/=+$/, ""))).toEqual(raw);
  });

  it("rejects bad input without quoting it", () => {
    const bad = [
      "not base64 at all!",
      b64(new Uint8Array(31).fill(7)),
      b64(Uint8Array.of(1, ...new Uint8Array(32).fill(7))),
      b64(new Uint8Array(32)),
      b64(new Uint8Array(32).fill(0xff)),
      "",
    ];
    for (const value of bad) {
      let caught: unknown;
      try {
        decodeAppSecret(value);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(Error);
      const message = (caught as Error).message;
      expect(message).toContain("not valid base64 of a 32-byte P-256 key");
      if (value !== "") expect(message.includes(value)).toBe(false);
    }
  });
});

describe("publicKeyFromSecret", () => {
  it("derives the test vector's public key", () => {
    const pub = publicKeyFromSecret(new Secret(VECTOR_SECRET));
    expect(pub.length).toBe(65);
    expect(b64(pub)).toBe(VECTOR_PUBLIC);
  });
});

describe("signLogin", () => {
  const secret = new Secret(VECTOR_SECRET);
  const message = "my-api-key..1700000000123";

  it("produces a lowercase hex strict-DER signature", async () => {
    const sig = await signLogin(secret, "my-api-key", "", "1700000000123");
    expect(sig).toMatch(/^[0-9a-f]+$/);
    expect(sig.length % 2).toBe(0);
    const der = fromHex(sig);
    expect(der.length).toBeLessThanOrEqual(72);
    expect(derToRaw(der).length).toBe(64);
    expect(p256.Signature.fromBytes(der, "der").toBytes("der")).toEqual(der);
  });

  it("verifies with noble against the vector's public key", async () => {
    const sig = fromHex(await signLogin(secret, "my-api-key", "", "1700000000123"));
    const opts = { format: "der", lowS: false } as const;
    expect(p256.verify(sig, utf8(message), vectorPublic, opts)).toBe(true);
    expect(p256.verify(sig, utf8(`${message}4`), vectorPublic, opts)).toBe(false);
  });

  it("verifies with node:crypto, an independent implementation", async () => {
    const sig = await signLogin(secret, "my-api-key", "", "1700000000123");
    expect(nodeVerify(VECTOR_PUBLIC, message, sig)).toBe(true);
    expect(nodeVerify(VECTOR_PUBLIC, "my-api-key..1700000000124", sig)).toBe(false);
  });

  it("signs the params between the dots as UTF-8", async () => {
    const sig = await signLogin(secret, "kéy", "p=1", "42");
    expect(nodeVerify(VECTOR_PUBLIC, "kéy.p=1.42", sig)).toBe(true);
  });

  it("refuses a secret that is not a key, without quoting it", async () => {
    await expect(signLogin(new Secret("c2hvcnQ="), "k", "", "1")).rejects.toThrow(
      /not valid base64/,
    );
  });
});

describe("DER helpers", () => {
  it("round-trip any r and s, including leading zeros and high bits", () => {
    const edge = [
      new Uint8Array(64).fill(0xff),
      Uint8Array.of(...new Uint8Array(31), 1, ...new Uint8Array(31), 0x80),
      Uint8Array.of(0x80, ...new Uint8Array(31), 0x7f, ...new Uint8Array(31).fill(0x01)),
    ];
    for (const raw of edge) expect(derToRaw(rawToDer(raw))).toEqual(raw);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (raw) => {
        const der = rawToDer(raw);
        expect(der[0]).toBe(0x30);
        expect(derToRaw(der)).toEqual(raw);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects non-minimal, negative and truncated encodings", () => {
    const good = rawToDer(
      Uint8Array.of(...new Uint8Array(32).fill(1), ...new Uint8Array(32).fill(2)),
    );
    expect(() => derToRaw(good.subarray(0, good.length - 1))).toThrow(RangeError);
    const negative = good.slice();
    negative[4] = 0x81;
    expect(() => derToRaw(negative)).toThrow(/negative/);
    const padded = Uint8Array.of(0x30, 0x08, 0x02, 0x02, 0x00, 0x01, 0x02, 0x02, 0x00, 0x01);
    expect(() => derToRaw(padded)).toThrow(/not minimal/);
  });
});
