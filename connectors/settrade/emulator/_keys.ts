/**
 * The emulator's login key: a fresh P-256 key pair (or the one configured) and
 * the verification of login signatures (ECDSA P-256 / SHA-256, DER, lowercase hex).
 *
 * @module
 */

import { p256 } from "@noble/curves/nist.js";
import { Secret } from "../../../src/secret.ts";
import { decodeAppSecret, publicKeyFromSecret } from "../auth/signer.ts";

const P = "[settrade-emulator]";

/** The key the emulator verifies logins with. */
export interface LoginKey {
  /** Base64 of the raw 32-byte scalar, as Settrade issues app secrets; unknown when only a public key was given. */
  readonly secretBase64: string | undefined;
  /** Uncompressed public point (65 bytes). */
  readonly publicKey: Uint8Array;
}

function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin);
}

function fromBase64(text: string): Uint8Array {
  const bin = atob(text.trim());
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function samePoint(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function parsePublicKey(key: string | Uint8Array): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = typeof key === "string" ? fromBase64(key) : key;
    // Accepts compressed or uncompressed points; throws when not on the curve.
    return p256.Point.fromBytes(bytes).toBytes(false);
  } catch {
    throw new TypeError(`${P} publicKey is not a P-256 point (base64 or bytes)`);
  }
}

/**
 * The key pair to verify logins with: from the secret, the public key, or fresh.
 * @param appSecret Base64 app secret, if configured.
 * @param publicKey Public key, if configured (must match the secret when both are given).
 * @returns The key.
 * @throws TypeError for an invalid secret or public key, or a pair that does not match
 *   (never quoting the secret).
 */
export function resolveLoginKey(
  appSecret: string | undefined,
  publicKey: string | Uint8Array | undefined,
): LoginKey {
  const pub = publicKey === undefined ? undefined : parsePublicKey(publicKey);
  if (appSecret === undefined) {
    if (pub !== undefined) return { secretBase64: undefined, publicKey: pub };
    const d = p256.utils.randomSecretKey();
    const fresh = { secretBase64: toBase64(d), publicKey: p256.getPublicKey(d, false) };
    d.fill(0);
    return fresh;
  }
  if (typeof appSecret !== "string") throw new TypeError(`${P} appSecret must be a string`);
  let derived: Uint8Array;
  let canonical: string;
  try {
    const d = decodeAppSecret(appSecret);
    canonical = toBase64(d);
    d.fill(0);
    derived = publicKeyFromSecret(new Secret(appSecret));
  } catch {
    throw new TypeError(`${P} appSecret is not valid base64 of a 32-byte P-256 key`);
  }
  if (pub !== undefined && !samePoint(pub, derived)) {
    throw new TypeError(`${P} publicKey does not belong to appSecret`);
  }
  return { secretBase64: canonical, publicKey: derived };
}

/**
 * The public key as base64 (uncompressed point).
 * @param key The login key.
 * @returns Base64 text.
 */
export function publicKeyBase64(key: LoginKey): string {
  return toBase64(key.publicKey);
}

/**
 * Verifies a login signature over `"{apiKey}.{params}.{timestamp}"`. High-S
 * signatures are accepted: WebCrypto signers produce them half of the time.
 * @param key The login key.
 * @param message The signed text.
 * @param signatureHex DER signature in hex (either case).
 * @returns Whether the signature is valid for the key.
 */
export function verifyLogin(key: LoginKey, message: string, signatureHex: string): boolean {
  if (
    signatureHex.length === 0 || signatureHex.length % 2 !== 0 ||
    !/^[0-9a-fA-F]+$/.test(signatureHex)
  ) {
    return false;
  }
  const sig = new Uint8Array(signatureHex.length / 2);
  for (let i = 0; i < sig.length; i++) sig[i] = parseInt(signatureHex.slice(2 * i, 2 * i + 2), 16);
  try {
    return p256.verify(sig, new TextEncoder().encode(message), key.publicKey, {
      format: "der",
      lowS: false,
    });
  } catch {
    return false;
  }
}
