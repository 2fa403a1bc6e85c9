/**
 * The Settrade login signature: ECDSA over P-256 with SHA-256 of the UTF-8 string
 * `"{apiKey}.{params}.{timestamp}"`, DER-encoded, in lowercase hex.
 *
 * Signing goes through WebCrypto (`crypto.subtle`), present on Node 20, Bun, Deno and
 * edge runtimes: the scalar is imported once per login as a non-extractable key and
 * the signing itself runs in the platform's native, constant-time implementation.
 * WebCrypto imports a bare P-256 scalar portably only as a JWK carrying `d`, `x` and
 * `y` (PKCS#8 without the public key fails on Bun and Deno), so `@noble/curves`
 * derives the public point; WebCrypto returns raw `r || s`, which `_der.ts` turns
 * into DER. (Signing with noble alone would also work, but would keep every step of
 * the secret's use in JavaScript big-integer arithmetic.)
 *
 * @module
 */

import { p256 } from "@noble/curves/nist.js";
import type { Secret } from "../../../src/secret.ts";
import { isSecret } from "../../../src/secret.ts";
import { rawToDer } from "./_der.ts";

/** Order of the P-256 group: a private scalar must lie in [1, N - 1]. */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INVALID = "[settrade] app secret is not valid base64 of a 32-byte P-256 key";

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (let i = 0; i < bytes.length; i++) hex += bytes[i].toString(16).padStart(2, "0");
  return hex;
}

/**
 * Decodes the base64 app secret to the 32-byte P-256 private scalar. A 33-byte value
 * with a leading 0x00 (a sign byte, as some tools write it) is stripped to 32 bytes.
 * Surrounding whitespace is ignored, and URL-safe base64 (`-`, `_`) and missing
 * padding are accepted (inferred leniency: users paste keys from many tools).
 *
 * @param b64 The base64 text.
 * @returns The 32 scalar bytes (big-endian). The caller should `fill(0)` them after use.
 * @throws TypeError when the text is not base64; RangeError when the bytes are not a
 *   valid P-256 scalar. Neither message contains the value.
 * @example Decoding the app secret
 * ```ts
 * import { decodeAppSecret } from "./signer.ts";
 * console.log(decodeAppSecret("AIKi/X7lvfu0haz0SttdbCj+nXmWBt/jfrbPAHRjwNHq").length); // 32
 * ```
 */
export function decodeAppSecret(b64: string): Uint8Array {
  if (typeof b64 !== "string") throw new TypeError(INVALID);
  let text = b64.trim().replace(/-/g, "+").replace(/_/g, "/");
  if (text.length % 4 !== 0 && !text.endsWith("=")) {
    text += "=".repeat((4 - (text.length % 4)) % 4);
  }
  if (text.length === 0 || !BASE64.test(text)) throw new TypeError(INVALID);
  const bin = atob(text);
  let bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (bytes.length === 33 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length !== 32) throw new RangeError(INVALID);
  let d = 0n;
  for (let i = 0; i < 32; i++) d = (d << 8n) | BigInt(bytes[i]);
  if (d === 0n || d >= N) throw new RangeError(INVALID);
  return bytes.slice();
}

function scalarOf(secret: Secret): Uint8Array {
  if (!isSecret(secret)) throw new TypeError("[settrade] the app secret must be a Secret");
  return decodeAppSecret(secret.reveal());
}

/**
 * The public key of the app secret, as an uncompressed point (`0x04 || x || y`).
 *
 * @param secret The app secret (base64 of the private scalar).
 * @returns 65 bytes.
 * @throws TypeError / RangeError when the secret is not a valid key (value not quoted).
 * @example Checking which key a secret belongs to
 * ```ts
 * import { publicKeyFromSecret } from "./signer.ts";
 * import { Secret } from "@tickwire/tickwire";
 * const pub = publicKeyFromSecret(new Secret("AIKi/X7lvfu0haz0SttdbCj+nXmWBt/jfrbPAHRjwNHq"));
 * console.log(pub.length, pub[0]); // 65 4
 * ```
 */
export function publicKeyFromSecret(secret: Secret): Uint8Array {
  const d = scalarOf(secret);
  try {
    return p256.getPublicKey(d, false);
  } finally {
    d.fill(0);
  }
}

/**
 * Signs a login request: ECDSA P-256 / SHA-256 over the UTF-8 bytes of
 * `"{apiKey}.{params}.{timestamp}"`. Signatures are randomised on most runtimes:
 * verify them with the public key, never compare bytes.
 *
 * @param secret The app secret.
 * @param apiKey The app id (API key).
 * @param params The `params` field of the login body (`""` for a plain login).
 * @param timestamp Milliseconds since the epoch, as a decimal string.
 * @returns The DER-encoded signature in lowercase hex.
 * @throws TypeError / RangeError when the secret is not a valid key (value not quoted).
 * @example Signing a login
 * ```ts
 * import { signLogin } from "./signer.ts";
 * import { Secret } from "@tickwire/tickwire";
 * const secret = new Secret("AIKi/X7lvfu0haz0SttdbCj+nXmWBt/jfrbPAHRjwNHq");
 * const sig = await signLogin(secret, "my-app-id", "", String(Date.now()));
 * console.log(sig.startsWith("30")); // true
 * ```
 */
export async function signLogin(
  secret: Secret,
  apiKey: string,
  params: string,
  timestamp: string,
): Promise<string> {
  const d = scalarOf(secret);
  let jwk: JsonWebKey;
  try {
    const pub = p256.getPublicKey(d, false);
    jwk = {
      kty: "EC",
      crv: "P-256",
      d: toBase64Url(d),
      x: toBase64Url(pub.subarray(1, 33)),
      y: toBase64Url(pub.subarray(33, 65)),
      ext: false,
    };
  } finally {
    d.fill(0);
  }
  const key = await crypto.subtle.importKey(
    "jwk",
    jwk,
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  jwk.d = "";
  const message = new TextEncoder().encode(`${apiKey}.${params}.${timestamp}`);
  const raw = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, message);
  return toHex(rawToDer(new Uint8Array(raw)));
}
