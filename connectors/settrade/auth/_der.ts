/**
 * ECDSA signature encodings: raw `r || s` (what WebCrypto returns) to ASN.1 DER
 * `SEQUENCE { INTEGER r, INTEGER s }` (what Settrade expects) and back.
 *
 * @module
 */

/** Minimal big-endian unsigned integer: no leading zero bytes, at least one byte. */
function trimLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** DER INTEGER content: minimal, with a 0x00 prefix when the high bit is set. */
function derInteger(unsigned: Uint8Array): Uint8Array {
  const v = trimLeadingZeros(unsigned);
  const pad = v[0] >= 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + v.length);
  out[0] = 0x02;
  out[1] = pad + v.length;
  out.set(v, 2 + pad);
  return out;
}

/**
 * Encodes a raw `r || s` signature (two equal halves) as DER.
 * @param raw `r || s`, 64 bytes for P-256.
 * @returns The DER bytes (at most 72 for P-256).
 */
export function rawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0 || raw.length > 120) {
    throw new RangeError(`[settrade] raw signature has an invalid length ${raw.length}`);
  }
  const half = raw.length / 2;
  const r = derInteger(raw.subarray(0, half));
  const s = derInteger(raw.subarray(half));
  const body = r.length + s.length;
  const out = new Uint8Array(2 + body);
  out[0] = 0x30;
  out[1] = body; // at most 126 for halves up to 60 bytes: short-form length
  out.set(r, 2);
  out.set(s, 2 + r.length);
  return out;
}

/** Reads one minimal, positive DER INTEGER at `at`; returns its value bytes and end. */
function readInteger(der: Uint8Array, at: number, size: number): [Uint8Array, number] {
  if (der[at] !== 0x02) throw new RangeError("[settrade] DER signature: expected an INTEGER");
  const len = der[at + 1];
  const start = at + 2;
  const end = start + len;
  if (len === undefined || len === 0 || len >= 0x80 || end > der.length) {
    throw new RangeError("[settrade] DER signature: bad INTEGER length");
  }
  const v = der.subarray(start, end);
  if (v[0] >= 0x80) throw new RangeError("[settrade] DER signature: negative INTEGER");
  if (v.length > 1 && v[0] === 0 && v[1] < 0x80) {
    throw new RangeError("[settrade] DER signature: INTEGER is not minimal");
  }
  const value = trimLeadingZeros(v);
  if (value.length > size) throw new RangeError("[settrade] DER signature: INTEGER too large");
  const padded = new Uint8Array(size);
  padded.set(value, size - value.length);
  return [padded, end];
}

/**
 * Decodes a strict DER ECDSA signature to raw `r || s`.
 * @param der The DER bytes.
 * @param size Byte length of each of `r` and `s` (32 for P-256). @default 32
 * @returns `r || s`, `2 * size` bytes.
 * @throws RangeError when the bytes are not a strict DER `SEQUENCE` of two INTEGERs.
 */
export function derToRaw(der: Uint8Array, size = 32): Uint8Array {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2 || der[1] >= 0x80) {
    throw new RangeError("[settrade] DER signature: bad SEQUENCE header");
  }
  const [r, afterR] = readInteger(der, 2, size);
  const [s, afterS] = readInteger(der, afterR, size);
  if (afterS !== der.length) throw new RangeError("[settrade] DER signature: trailing bytes");
  const out = new Uint8Array(2 * size);
  out.set(r, 0);
  out.set(s, size);
  return out;
}
